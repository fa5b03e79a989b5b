// The secrets scan must be able to fail: fake credentials planted in a log, a JSON report, an
// executed notebook, an error table and a SQLite file are all found, by file and line, in every
// form they take, without the scan ever repeating them; the secrets folder is left out by name.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runScript } from './run-script.js';
import { describeLeaks, scanForSecrets } from '../lib/chaos/secrets-scan.js';
import { issuedSecrets } from '../lib/secrets/index.js';

const fake = (what: string) => `planted-${what}-${randomBytes(8).toString('hex')}`;

// Planted folders are removed when the tests end, whatever npm test keeps: the scan that follows
// npm test would (rightly) find the planted temporary password. They sit one level down, because
// npm test keeps the folders directly under the temporary folder.
const planted = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scan-')), 'planted');
after(() => fs.rmSync(planted, { recursive: true, force: true }));

function plantedFolder() {
  fs.mkdirSync(planted, { recursive: true });
  const dir = fs.mkdtempSync(path.join(planted, 'run-'));
  const token = fake('token');
  const secret = `${fake('secret')}/+&=`;
  const password = 'Tmp!pass#word-1234Xy';
  fs.mkdirSync(path.join(dir, 'runs', 'r1'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'runs', 'r1', 'replay.log'), `line one\nline two\nAuthorization: Bearer ${token}\n`);
  fs.writeFileSync(
    path.join(dir, 'runs', 'r1', 'report.json'),
    JSON.stringify({ errors: [{ message: `url ?secret=${encodeURIComponent(secret)}` }] }, null, 2),
  );
  fs.writeFileSync(
    path.join(dir, 'runs', 'r1', '07-load-customers.ipynb'),
    JSON.stringify({ cells: [{ outputs: [{ text: [`admin password ${password}`] }] }] }),
  );
  fs.writeFileSync(path.join(dir, 'runs', 'r1', 'errors.csv'), `entity,source_id,message\ncustomers,1,"fine"\n`);
  const db = new Database(path.join(dir, 'ledger.sqlite'));
  db.exec('CREATE TABLE t (v TEXT)');
  db.prepare('INSERT INTO t VALUES (?)').run(`kept ${token} here`);
  db.close();
  // Where the workbook keeps temporary passwords on purpose.
  fs.mkdirSync(path.join(dir, 'secrets'));
  fs.writeFileSync(
    path.join(dir, 'secrets', 'administrators-r1.csv'),
    `issued_at,sonar_user_id,login,name,email,role_name,temporary_password\n2026-01-01,1,ops,Ops,ops@example.com,administrator,${password}\n`,
  );
  return { dir, token, secret, password };
}

test('planted credentials are found in logs, reports, notebooks and the ledger, by file and line', () => {
  const { dir, token, secret, password } = plantedFolder();
  const creds = [{ label: 'Sonar token', value: token }, { label: 'Splynx API secret', value: secret }, ...issuedSecrets([dir])];
  assert.equal(creds.length, 3, 'the temporary password is read from the secrets folder');
  const r = scanForSecrets([dir], creds);
  const where = r.leaks.map((l) => `${path.relative(dir, l.file)}:${l.line} ${l.label} ${l.form}`).sort();
  assert.ok(where.includes('runs/r1/replay.log:3 Sonar token as is'), where.join('\n'));
  assert.ok(
    where.some((w) => w.startsWith('runs/r1/report.json:') && w.endsWith('Splynx API secret URL-encoded')),
    where.join('\n'),
  );
  assert.ok(
    where.some((w) => w.startsWith('runs/r1/07-load-customers.ipynb:1 temporary password of administrator ops')),
    where.join('\n'),
  );
  assert.ok(
    where.some((w) => w.startsWith('ledger.sqlite:') && w.includes('Sonar token')),
    'binary files are searched too',
  );
  assert.ok(!where.some((w) => w.startsWith('secrets/')), 'the secrets folder is not searched');
  assert.deepEqual(
    r.excluded.map((d) => path.relative(dir, d)),
    ['secrets'],
  );
  const text = JSON.stringify(r) + describeLeaks(r, dir).join('\n');
  for (const v of [token, secret, password]) assert.ok(!text.includes(v), 'the scan never repeats a credential');
});

test('nothing planted, nothing found; values too short to search are counted, not searched', () => {
  const { dir } = plantedFolder();
  const r = scanForSecrets(
    [dir],
    [
      { label: 'other', value: fake('other') },
      { label: 'short', value: 'k' },
    ],
  );
  assert.deepEqual(r.leaks, []);
  assert.equal(r.searched, 1);
  assert.equal(r.tooShort, 1);
  assert.ok(r.files >= 5);
});

test('scripts/scan-secrets.ts exits 1 listing file:line of each leak, and 0 on a clean folder', async () => {
  const { dir, token } = plantedFolder();
  const file = path.join(dir, 'credentials.jsonl');
  fs.writeFileSync(file, `${JSON.stringify({ label: 'Sonar token', value: token })}\n`);
  const run = async (folder: string) => {
    const r = await runScript('scan-secrets.ts', ['--credentials', file, folder]);
    return { code: r.code, out: r.stdout + r.stderr };
  };
  const leaky = await run(dir);
  assert.equal(leaky.code, 1, leaky.out);
  assert.match(leaky.out, /LEAK .*replay\.log:3: Sonar token/);
  assert.ok(!leaky.out.includes(token));
  const clean = fs.mkdtempSync(path.join(planted, 'clean-'));
  fs.writeFileSync(path.join(clean, 'report.json'), '{"errors":[]}');
  const ok = await run(clean);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /no leak/);
});

test("a subscriber's RADIUS password is Sonar's: allowed in a snapshot and its cleaned copy, a leak anywhere else", () => {
  fs.mkdirSync(planted, { recursive: true });
  const dir = fs.mkdtempSync(path.join(planted, 'sonar-'));
  const radius = fake('radius');
  const apiKey = fake('key');
  for (const copy of [path.join('snapshots', 's1'), path.join('clean', 's1')]) {
    fs.mkdirSync(path.join(dir, copy), { recursive: true });
    fs.writeFileSync(path.join(dir, copy, 'manifest.json'), '{}');
    fs.writeFileSync(path.join(dir, copy, 'radius_accounts.jsonl'), `${JSON.stringify({ username: 'jdoe', password: radius })}\n`);
  }
  fs.writeFileSync(path.join(dir, 'isp.json'), `{"format":"sonar-dataset","tables":{"radius_accounts":[{"password":"${radius}"}]}}`);
  // An API key is a leak even inside a snapshot; the RADIUS password outside one is too.
  fs.appendFileSync(path.join(dir, 'snapshots', 's1', 'radius_accounts.jsonl'), `${apiKey}\n`);
  fs.mkdirSync(path.join(dir, 'runs', 'r1'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'runs', 'r1', 'replay.log'), `login jdoe password ${radius}\n`);
  const result = scanForSecrets(
    [dir],
    [
      { label: 'Sonar RADIUS password of jdoe', value: radius, sonarHeld: true },
      { label: 'Splynx internet service password of login jdoe', value: radius },
      { label: 'Splynx API key', value: apiKey },
    ],
  );
  assert.deepEqual(
    describeLeaks(result, dir).sort(),
    [
      `${path.join('runs', 'r1', 'replay.log')}:1: Sonar RADIUS password of jdoe (as is)`,
      `${path.join('snapshots', 's1', 'radius_accounts.jsonl')}:2: Splynx API key (as is)`,
    ].sort(),
  );
});
