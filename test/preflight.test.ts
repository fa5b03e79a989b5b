// Per-key permissions and the preflight: the sandbox answers 403 in Splynx's envelope outside a
// key's modules and lists the key's permissions in its token; `check` names what is missing; a
// load (or a rollback) with a permission missing writes nothing at all and says what is missing;
// with full permissions the preflight says nothing and costs a few requests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkConnections } from '../lib/check.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { loadSettings, type Settings } from '../lib/config.js';
import { ENTITIES, type Row } from '../lib/entities/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { loadNeeds } from '../lib/load/preflight.js';
import { preflightReplay } from '../lib/load/preflight-command.js';
import { runMigration } from '../lib/load/run.js';
import { splynxApi } from '../lib/load/session.js';
import { rollback } from '../lib/rollback/index.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { signature } from '../lib/sandbox/splynx/auth.js';
import { SplynxClient } from '../lib/sandbox/splynx/client.js';
import { startSplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi, SplynxError } from '../lib/splynx/client.js';
import { preflight } from '../lib/splynx/preflight.js';

const NO_FINANCE_ADD = '*;finance=view,edit,delete';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
const running: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(running.map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sandboxes(permissions?: string): Promise<Sandboxes> {
  const sb = await startSandboxes({ accounts: 25, seed: 12, splynxPermissions: permissions });
  running.push(sb);
  return sb;
}
/** The sandbox lists a table once anything asked for it: only the records in it matter. */
const counts = (sb: Sandboxes) => Object.fromEntries(Object.entries(sb.splynx.store.counts()).filter(([, n]) => n > 0));
const settingsOf = (sb: Sandboxes, over: Record<string, string> = {}): Settings =>
  loadSettings({ envFile: '/nonexistent/.env', env: {}, overrides: { ...sb.settings, DATA_DIR: dir, ...over } });

test("the sandbox: 403 FORBIDDEN in the error envelope outside the key's modules; the token lists what the key may do", async () => {
  const key = 'perm-key-71';
  const secret = 'perm-secret-71';
  const s = await startSplynxSandbox({ apiKey: key, apiSecret: secret, permissions: 'customers=view;finance=view,add' });
  running.push(s);
  const c = new SplynxClient(s.url, key, secret);
  assert.equal((await c.get('admin/customers/customer')).status, 200);
  const add = await c.post('admin/customers/customer', { name: 'Nobody' });
  assert.equal(add.status, 403);
  assert.deepEqual(add.body.error.code, 403);
  assert.equal(add.body.error.internal_code, 'FORBIDDEN');
  assert.match(add.body.error.message, /add in Customers/);
  assert.equal((await c.get('admin/tariffs/internet')).status, 403, 'a module not listed at all');
  assert.equal((await c.request('HEAD', 'admin/tariffs/internet')).status, 403);
  assert.equal((await c.delete('admin/finance/invoices/1')).status, 403);
  assert.equal(s.store.count('customers'), 0);
  // No permissions are needed to get in: the check and the token endpoints answer.
  assert.equal((await fetch(`${s.url}/api/2.0/admin/api/check`)).status, 200);
  // One counter per key (the sandbox's default): after centisecond signatures, a centisecond token nonce, as Splynx's PHP client sends.
  const nonce = c.nextNonce();
  const token = await fetch(`${s.url}/api/2.0/admin/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth_type: 'api_key', key, nonce, signature: signature(secret, nonce, key) }),
  });
  assert.equal(token.status, 201);
  const body = (await token.json()) as { permissions: Array<{ module: string; actions: string[] }> };
  assert.deepEqual(
    body.permissions.map((p) => [p.module, p.actions]),
    [
      ['customers', ['view']],
      ['finance', ['view', 'add']],
    ],
  );
  // Through the client, a 403 is an authentication error that names the module and the way to grant it.
  const api = new SplynxApi({ url: s.url, key, secret, auth: 'token', retryBaseMs: 1 });
  await assert.rejects(api.create('admin/customers/customer', { name: 'Nobody' }), (e: SplynxError) => {
    assert.equal(e.category, 'authentication');
    assert.equal(e.status, 403);
    assert.match(e.message, /may not add records in Customers \(admin\/customers\/customer\)/);
    assert.match(e.message, /Administration → API keys → Permissions/);
    return true;
  });
});

test('a bad --splynx-permissions spec is refused with the known modules and actions', async () => {
  await assert.rejects(
    startSplynxSandbox({ apiKey: 'k', apiSecret: 's', permissions: 'billing=view' }),
    /Unknown Splynx permission module "billing"/,
  );
  await assert.rejects(
    startSplynxSandbox({ apiKey: 'k', apiSecret: 's', permissions: 'finance=pay' }),
    /actions are view, add, edit, delete/,
  );
});

test('check names a missing permission in one sentence, with the module and the entities that need it', async () => {
  const sb = await sandboxes(NO_FINANCE_ADD);
  for (const auth of ['token', 'signature']) {
    const [, splynx] = await checkConnections(settingsOf(sb, { SPLYNX_AUTH: auth }));
    assert.equal(splynx.ok, false, splynx.message);
    assert.match(splynx.message, /Splynx: connected/);
    assert.match(
      splynx.message,
      /The API key may not add records in Finance \(admin\/finance\/…\): billing_coverage, invoices, payments need it\./,
    );
    assert.doesNotMatch(splynx.message, /may not (read|edit|delete)/);
  }
});

test('a load of every phase with a key that may not add in Finance writes nothing at all, and says why', async () => {
  const sb = await sandboxes(NO_FINANCE_ADD);
  const tables = cleanSnapshot(sb.dataset.tables as unknown as Record<string, Row[]>).tables;
  const before = counts(sb);
  const rows = () => Object.fromEntries(Object.keys(before).map((t) => [t, sb.splynx.store.all(t)]));
  const snapshot = JSON.stringify(rows());
  const ledger = new Ledger(path.join(dir, 'blocked', 'ledger.sqlite'));
  const report = await runMigration(splynxApi(settingsOf(sb)), ledger, tables, {
    runId: 'blocked',
    runDir: path.join(dir, 'blocked', 'run'),
    mappingsDir: path.join(dir, 'blocked', 'mappings'),
    secretsDir: path.join(dir, 'blocked', 'secrets'),
    timezone: 'UTC',
  });
  assert.deepEqual(counts(sb), before, 'no table grew');
  assert.equal(JSON.stringify(rows()), snapshot, 'no record changed');
  assert.equal(report.stopped, true);
  assert.deepEqual(report.entities, {});
  assert.deepEqual(
    report.errors.map((e) => [e.category, e.message]),
    [['authentication', 'The API key may not add records in Finance (admin/finance/…): billing_coverage, invoices, payments need it.']],
  );
  assert.match(report.errors[0].suggestion, /Grant the API key "add" in Finance/);
  assert.match(
    fs.readFileSync(path.join(dir, 'blocked', 'run', 'errors.csv'), 'utf8'),
    /E-[0-9a-f]{10},preflight,,authentication,"The API key may not add records in Finance/,
  );
  assert.equal(ledger.records('partners').length + ledger.records('customers').length, 0, 'the ledger holds nothing either');
  ledger.close();

  // The command line's check before its notebooks: the same sentence, the same report, no notebook run.
  const env = { ...process.env };
  Object.assign(process.env, sb.settings, { DATA_DIR: dir });
  try {
    const runDir = path.join(dir, 'runs', 'cli');
    const go = await preflightReplay('cli', runDir, {
      phases: ['foundation', 'network', 'inventory', 'customers', 'finance', 'support'],
      params: [],
      customerParams: [],
    });
    assert.equal(go, false);
    const written = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    assert.equal(
      written.errors[0].message,
      'The API key may not add records in Finance (admin/finance/…): billing_coverage, invoices, payments need it.',
    );
    // Phases that need nothing from Finance may go.
    assert.equal(
      await preflightReplay('cli2', path.join(dir, 'runs', 'cli2'), { phases: ['foundation'], params: [], customerParams: [] }),
      true,
    );
  } finally {
    for (const k of Object.keys(sb.settings)) delete process.env[k];
    Object.assign(process.env, env);
  }
  assert.deepEqual(counts(sb), before);
});

test('with full permissions the preflight says nothing and costs one request per collection read, plus a token', async () => {
  const sb = await sandboxes();
  for (const auth of ['token', 'signature'] as const) {
    const api = new SplynxApi({
      url: sb.splynx.url,
      key: sb.settings.SPLYNX_API_KEY,
      secret: sb.settings.SPLYNX_API_SECRET,
      auth,
      retryBaseMs: 1,
    });
    const needs = loadNeeds(ENTITIES);
    const result = await preflight(api, needs);
    assert.deepEqual(result.missing, []);
    assert.deepEqual(result.notes, []);
    assert.equal(result.ok, true);
    assert.equal(result.writes, 'token permissions');
    const probes = new Set(needs.filter((n) => n.probe).map((n) => n.probe)).size;
    // The token: one POST (two when Splynx refused the seconds nonce first), and with signatures a DELETE after.
    // Signed probes sent side by side may race for the nonce and be signed again.
    console.log(`preflight of every phase, ${auth} auth: ${result.requests} requests (${probes} collections probed)`);
    assert.ok(result.requests >= probes + 1, `${result.requests} requests`);
    assert.ok(result.requests <= probes + (auth === 'token' ? 2 : 3 + 8), `${result.requests} requests for ${probes} probes`);
    // A second preflight in the same session asks for no token again.
    const again = await preflight(api, needs);
    assert.ok(again.ok);
    assert.ok(again.requests <= probes + (auth === 'token' ? 0 : 8), `${again.requests} requests the second time`);
  }
});

test('a rollback with a key that may not delete in Finance deletes nothing, and says why', async () => {
  const sb = await sandboxes('*;finance=view,add,edit');
  const tables = cleanSnapshot(sb.dataset.tables as unknown as Record<string, Row[]>).tables;
  const api = splynxApi(settingsOf(sb));
  const ledger = new Ledger(path.join(dir, 'undo', 'ledger.sqlite'));
  const load = await runMigration(api, ledger, tables, {
    runId: 'load',
    runDir: path.join(dir, 'undo', 'load'),
    mappingsDir: path.join(dir, 'undo', 'mappings'),
    secretsDir: path.join(dir, 'undo', 'secrets'),
    timezone: 'UTC',
    stopOnError: false,
  });
  assert.equal(load.stopped, false, 'a load needs no delete');
  assert.ok(load.entities.invoices.created > 0);
  const before = JSON.stringify(counts(sb));
  const undo = await rollback(api, ledger, { runId: 'undo', runDir: path.join(dir, 'undo', 'undo') });
  assert.equal(JSON.stringify(counts(sb)), before, 'nothing deleted');
  assert.deepEqual(undo.rows, []);
  assert.deepEqual(
    undo.errors.map((e) => [e.category, e.message]),
    [
      [
        'authentication',
        'The API key may not delete records in Finance (admin/finance/…): rollback of payments, rollback of invoices, rollback of billing_coverage need it.',
      ],
    ],
  );
  ledger.close();
});
