// `scripts/sandbox.ts` as a user runs it: a child process that prints its settings and stops on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { once } from 'node:events';

const root = path.resolve(import.meta.dirname, '..');

function startCli(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  settings: Promise<Record<string, string>>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sandbox.ts', ...args], { cwd: root });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const settings = new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const kv = Object.fromEntries(
        out
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      if (kv.SPLYNX_API_SECRET) resolve(kv);
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code} before it was ready: ${err}`)));
  });
  return { child, settings, stderr: () => err };
}

function splynxSignature(key: string, secret: string, nonce: number): string {
  const signature = createHmac('sha256', secret).update(`${nonce}${key}`).digest('hex').toUpperCase();
  return `Splynx-EA (key=${key}&nonce=${nonce}&signature=${signature})`;
}

test('prints the five settings, serves both APIs with them, and stops cleanly on SIGTERM', async () => {
  const { child, settings } = startCli(['--accounts', '50', '--seed', '3', '--sonar-port', '0', '--splynx-port', '0']);
  const s = await settings;
  for (const key of ['SONAR_URL', 'SONAR_API_KEY', 'SPLYNX_URL', 'SPLYNX_API_KEY', 'SPLYNX_API_SECRET'])
    assert.ok(s[key], `${key} missing`);
  assert.match(s.SONAR_URL, /^http:\/\/127\.0\.0\.1:\d+$/, 'URLs are instance roots');

  const sonar = await fetch(`${s.SONAR_URL}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.SONAR_API_KEY}` },
    body: JSON.stringify({
      query: '{ accounts(include_archived: true, paginator: {page: 1, records_per_page: 1}) { page_info { total_count } } }',
    }),
  });
  assert.equal(sonar.status, 200);
  const body = (await sonar.json()) as { data: { accounts: { page_info: { total_count: number } } } };
  assert.equal(body.data.accounts.page_info.total_count, 50);

  const splynx = await fetch(`${s.SPLYNX_URL}/api/2.0/admin/administration/partners`, {
    headers: { authorization: splynxSignature(s.SPLYNX_API_KEY, s.SPLYNX_API_SECRET, Date.now()) },
  });
  assert.equal(splynx.status, 200);
  assert.equal(((await splynx.json()) as Array<{ name: string }>)[0].name, 'Main');

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  await assert.rejects(fetch(`${s.SONAR_URL}/api/graphql`), 'the port must be closed after SIGTERM');
});

test('--fixture serves a hand-made dataset instead of generating one', async () => {
  const fixture = path.join(root, 'test/fixtures/tiny-isp.json');
  const { child, settings } = startCli(['--fixture', fixture, '--sonar-port', '0', '--splynx-port', '0']);
  try {
    const s = await settings;
    const r = await fetch(`${s.SONAR_URL}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.SONAR_API_KEY}` },
      body: JSON.stringify({ query: '{ accounts(include_archived: true) { entities { id name } } }' }),
    });
    const body = (await r.json()) as { data: { accounts: { entities: Array<{ name: string }> } } };
    assert.deepEqual(
      body.data.accounts.entities.map((a) => a.name),
      ['Ada Lovelace', 'Archived Co'],
    );
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

test('a bad option is refused with exit code 2 and a one-line reason', async () => {
  const { child, settings, stderr } = startCli(['--dirty', '7']);
  await assert.rejects(settings);
  assert.equal(child.exitCode, 2);
  assert.match(stderr(), /--dirty must be a number between 0 and 1/);
});

test('a bad fault spec is refused before anything starts', async () => {
  const { child, settings, stderr } = startCli(['--faults', 'meteor=0.1', '--sonar-port', '0', '--splynx-port', '0']);
  await assert.rejects(settings);
  assert.equal(child.exitCode, 2);
  assert.match(stderr(), /Unknown fault "meteor"/);
});

test('--splynx-permissions starts Splynx with a restricted API key: 403 outside it', async () => {
  const { child, settings, stderr } = startCli([
    '--accounts',
    '5',
    '--sonar-port',
    '0',
    '--splynx-port',
    '0',
    '--splynx-permissions',
    '*;finance=view',
  ]);
  try {
    const s = await settings;
    assert.match(stderr(), /Splynx API key permissions: \*;finance=view/);
    const headers = (nonce: number) => ({
      authorization: splynxSignature(s.SPLYNX_API_KEY, s.SPLYNX_API_SECRET, nonce),
      'content-type': 'application/json',
    });
    const nonce = Math.round(Date.now() / 10);
    const read = await fetch(`${s.SPLYNX_URL}/api/2.0/admin/finance/payments`, { headers: headers(nonce) });
    assert.equal(read.status, 200);
    const write = await fetch(`${s.SPLYNX_URL}/api/2.0/admin/finance/payment-methods`, {
      method: 'POST',
      headers: headers(nonce + 1),
      body: JSON.stringify({ name: 'Cash', is_active: '1' }),
    });
    assert.equal(write.status, 403);
    assert.equal(((await write.json()) as { error: { internal_code: string } }).error.internal_code, 'FORBIDDEN');
    const other = await fetch(`${s.SPLYNX_URL}/api/2.0/admin/administration/locations`, {
      method: 'POST',
      headers: headers(nonce + 2),
      body: JSON.stringify({ name: 'Allowed' }),
    });
    assert.equal(other.status, 201);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

test('a bad --splynx-permissions or --splynx-nonce-counter is refused before anything starts', async () => {
  const bad = startCli(['--splynx-permissions', 'billing=view', '--sonar-port', '0', '--splynx-port', '0']);
  await assert.rejects(bad.settings);
  assert.equal(bad.child.exitCode, 2);
  assert.match(bad.stderr(), /Unknown Splynx permission module "billing"/);
  const counter = startCli(['--splynx-nonce-counter', 'shared', '--sonar-port', '0', '--splynx-port', '0']);
  await assert.rejects(counter.settings);
  assert.match(counter.stderr(), /--splynx-nonce-counter must be per-key or per-channel/);
});
