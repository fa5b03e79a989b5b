// Roll back against the Splynx sandbox, over real HTTP, with a real SQLite ledger: what a load
// created leaves Splynx again (and only that), crash-safe and resumable, and loads afterwards
// create it again exactly once. The command line is run as cutover runs it, in a child process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runScript } from './run-script.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { ENTITIES, type Row } from '../lib/entities/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { runMigration, type RunOptions } from '../lib/load/run.js';
import { rollback, type RollbackOptions } from '../lib/rollback/index.js';
import { deleteRule, withDependants } from '../lib/rollback/rules.js';
import { parseFaultSpec } from '../lib/sandbox/faults.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { SplynxApi } from '../lib/splynx/client.js';

let sb: Sandboxes;
let api: SplynxApi;
let dir: string;
let clean: Record<string, Row[]>;
let seed: Record<string, number>;

before(async () => {
  sb = await startSandboxes({ accounts: 15, seed: 9, dirtyRate: 0 });
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET, retryBaseMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-'));
  clean = cleanSnapshot(sb.dataset.tables as unknown as Record<string, Row[]>).tables;
  seed = await counts();
});
after(async () => {
  await sb.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Only the tables that hold something: the sandbox lists a table once anything has asked for it.
async function counts(): Promise<Record<string, number>> {
  const all = (await (await fetch(`${sb.splynx.url}/__sandbox/counts`)).json()) as Record<string, number>;
  return Object.fromEntries(Object.entries(all).filter(([, n]) => n > 0));
}
const writes = () => sb.splynx.stats().writes;
/** The `sonar_id` field definitions a load makes outside the ledger (one per module); rollback leaves them. */
const SONAR_ID_FIELDS = 20; // billing_transactions too, for the billing coverage

async function fresh(name: string) {
  await fetch(`${sb.splynx.url}/__sandbox/reset`, { method: 'POST' });
  sb.splynx.faults.set(parseFaultSpec(undefined, 'splynx'));
  const ledger = new Ledger(path.join(dir, name, 'ledger.sqlite'));
  const load = (runId: string, opts: Partial<RunOptions> = {}) =>
    runMigration(api, ledger, clean, {
      runId,
      runDir: path.join(dir, name, runId),
      mappingsDir: path.join(dir, name, 'mappings'),
      timezone: 'UTC',
      ...opts,
    });
  const undo = (runId: string, opts: Partial<RollbackOptions> = {}, client = api) =>
    rollback(client, ledger, { runId, runDir: path.join(dir, name, runId), ...opts });
  return { ledger, load, undo };
}

const created = (ledger: Ledger) =>
  ledger
    .records()
    .filter((r) => r.state === 'created')
    .map((r) => `${r.entity}:${r.sonar_id}`)
    .sort();
const listed = (rows: Array<{ entity: string; sonar_id: string; result: string }>) =>
  rows
    .filter((r) => r.result !== 'kept')
    .map((r) => `${r.entity}:${r.sonar_id}`)
    .sort();

test('every registered entity has a rollback rule; --entity takes what depends on it', () => {
  for (const e of ENTITIES) assert.ok(deleteRule(e.name), e.name);
  const customers = withDependants('customers');
  for (const e of [
    'customer_info',
    'internet_services',
    'service_ips',
    'customer_notes',
    'invoices',
    'invoice_status',
    'payments',
    'tickets',
    'ticket_replies',
  ])
    assert.ok(customers.includes(e), e);
  assert.ok(!customers.includes('tariffs_internet') && !customers.includes('partners'));
  assert.ok(withDependants('administrators').includes('tickets'), 'an optional reference counts too');
});

test('an old ledger is migrated to the new states once, keeping its records', () => {
  const file = path.join(dir, 'old', 'ledger.sqlite');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The schema as ledgers were written before rollback existed: no `deleting`/`deleted`, user_version 0.
  const old = new Database(file);
  old.exec(`CREATE TABLE records (entity TEXT NOT NULL, sonar_id TEXT NOT NULL, splynx_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'created', 'updated', 'skipped', 'failed', 'external')),
    payload_hash TEXT, natural_key TEXT, run_id TEXT, error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (entity, sonar_id));
    CREATE UNIQUE INDEX records_splynx ON records (entity, splynx_id) WHERE splynx_id IS NOT NULL;
    CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, run_id TEXT, entity TEXT NOT NULL, sonar_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, splynx_id TEXT, detail TEXT);
    CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, params TEXT NOT NULL, outcome TEXT);
    INSERT INTO records VALUES ('customers', '7', '40', 'created', 'h', 'sonar_id 7', 'r1', NULL, '2024-01-01', '2024-01-01');
    INSERT INTO events (at, run_id, entity, sonar_id, from_state, to_state, splynx_id) VALUES ('2024-01-01', 'r1', 'customers', '7', NULL, 'created', '40');`);
  assert.throws(() => old.prepare("UPDATE records SET state = 'deleted'").run(), /CHECK/);
  old.close();

  const l = new Ledger(file);
  assert.equal(l.db.pragma('user_version', { simple: true }), 2);
  const indexes = (
    l.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL").all() as Array<{
      name: string;
    }>
  )
    .map((r) => r.name)
    .sort();
  assert.deepEqual(indexes, ['records_pending', 'records_splynx'], 'the index on every state is gone; the pending one is there');
  assert.equal(l.get('customers', '7')!.splynx_id, '40');
  l.startRun('rb', {});
  l.markDeleting('customers', '7', 'DELETE admin/customers/customer/40');
  assert.equal(l.splynxId('customers', '7'), null, 'a record being deleted is not referred to');
  l.markDeleted([{ entity: 'customers', sonarId: '7', detail: 'gone' }]);
  assert.equal(l.get('customers', '7')!.state, 'deleted');
  assert.equal(l.get('customers', '7')!.splynx_id, null, 'Splynx may give the id to another record');
  assert.equal(l.events('customers', '7').at(-1)!.splynx_id, '40', 'the event keeps which record was deleted');
  l.close();
  const again = new Ledger(file);
  assert.equal(again.db.pragma('user_version', { simple: true }), 2);
  assert.equal(again.records().length, 1);
  again.close();
});

test(
  'full load, dry run, rollback of everything it created (not the adopted or registered tariffs), twice, then a load creates it all again once',
  { timeout: 120_000 },
  async () => {
    const { ledger, load, undo } = await fresh('full');
    // Made by hand before the load: one with a Sonar service's title (adopted), one registered.
    const data = clean.services.find((s) => s.type === 'DATA')!;
    const adopted = await api.create('admin/tariffs/internet', {
      title: String(data.name),
      price: '1.00',
      partners_ids: ['1'],
      speed_download: 1,
      speed_upload: 1,
    });
    const oneTime = clean.services.find((s) => s.type === 'ONETIME')!;
    const registered = await api.create('admin/tariffs/one-time', { title: 'Made by hand', price: '10.00', partners_ids: ['1'] });
    ledger.registerExternal('tariffs_one_time', String(oneTime.id), registered.id);

    const first = await load('r1');
    assert.equal(first.errors.length, 0, JSON.stringify(first.errors.slice(0, 3)));
    assert.equal(first.entities.tariffs_internet.adopted, 1);
    const loaded = await counts();
    const own = created(ledger);

    const w = writes();
    const dry = await undo('dry', { dryRun: true });
    assert.equal(writes(), w, 'a dry run deletes nothing');
    assert.deepEqual(await counts(), loaded);
    assert.deepEqual(listed(dry.rows), own, 'it lists exactly what the load created');
    assert.equal(dry.errors.length, 0);
    assert.ok(
      fs
        .readFileSync(path.join(dir, 'full', 'dry', 'rollback.csv'), 'utf8')
        .startsWith('entity,sonar_id,splynx_id,created_by,action,target,result,message\n'),
    );
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'full', 'dry', 'rollback.json'), 'utf8')).dry_run, true);

    const done = await undo('rb1');
    assert.equal(done.errors.length, 0, JSON.stringify(done.errors.slice(0, 3)));
    assert.deepEqual(listed(done.rows), own);
    assert.deepEqual(
      await counts(),
      { ...seed, tariffs_internet: 1, tariffs_one_time: 1, additional_fields: SONAR_ID_FIELDS },
      'back to the fresh instance, the two hand-made tariffs kept',
    );
    assert.deepEqual(new Set(ledger.records().map((r) => r.state)), new Set(['deleted', 'external']));
    assert.equal(ledger.get('tariffs_internet', String(data.id))!.splynx_id, adopted.id);

    const w2 = writes();
    const second = await undo('rb2');
    assert.equal(second.rows.length + second.errors.length, 0, 'a second rollback finds nothing to do');
    assert.equal(writes(), w2);

    const reload = await load('r2');
    assert.equal(reload.errors.length, 0, JSON.stringify(reload.errors.slice(0, 3)));
    for (const [entity, c] of Object.entries(first.entities))
      assert.equal(reload.entities[entity].created, c.created, `${entity} created again, once`);
    assert.deepEqual(await counts(), loaded, 'the same records as after the first load, none twice');
  },
);

