// The migration's command line end to end, as cutover runs it: child processes of scripts/migrate.ts
// (which replay the notebooks) against sandboxes started here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from './run-script.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import type { RunReport } from '../lib/load/run.js';

let sb: Sandboxes;
let dataDir: string;

before(async () => {
  sb = await startSandboxes({ accounts: 30, seed: 17, dirtyRate: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-'));
});
after(async () => {
  await sb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const migrate = (...args: string[]) => runScript('migrate.ts', args, { ...sb.settings, DATA_DIR: dataDir });

const replay = async (...notebooks: string[]) =>
  (
    await runScript(
      'replay.ts',
      notebooks.map((n) => `notebooks/${n}`),
      { ...sb.settings, DATA_DIR: dataDir },
    )
  ).code === 0
    ? 0
    : 1;

const report = (stdout: string): RunReport => {
  const folder = stdout.trim().split('\n').pop()!;
  return JSON.parse(fs.readFileSync(path.join(folder, 'report.json'), 'utf8')) as RunReport;
};
// The sandbox lists a table once anything has asked for it; only the records in it matter here.
const counts = async () =>
  Object.fromEntries(
    Object.entries((await (await fetch(`${sb.splynx.url}/__sandbox/counts`)).json()) as Record<string, number>).filter(([, n]) => n > 0),
  );

/** Writes to records: the sandbox's writes without the token requests (a token is no record). */
const recordWrites = () => sb.splynx.stats().writes - sb.splynx.tokenStats().writes;

test('snapshot, clean, then a dry run that writes nothing', { timeout: 300_000 }, async () => {
  const snap = await migrate('snapshot');
  assert.equal(snap.code, 0, snap.stderr);
  assert.equal(await replay('02-explore-clean.ipynb'), 0);
  const before = await counts();
  const writes = recordWrites();
  const dry = await migrate('all', '--dry-run', '--no-stop-on-error');
  assert.equal(dry.code, 0, dry.stderr + dry.stdout);
  const r = report(dry.stdout);
  assert.equal(r.dry_run, true);
  assert.equal(r.entities.customers.created, sb.dataset.tables.accounts.length, 'it says what it would create');
  assert.equal(recordWrites(), writes, 'no write reached Splynx');
  assert.deepEqual(await counts(), before);
  assert.match(dry.stdout.trim().split('\n').pop()!, /runs\/\d{8}-\d{6}Z(-\d+)?$/, 'the run folder is printed last');
});

test('one customer needs its dependencies; with them it loads, with its members', { timeout: 300_000 }, async () => {
  const account = sb.dataset.tables.accounts.find((a) => !a.parent_account_id)!;
  const alone = await migrate('single', '--customer-id', String(account.id));
  assert.equal(alone.code, 1);
  assert.match(alone.stdout, /1 errors \(1 data\)/);
  assert.match(alone.stderr + alone.stdout, /needs partners/);
  const withDeps = await migrate('single', '--customer-id', String(account.id), '--include-dependencies', '--include-members');
  assert.equal(withDeps.code, 0, withDeps.stderr + withDeps.stdout);
  const r = report(withDeps.stdout);
  assert.equal(r.entities.customers.created, 1);
  assert.equal((await counts()).customers, 1);
});

test('register-external maps a hand-made tariff; all migrates the rest; a second all creates nothing', { timeout: 300_000 }, async () => {
  const bad = await migrate('register-external', '--entity', 'tariffs_internet', '--sonar-id', '1', '--splynx-id', '999');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Splynx has no tariffs_internet 999/);
  // A one-time tariff the ISP already made by hand in Splynx, under another title: registered, never created again.
  const { SplynxApi } = await import('../lib/splynx/client.js');
  const api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
  const service = sb.dataset.tables.services.find((x) => x.type === 'ONETIME')!;
  const partner = (await api.get<Array<{ id: string }>>('admin/administration/partners'))[0].id;
  const handMade = await api.create('admin/tariffs/one-time', {
    title: 'Made by hand',
    price: '10.00',
    partners_ids: [partner],
    hide_on_admin_portal: '0',
  });
  const reg = await migrate(
    'register-external',
    '--entity',
    'tariffs_one_time',
    '--sonar-id',
    String(service.id),
    '--splynx-id',
    handMade.id,
  );
  assert.equal(reg.code, 0, reg.stderr);
  const all = await migrate('all');
  assert.equal(all.code, 0, all.stdout + fs.readFileSync(path.join(all.stdout.trim().split('\n').pop()!, 'errors.csv'), 'utf8'));
  const first = report(all.stdout);
  assert.equal(first.errors.length, 0);
  assert.equal((await counts()).customers, sb.dataset.tables.accounts.length);
  const titles = (await api.get<Array<{ title: string }>>('admin/tariffs/one-time')).map((x) => x.title);
  assert.ok(!titles.includes(String(service.name)), 'the registered tariff was not created again under its Sonar title');
  assert.equal(titles.length, sb.dataset.tables.services.filter((x) => x.type === 'ONETIME').length);
  const again = await migrate('all');
  assert.equal(again.code, 0);
  const second = report(again.stdout);
  assert.ok(
    Object.values(second.entities).every((e) => e.created === 0 && e.failed === 0),
    JSON.stringify(second.entities),
  );
  assert.ok(!all.stdout.includes(sb.settings.SPLYNX_API_SECRET) && !all.stderr.includes(sb.settings.SPLYNX_API_SECRET));
});

test('bad usage is refused with exit code 2 and a reason', async () => {
  const r = await migrate('single');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /single needs --customer-id/);
  const p = await migrate('all', '--phases', 'billing');
  assert.equal(p.code, 2);
  assert.match(p.stderr, /unknown phase billing/);
});
