// The secrets store (lib/secrets): where issued secrets are kept, and only there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issuedSecrets, SECRET_KINDS, SecretsStore, temporaryPassword } from '../lib/secrets/index.js';

const kind = SECRET_KINDS.administrators;
const row = (login: string, password: string) => ({
  sonar_user_id: '7',
  login,
  name: 'A Person',
  email: 'a@example.com',
  role_name: 'manager',
  temporary_password: password,
});

test('secrets go to one file per kind and run in a 700 folder named secrets, 600 each, and read back without a word printed', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-store-'));
  const dir = path.join(root, 'data', 'secrets');
  const store = new SecretsStore();
  assert.throws(() => store.configure({ dir: path.join(root, 'data', 'runs') }), /folder named secrets/);

  const printed: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((s) => (s.write = ((chunk: unknown) => (printed.push(String(chunk)), true)) as typeof s.write));
  const [p1, p2, p3] = [temporaryPassword(), temporaryPassword(), temporaryPassword()];
  let rows: Array<Record<string, string>>;
  try {
    store.configure({ dir, runId: 'run/1' });
    store.record(kind, row('one', p1));
    store.record(kind, row('two', p2));
    store.configure({ runId: 'run-2' });
    store.record(kind, row('three', p3));
    rows = store.read(kind);
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]));
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), ['administrators-run-2.csv', 'administrators-run_1.csv']);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  for (const f of fs.readdirSync(dir)) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600);
  assert.deepEqual(rows.map((r) => r.temporary_password).sort(), [p1, p2, p3].sort());
  assert.deepEqual(Object.keys(rows[0]), ['issued_at', ...kind.columns]);
  assert.ok(
    printed.every((t) => ![p1, p2, p3].some((p) => t.includes(p))),
    'nothing the store does prints a secret',
  );

  // The scan's list: every kept secret, labelled without its value; a file of the same shape outside a `secrets`
  // folder is not the store's (its value is one nobody issued, so the test leaves no leak behind).
  const stray = temporaryPassword();
  fs.writeFileSync(
    path.join(root, 'administrators-stray.csv'),
    `issued_at,${kind.columns.join(',')}\nx,7,stray,S,s@example.com,manager,${stray}\n`,
  );
  const issued = issuedSecrets([root]);
  assert.deepEqual(issued.map((s) => s.value).sort(), [p1, p2, p3].sort());
  assert.ok(issued.every((s) => s.label.startsWith('temporary password of administrator ') && !s.label.includes(s.value)));
  fs.rmSync(root, { recursive: true, force: true });
});