test(
  '--run rolls back only what that run created; Splynx refusals and unowned members become error rows',
  { timeout: 120_000 },
  async () => {
    const { ledger, load, undo } = await fresh('runs');
    assert.equal((await load('found', { phases: ['foundation'] })).errors.length, 0);
    const foundation = await counts();
    assert.equal((await load('rest', { phases: ['network', 'inventory', 'customers', 'finance', 'support'] })).errors.length, 0);

    // Staff work in Splynx on two migrated customers: an invoice (Splynx refuses to delete its
    // customer) and a service (the rollback refuses: deleting the customer would take it along).
    const leaves = clean.accounts.filter((x) => !x.parent_account_id && !clean.accounts.some((y) => y.parent_account_id === x.id));
    const [a, b] = leaves.slice(-2).map((x) => ledger.get('customers', String(x.id))!);
    await api.create('admin/finance/invoices', {
      customer_id: a.splynx_id,
      status: 'not_paid',
      items: [{ description: 'by hand', quantity: 1, price: 5 }],
    });
    const tariff = ledger.records('tariffs_internet')[0].splynx_id!;
    const service = await api.create(`admin/customers/customer/${b.splynx_id}/internet-services`, {
      tariff_id: tariff,
      description: 'by hand',
      login: `hand-${b.splynx_id}`,
      start_date: '2024-01-01',
      end_date: '0000-00-00',
      taking_ipv4: '0',
      status: 'active',
      quantity: 1,
    });

    const r = await undo('rb-rest', { run: 'rest' });
    const refused = r.errors.find((e) => e.entity === 'customers' && e.source_id === a.sonar_id)!;
    assert.equal(refused.category, 'api');
    assert.match(refused.message, /still used by 1 invoices/);
    assert.match(refused.suggestion, /roll back what refers to it first/);
    const blocked = r.errors.find((e) => e.entity === 'customers' && e.source_id === b.sonar_id)!;
    assert.equal(blocked.category, 'data');
    assert.match(blocked.message, new RegExp(`internet_services ${service.id} \\(not created by the migration\\)`));
    assert.equal(r.errors.length, 2, JSON.stringify(r.errors));
    assert.equal(ledger.get('customers', a.sonar_id)!.state, 'created', 'a refused delete leaves the record as it was');
    assert.equal(ledger.get('customer_info', a.sonar_id)!.state, 'created');
    const left = await counts();
    assert.equal(left.customers, 2);
    assert.equal(left.tariffs_internet, foundation.tariffs_internet, 'the other run’s tariffs are untouched');
    assert.equal(left.partners, foundation.partners);
    assert.ok(!left.ticket_messages && !left.payments && !left.routers);

    // Staff's records removed, the same rollback finishes what it could not.
    const invoice = (await api.get<Array<{ id: string }>>('admin/finance/invoices', { main_attributes: { customer_id: a.splynx_id } }))[0];
    await api.remove(`admin/finance/invoices/${invoice.id}`);
    await api.remove(`admin/customers/customer/${b.splynx_id}/internet-services--${service.id}`);
    const resumed = await undo('rb-rest2', { run: 'rest' });
    assert.equal(resumed.errors.length, 0, JSON.stringify(resumed.errors));
    assert.deepEqual(await counts(), foundation, 'what the foundation run created is all still there, and only that');
    assert.ok(ledger.records('partners').every((p) => p.state === 'created'));
    assert.equal((await undo('rb-found', { run: 'found' })).errors.length, 0);
    assert.deepEqual(await counts(), { ...seed, additional_fields: SONAR_ID_FIELDS });
  },
);

