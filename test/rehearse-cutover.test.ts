// The whole workbook in one command, as a new user runs it: `migrate.ts rehearse` from an empty data
// folder to a verified Splynx, stopping before the load while a mapping row needs a decision; then
// changes in Sonar (through the sandbox's control routes) and `migrate.ts cutover`, with its checklist
// and timings; the run log (one customer's story found by grep) and the error ids in every table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript, type ScriptResult } from './run-script.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { SplynxApi } from '../lib/splynx/client.js';
import type { RunReport } from '../lib/load/run.js';
import type { StepTiming } from '../lib/cli/steps.js';
import type { VerifyResult } from '../lib/verify/report.js';

type Rec = Record<string, unknown>;
let sb: Sandboxes;
let dataDir: string;
let api: SplynxApi;

before(async () => {
  sb = await startSandboxes({ accounts: 12, seed: 41, dirtyRate: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-'));
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
});
after(async () => {
  await sb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const migrate = (...args: string[]) => runScript('migrate.ts', args, { ...sb.settings, DATA_DIR: dataDir });
const runFolder = (r: ScriptResult) => r.stdout.trim().split('\n').pop()!;
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const json = <T>(dir: string, file: string) => JSON.parse(read(dir, file)) as T;
const explain = (r: ScriptResult) => `${r.stdout.slice(-4000)}\n${r.stderr.slice(-3000)}`;
const logLines = (dir: string) =>
  read(dir, 'log.jsonl')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
const timings = (dir: string) => json<{ steps: StepTiming[] }>(dir, 'timings.json').steps;
const rows = (table: string) => sb.dataset.tables[table] as Rec[];
const recordWrites = () => sb.splynx.stats().writes - sb.splynx.tokenStats().writes;
const customerOf = async (accountId: unknown) =>
  (await api.get<Rec[]>('admin/customers/customer', { main_attributes: { login: String(accountId) } }))[0];

async function sonar(route: string, body: Rec, method = 'POST'): Promise<Rec> {
  const res = await fetch(`${sb.sonar.url}/__sandbox/${route}`, { method, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { record?: Rec }).record ?? {};
}

let snapshotId = '';

test('a load before any snapshot names the command to run, and suggests rehearse', { timeout: 120_000 }, async () => {
  const r = await migrate('all');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /No complete snapshot .*migrate\.ts snapshot.*migrate\.ts rehearse/);
});

test('rehearse goes from an empty data folder to a verified Splynx, in one run folder', { timeout: 600_000 }, async () => {
  const r = await migrate('rehearse');
  assert.equal(r.code, 0, explain(r));
  const dir = runFolder(r);
  assert.match(dir, /runs\/\d{8}-\d{6}Z(-\d+)?$/, 'the run folder is printed last');
  const files = fs.readdirSync(dir);
  for (const f of [
    '00-setup.ipynb',
    '01-extract.ipynb',
    '02-explore-clean.ipynb',
    '03-map.ipynb',
    '04-load-foundation.ipynb',
    '07-load-customers.ipynb',
    '08-verify.ipynb',
    'report.json',
    'errors.csv',
    'log.jsonl',
    'verify.json',
    'timings.json',
    'report.html',
    'mappings.json',
  ])
    assert.ok(files.includes(f), `${f} in the run folder (${files.join(', ')})`);
  assert.deepEqual(
    timings(dir).map((t) => [t.step, t.result]),
    ['check', 'snapshot', 'clean', 'map', 'load', 'verify'].map((s) => [s, 'ok']),
  );
  assert.match(r.stdout, /rehearse: time per step/);
  assert.equal(json<{ reconciled: boolean }>(dir, 'verify.json').reconciled, true);
  const report = json<RunReport>(dir, 'report.json');
  assert.equal(report.entities.customers.created, rows('accounts').length);
  snapshotId = /cutover --since (\S+)/.exec(r.stdout)![1];
  assert.ok(fs.existsSync(path.join(dataDir, 'snapshots', snapshotId, 'manifest.json')), 'it names the snapshot to cut over from');

  // The run log: one line per record outcome; one account's lines are its whole story.
  const lines = logLines(dir);
  assert.ok(lines.every((l) => l.run_id === report.run_id && l.ts && l.entity));
  const done = Object.values(report.entities).reduce((n, e) => n + e.created + e.updated + e.skipped + e.adopted + e.failed, 0);
  assert.equal(lines.filter((l) => l.event === 'record').length, done, 'one line per record outcome');
  const account = rows('accounts').find((a) => rows('notes').some((n) => n.noteable_type === 'Account' && n.noteable_id === a.id))!;
  const grep = read(dir, 'log.jsonl')
    .split('\n')
    .filter((l) => l.includes(`"account":"${account.id}"`))
    .map((l) => JSON.parse(l) as Rec);
  const customer = await customerOf(account.id);
  const entities = new Set(grep.map((l) => l.entity));
  for (const e of ['customers', 'customer_info', 'customer_billing', 'customer_notes'])
    assert.ok(entities.has(e), `${e} in the story of account ${account.id}: ${[...entities].join(', ')}`);
  assert.deepEqual(
    grep.filter((l) => l.entity === 'customers').map((l) => [l.outcome, l.splynx_id]),
    [['created', String(customer.id)]],
  );
  assert.ok(!read(dir, 'log.jsonl').includes(sb.settings.SPLYNX_API_SECRET), 'no secret in the log');
});

test('rehearse stops before loading while a mapping row needs a decision, and names it', { timeout: 600_000 }, async () => {
  const file = path.join(dataDir, 'mappings', 'account-status.csv');
  const original = fs.readFileSync(file, 'utf8');
  const [header, first, ...rest] = original.trim().split('\n');
  const cols = header.split(',');
  const cells = first.split(',');
  cells[cols.indexOf('splynx_value')] = 'maybe';
  fs.writeFileSync(file, [header, cells.join(','), ...rest].join('\n') + '\n');
  const writes = recordWrites();
  try {
    const r = await migrate('rehearse');
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stdout, /Mapping rows that need a decision \(1\)/);
    assert.match(r.stdout, /account-status: "maybe" is not a/);
    assert.match(r.stdout, /Nothing was loaded/);
    assert.equal(recordWrites(), writes, 'nothing written to Splynx');
    const dir = runFolder(r);
    assert.deepEqual(
      timings(dir).map((t) => t.step),
      ['check', 'snapshot', 'clean', 'map'],
    );
    assert.match(timings(dir)[3].result, /stopped: 1 mapping row/);
    assert.ok(!fs.existsSync(path.join(dir, 'report.json')), 'no load ran');
  } finally {
    fs.writeFileSync(file, original);
  }
});

test(
  'cutover after changes in Sonar: the delta, verify, the first bill, a checklist from the run and a time per step',
  { timeout: 600_000 },
  async () => {
    assert.ok(snapshotId, 'the rehearsal ran');
    const plain = rows('accounts').filter(
      (a) => !a.archived_at && !a.parent_account_id && !rows('accounts').some((c) => c.parent_account_id === a.id),
    );
    const noted = plain.filter((a) => rows('notes').some((n) => n.noteable_type === 'Account' && n.noteable_id === a.id));
    const serviced = plain.filter((a) => rows('account_services').some((s) => s.account_id === a.id) && !noted.includes(a));
    assert.ok(noted.length >= 1 && serviced.length >= 2, `enough accounts (${noted.length}, ${serviced.length})`);
    const [renamed, broken] = serviced;
    const note = rows('notes').find((n) => n.noteable_type === 'Account' && n.noteable_id === noted[0].id)!;

    await sonar('records', { table: 'accounts', record: { id: renamed.id, name: 'Renamed On Cutover Day' } });
    await sonar('records', { table: 'notes', record: { id: note.id, message: 'Edited after the rehearsal' } });
    // A service pointing at a Sonar service that does not exist: dirty data, an error row with an id.
    const bad = rows('account_services').find((s) => s.account_id === broken.id)!;
    await sonar('records', { table: 'account_services', record: { id: bad.id, service_id: 999999 } });

    const r = await migrate('cutover', '--since', snapshotId, '--no-stop-on-error');
    assert.equal(r.code, 1, `the broken service is an error: ${explain(r)}`);
    const dir = runFolder(r);
    assert.equal((await customerOf(renamed.id)).name, 'Renamed On Cutover Day', 'Splynx follows Sonar');

    // Timings, printed and in the run folder.
    const steps = timings(dir);
    assert.deepEqual(
      steps.map((t) => t.step),
      ['check', 'snapshot (changes)', 'clean', 'load', 'verify', 'first bill'],
    );
    assert.ok(steps.every((t) => t.seconds >= 0));
    assert.match(r.stdout, /cutover: time per step/);

    // The error row: one stable id, in the report, errors.csv, the printed summary and the log.
    const report = json<RunReport>(dir, 'report.json');
    const error = report.errors.find((e) => e.source_id === String(bad.id))!;
    assert.ok(error, JSON.stringify(report.errors));
    assert.match(error.error_id!, /^E-[0-9a-f]{10}$/);
    assert.match(read(dir, 'errors.csv').split('\n')[0], /^error_id,entity,source_id,category/);
    assert.ok(read(dir, 'errors.csv').includes(error.error_id!));
    assert.ok(r.stdout.includes(error.error_id!), 'the summary shows the error id');
    const logged = logLines(dir).filter((l) => l.error_id === error.error_id);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].category, error.category);
    assert.equal(logged[0].account, String(broken.id), "the error is in its customer's story");

    // The checklist, written from the run.
    const checklist = read(dir, 'checklist.md');
    assert.match(r.stdout, /To do by hand in Splynx/);
    assert.match(checklist, /billing on in Splynx/);
    assert.ok(checklist.includes(error.error_id!), 'the error is on the list, by its id');
    const splynxNote = (await api.get<Rec[]>('admin/customers/customer-notes')).find((n) =>
      String(n.title ?? '').includes(`Sonar note ${note.id}`),
    );
    assert.match(checklist, /Edit by hand in Splynx 1 customer note changed in Sonar/);
    if (splynxNote) assert.ok(checklist.includes(`${splynxNote.id} (Sonar ${note.id})`), checklist);
    assert.ok(fs.existsSync(path.join(dir, 'delta.json')) && fs.existsSync(path.join(dir, 'verify.json')));
    assert.match(r.stdout, /First bill/);

    // Verify is scoped to the accounts Sonar changed: every count and listing, but first bills only for those.
    const verified = json<VerifyResult>(dir, 'verify.json');
    assert.ok(verified.scope, 'cutover verify is scoped');
    assert.equal(verified.scope!.since, snapshotId);
    assert.ok(verified.scope!.changed_accounts >= 3, `the three changed accounts are in scope: ${JSON.stringify(verified.scope)}`);
    assert.ok(verified.scope!.changed_accounts < rows('accounts').length, 'not every account changed');
    const bill = verified.first_bill as { customers: number; unchanged?: number };
    assert.ok(bill.customers >= 3 && bill.customers <= verified.scope!.changed_accounts, JSON.stringify(bill));
    assert.ok((bill.unchanged ?? 0) > 0 && bill.customers + bill.unchanged! <= rows('accounts').length, JSON.stringify(bill));
    assert.match(r.stdout, /Scoped to the \d+ accounts Sonar changed since/);
    for (const out of [r.stdout, r.stderr, read(dir, 'log.jsonl'), checklist])
      assert.ok(!out.includes(sb.settings.SPLYNX_API_SECRET) && !out.includes(sb.settings.SONAR_API_KEY));
  },
);