test(
  '--entity customer_notes leaves rows to remove by hand; --entity customers takes the customers’ members with them and leaves the rest',
  { timeout: 120_000 },
  async () => {
    const { ledger, load, undo } = await fresh('entity');
    assert.equal((await load('r1')).errors.length, 0);
    const loaded = await counts();

    // Comments alone: Splynx has no DELETE for them and their customers stay, so each is a row to remove by hand.
    const notes = await undo('notes', { entity: 'customer_notes' });
    const noteCount = ledger.records('customer_notes').length;
    assert.equal(notes.errors.length, noteCount);
    assert.ok(notes.errors.every((e) => e.category === 'api' && /by hand/.test(e.suggestion)));
    assert.ok(
      ledger.records('customer_notes').every((n) => n.state === 'deleting'),
      'maybe gone: a load settles them',
    );
    const byHand = ledger.records('customer_notes')[0];
    const owner = (await api.get<Array<{ id: string; customer_id: string }>>('admin/customers/customer-notes')).find(
      (x) => x.id === byHand.splynx_id,
    )!.customer_id;
    await api.remove(`admin/customers/customer-notes/${owner}--${byHand.splynx_id}`); // the analyst, by hand (a sandbox route)
    const notesAgain = await undo('notes2', { entity: 'customer_notes' });
    assert.equal(notesAgain.errors.length, noteCount - 1);
    assert.equal(ledger.get('customer_notes', byHand.sonar_id)!.state, 'deleted');

    const dry = await undo('dry', { entity: 'customers', dryRun: true });
    assert.deepEqual(dry.selection.entities, withDependants('customers'));
    const entities = new Set(dry.rows.map((r) => r.entity));
    for (const e of [
      'customers',
      'customer_info',
      'internet_services',
      'customer_notes',
      'invoices',
      'payments',
      'tickets',
      'ticket_replies',
    ])
      assert.ok(entities.has(e), `${e} listed`);
    assert.ok(!entities.has('tariffs_internet') && !entities.has('partners') && !entities.has('inventory_items'));

    const r = await undo('rb', { entity: 'customers' });
    assert.equal(r.errors.length, 0, JSON.stringify(r.errors.slice(0, 3)));
    const after = await counts();
    for (const t of [
      'customers',
      'customer_info',
      'internet_services',
      'recurring_services',
      'customer_notes',
      'invoices',
      'payments',
      'tickets',
      'ticket_messages',
    ])
      assert.equal(after[t], undefined, `${t} gone`);
    for (const t of ['partners', 'tariffs_internet', 'routers', 'ipv4_networks', 'inventory_products'])
      assert.equal(after[t], loaded[t], `${t} kept`);
    assert.equal(
      after.inventory_items,
      loaded.inventory_items - ledger.records('customer_equipment').length,
      'the customers’ equipment went, the stock stayed',
    );
    assert.ok(ledger.records('tariffs_internet').every((t) => t.state === 'created'));

    const reload = await load('r2');
    assert.equal(reload.errors.length, 0);
    assert.equal(reload.entities.customers.created, clean.accounts.length);
    assert.equal(reload.entities.tariffs_internet.created, 0);
    assert.equal(reload.entities.customer_notes.created, noteCount);
    assert.deepEqual(await counts(), loaded);
  },
);

test(
  'a rollback cut short (an error part-way, deletes never answered) resumes; a load in between puts everything back once',
  { timeout: 180_000 },
  async () => {
    const { ledger, load, undo } = await fresh('crash');
    assert.equal((await load('r1')).errors.length, 0);
    const loaded = await counts();

    // A crash part-way through.
    let n = 0;
    await assert.rejects(
      undo('rb-crash', {
        concurrency: 1,
        onProgress: () => {
          if (++n === 20) throw new Error('crash');
        },
      }),
      /crash/,
    );
    assert.equal(ledger.records().filter((r) => r.state === 'deleted').length, 20);
    // And a record marked `deleting` whose DELETE never left (a crash between the mark and the request).
    const stillThere = ledger.records('partners').find((r) => r.state === 'created')!;
    ledger.markDeleting('partners', stillThere.sonar_id, 'DELETE never sent');

    // Loading now settles what is still there (not adopted, not duplicated) and recreates what is gone.
    const reload = await load('r2');
    assert.equal(reload.errors.length, 0, JSON.stringify(reload.errors.slice(0, 3)));
    assert.deepEqual(await counts(), loaded, 'everything back, none twice');
    assert.deepEqual(ledger.get('partners', stillThere.sonar_id), {
      ...ledger.get('partners', stillThere.sonar_id)!,
      state: 'created',
      splynx_id: stillThere.splynx_id,
    });
    assert.ok(!ledger.records().some((r) => r.state === 'deleting' || r.state === 'external' || r.state === 'deleted'));

    // Deletes that Splynx carries out but never answers, with a client that does not retry.
    sb.splynx.faults.set(parseFaultSpec('commit-drop=0.15,commit-5xx=0.1,seed=3', 'splynx'));
    const impatient = new SplynxApi({
      url: sb.splynx.url,
      key: sb.settings.SPLYNX_API_KEY,
      secret: sb.settings.SPLYNX_API_SECRET,
      maxRetries: 0,
      retryBaseMs: 1,
    });
    const faulty = await undo('rb-faults', {}, impatient);
    sb.splynx.faults.set(parseFaultSpec(undefined, 'splynx'));
    const unknown = faulty.errors.filter((e) => /no answer/.test(e.message));
    assert.ok(unknown.length > 0, 'some deletes went unanswered');
    assert.ok(unknown.every((e) => e.category === 'network' && /run rollback again/i.test(e.suggestion)));
    assert.equal(
      ledger.records().filter((r) => r.state === 'deleting').length,
      unknown.length,
      'each unanswered delete is left `deleting`',
    );

    // Resumed: it finishes, and a further rollback has nothing left to do.
    const resumed = await undo('rb-resume');
    assert.equal(resumed.errors.length, 0, JSON.stringify(resumed.errors.slice(0, 3)));
    assert.ok(
      resumed.rows.some((r) => r.result === 'already gone'),
      'the unanswered deletes had landed: 404 counts as gone',
    );
    assert.deepEqual(await counts(), { ...seed, additional_fields: SONAR_ID_FIELDS });
    assert.equal((await undo('rb-again')).rows.length, 0);
  },
);

test('the command line: dry run table and files, bad usage, then the rollback itself', { timeout: 120_000 }, async () => {
  const dataDir = path.join(dir, 'cli');
  fs.mkdirSync(dataDir, { recursive: true });
  await fetch(`${sb.splynx.url}/__sandbox/reset`, { method: 'POST' });
  const ledger = new Ledger(path.join(dataDir, 'ledger.sqlite'));
  const r = await runMigration(api, ledger, clean, {
    runId: 'r1',
    runDir: path.join(dataDir, 'runs', 'r1'),
    mappingsDir: path.join(dataDir, 'mappings'),
    timezone: 'UTC',
  });
  ledger.close();
  assert.equal(r.errors.length, 0, JSON.stringify(r.errors.slice(0, 3)));
  const migrate = (...args: string[]) => runScript('migrate.ts', ['rollback', ...args], { ...sb.settings, DATA_DIR: dataDir });
  const folder = (stdout: string) => stdout.trim().split('\n').pop()!;

  const dry = await migrate('--entity', 'tickets', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr + dry.stdout);
  assert.match(dry.stdout, /Entities, dependants first: ticket_comments, ticket_replies, tickets/);
  assert.match(dry.stdout, /tickets\s+\d+/);
  assert.match(folder(dry.stdout), /runs\/\d{8}-\d{6}Z(-\d+)?$/, 'the run folder is printed last');
  for (const f of ['rollback.json', 'rollback.csv', 'errors.csv']) assert.ok(fs.existsSync(path.join(folder(dry.stdout), f)), f);

  const noRun = await migrate('--run', 'nosuch');
  assert.equal(noRun.code, 1);
  assert.match(noRun.stderr, /no run nosuch/);
  const badEntity = await migrate('--entity', 'nosuch');
  assert.match(badEntity.stderr, /Unknown entity "nosuch"/);
  const bad = await migrate('--bogus');
  assert.equal(bad.code, 2);

  const done = await migrate();
  assert.equal(done.code, 0, done.stderr + done.stdout);
  assert.match(done.stdout, /No errors\./);
  assert.deepEqual(await counts(), { ...seed, additional_fields: SONAR_ID_FIELDS });
  const again = await migrate();
  assert.equal(again.code, 0);
  assert.match(again.stdout, /Nothing to roll back\./);
  assert.ok(![dry, done, again].some((x) => (x.stdout + x.stderr).includes(sb.settings.SPLYNX_API_SECRET)));
});
