// The GraphQL-only backup against the Sonar sandbox over real HTTP: discovery by introspection
// (and what it skips, and why), a full backup equal to the sandbox, include/exclude/sample, depth,
// resume after an interruption and after failed tables, a rejected token, and the PostgreSQL store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pg from 'pg';
import { buildSchema, extendSchema, graphql, GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { startSonarSandbox, type SonarSandbox } from '../lib/sandbox/sonar/server.js';
import { SonarClient } from '../lib/sonar/client.js';
import { backupCommand, type CommandIo } from '../lib/backup/command.js';
import { runBackup, type BackupEvent } from '../lib/backup/backup.js';
import { discoverTables } from '../lib/backup/discover.js';
import { introspectSchema } from '../lib/backup/introspect.js';
import { SqliteBackupStore } from '../lib/backup/sqlite-store.js';

const TOKEN = 'backup-test-token-5f3a9c';
const PER_PAGE = 7;
const ARCHIVED = ['2', '5'];
/** Every archived account of the dataset: the two archived here, and those the generator archived as churn. */
let archivedIds: string[];
let sonar: SonarSandbox;
let extended: { url: string; close: () => Promise<void> };
let tmp: string;
/** The sandbox's schema, introspected once, for runs that should not spend a request on it. */
let discoverSchema: GraphQLSchema;

before(async () => {
  const dataset = generateIsp({ accounts: 40, seed: 3 });
  // Archived accounts are hidden by Sonar unless asked for; a backup must still have them.
  for (const a of dataset.tables.accounts) if (ARCHIVED.includes(String(a.id))) a.archived_at = '2024-05-01T00:00:00+00:00';
  archivedIds = dataset.tables.accounts.filter((a) => a.archived_at).map((a) => String(a.id));
  sonar = await startSonarSandbox({ dataset, tokens: [TOKEN], maxRecordsPerPage: PER_PAGE, rateLimitPerMinute: 100_000 });
  extended = await startExtendedSonar(sonar);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-test-'));
  discoverSchema = await introspectSchema(client());
});
after(async () => {
  await Promise.all([sonar.close(), extended.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * The sandbox's schema plus root queries a real Sonar has and a backup must skip (general_search
 * with required arguments, the `me` singleton, an unpaged list, records without an id), a table
 * whose entities carry a union, and one that always answers with a GraphQL error.
 */
async function startExtendedSonar(base: SonarSandbox) {
  const schema: GraphQLSchema = extendSchema(
    base.schema,
    parse(`
    type Me { id: Int64Bit! name: String! }
    interface SearchableThing { id: Int64Bit! }
    type GeneralSearchConnection { entities: [SearchableThing]! page_info: PageInfo! }
    type UnpagedCompanies { entities: [Company]! }
    type NoIdRow { account_id: Int64Bit }
    type NoIdConnection { entities: [NoIdRow]! page_info: PageInfo! }
    union Owner = Company | Account
    type Gadget { id: Int64Bit! name: String! owner: Owner tags: [String] }
    type GadgetConnection { entities: [Gadget]! page_info: PageInfo! }
    extend type Query {
      general_search(paginator: Paginator, entities: [String]!, search: String!): GeneralSearchConnection!
      me: Me!
      unpaged_companies: UnpagedCompanies!
      no_id_rows(paginator: Paginator): NoIdConnection!
      gadgets(paginator: Paginator): GadgetConnection!
      broken_things(paginator: Paginator): GadgetConnection!
    }`),
  );
  const gadgets = [
    { id: '1', name: 'router', owner: { __typename: 'Company', id: '1' }, tags: ['a', 'b'] },
    { id: '2', name: 'switch', owner: null, tags: [] },
    { id: '3', name: 'ont', owner: { __typename: 'Company', id: '1' }, tags: null },
  ];
  const fields = schema.getQueryType()!.getFields();
  fields.gadgets.resolve = (_s, args: { paginator?: { page: number; records_per_page: number } }) => {
    const { page, records_per_page: size } = args.paginator ?? { page: 1, records_per_page: 100 };
    const n = Math.min(size, 2);
    return {
      entities: gadgets.slice((page - 1) * n, page * n),
      page_info: { page, total_pages: Math.ceil(gadgets.length / n), total_count: gadgets.length, records_per_page: n },
    };
  };
  fields.broken_things.resolve = () => {
    throw new GraphQLError('Internal error while loading broken_things');
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ error: 'Unauthenticated: the personal access token was not accepted.' }));
      }
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      res.end(JSON.stringify(await graphql({ schema, source: query, variableValues: variables })));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const client = (url = sonar.url, extra: Partial<ConstructorParameters<typeof SonarClient>[0]> = {}) =>
  new SonarClient({ url, token: TOKEN, retryBaseMs: 5, ...extra });

async function sandboxCounts(): Promise<Record<string, number>> {
  return (await (await fetch(`${sonar.url}/__sandbox/counts`)).json()) as Record<string, number>;
}

/** Runs the command with captured output and the sandbox's settings (never the developer's .env). */
async function cli(argv: string[], env: Record<string, string> = {}, signal?: AbortSignal, onErr?: (l: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    env: { SONAR_URL: sonar.url, SONAR_API_KEY: TOKEN, DATA_DIR: tmp, ...env },
    envFile: path.join(tmp, 'no.env'),
    stdout: (l) => out.push(l),
    stderr: (l) => {
      err.push(l);
      onErr?.(l);
    },
    signal,
  };
  const code = await backupCommand(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function readDb(file: string) {
  const db = new Database(file, { readonly: true });
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_backup%' ESCAPE '\\'`).all() as Array<{
      name: string;
    }>
  ).map((r) => r.name);
  const rows = (t: string) =>
    (
      db.prepare(`SELECT id, data, updated_at FROM "${t}" ORDER BY CAST(id AS INTEGER)`).all() as Array<{
        id: string;
        data: string;
        updated_at: string | null;
      }>
    ).map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  const progress = (t: string) =>
    db.prepare('SELECT * FROM _backup_tables WHERE table_name = ?').get(t) as Record<string, unknown> | undefined;
  const info = () =>
    Object.fromEntries(
      (db.prepare('SELECT key, value FROM _backup_info').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]),
    );
  return { db, tables, rows, progress, info, close: () => db.close() };
}

const pagesFor = (n: number) => Math.max(1, Math.ceil(n / PER_PAGE));
const full = () => path.join(tmp, 'full.sqlite');
/** One uninterrupted backup, made by the first test that needs it (tests can run on their own). */
let fullRun: ReturnType<typeof cli> | undefined;
const fullBackup = () => (fullRun ??= cli(['--out', full()]));

test('discovery by introspection finds every list query and skips, with the reason, what cannot be paged', async () => {
  const c = client(extended.url);
  const d = discoverTables(await introspectSchema(c));
  assert.equal(c.stats.requests, 1, 'one introspection request, over HTTP');
  const expected = [...Object.keys(await sandboxCounts()), 'gadgets', 'broken_things'].sort();
  assert.deepEqual(d.tables.map((t) => t.table).sort(), expected);
  const reasons = Object.fromEntries(d.skipped.map((s) => [s.table, s.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), ['general_search', 'me', 'no_id_rows', 'unpaged_companies']);
  assert.match(reasons.general_search, /needs entities: \[String\]!, search: String!/);
  assert.match(reasons.me, /returns Me!, not a connection/);
  assert.match(reasons.unpaged_companies, /without page_info/);
  assert.match(reasons.no_id_rows, /no id/);
  const accounts = d.tables.find((t) => t.table === 'accounts')!.query;
  assert.match(accounts.text, /include_archived: true/);
  assert.match(accounts.text, /sorter: \[\{attribute: "id", direction: ASC\}\]/);
  assert.equal(d.tables.find((t) => t.table === 'gadgets')!.query.sorted, false, 'no sorter argument, so none is sent');
  // The same, as the command line shows it.
  const list = await cli(['--list'], { SONAR_URL: extended.url });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^43 tables to back up:/);
  assert.match(list.stdout, /^ {2}general_search: needs entities/m);
  // Join-only links are reported rather than silently missing.
  assert.ok(d.linkConnections.includes('Ticket.ticket_categories'), d.linkConnections.join(', '));
  assert.ok(!d.linkConnections.includes('Account.addresses'), 'addresses carry their owner, so the link is in their table');
});

const realSchemaFile = path.resolve(import.meta.dirname, '../../shared/reference/sonar/schema.graphql');
test('on the real Sonar schema, every query discovery builds is valid, at depths 0 to 2', (t) => {
  if (!fs.existsSync(realSchemaFile)) {
    if (process.env.CI) assert.fail(`${realSchemaFile} is missing; CI provides ../shared`);
    return t.skip(`no ${realSchemaFile}`);
  }
  const real = buildSchema(fs.readFileSync(realSchemaFile, 'utf8'));
  for (const depth of [0, 1, 2]) {
    const d = discoverTables(real, { depth });
    assert.ok(d.tables.length > 250, `depth ${depth}: ${d.tables.length} tables`);
    for (const plan of d.tables)
      assert.deepEqual(
        validate(real, parse(plan.query.text)).map((e) => e.message),
        [],
        `${plan.table} at depth ${depth}`,
      );
    const skipped = Object.fromEntries(d.skipped.map((s) => [s.table, s.reason]));
    assert.match(skipped.general_search, /needs entities/);
    assert.match(skipped.me, /not a connection/);
    assert.match(skipped.data_usage_totals, /needs account_id/);
  }
});

test("a full backup to SQLite has exactly the sandbox's records, each stored as the API returned it", async () => {
  const r = await fullBackup();
  assert.equal(r.code, 0, r.stderr);
  const counts = await sandboxCounts();
  const db = readDb(full());
  try {
    assert.deepEqual(db.tables.sort(), Object.keys(counts).sort());
    for (const [table, n] of Object.entries(counts)) {
      assert.equal(db.rows(table).length, n, table);
      // The summary on stdout: table, records, pages, status.
      assert.match(r.stdout, new RegExp(`^${table}\\s+${n}\\s+${pagesFor(n)}\\s+done$`, 'm'), table);
      assert.equal(db.progress(table)!.status, 'done');
      assert.equal(db.progress(table)!.records_per_page, PER_PAGE, 'the page size the server used is kept');
    }
    const accounts = db.rows('accounts');
    assert.deepEqual(
      accounts.filter((a) => a.data.archived_at).map((a) => a.id),
      archivedIds,
      'archived accounts are backed up',
    );
    assert.ok(accounts.every((a) => a.updated_at === a.data.updated_at));
    assert.equal(db.info().status, 'complete');
    assert.match(r.stdout, /complete, \d+ records in 41\/41 tables/);

    // Read every table again through the project's client, with the same queries: identical JSON.
    const c = client();
    const plans = discoverTables(await introspectSchema(c)).tables;
    for (const plan of plans) {
      const api = await c.fetchAll<Record<string, unknown>>(plan.query.text, plan.table);
      assert.deepEqual(
        db.rows(plan.table).map((x) => x.data),
        api,
        plan.table,
      );
    }
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN));
  } finally {
    db.close();
  }
});

test('include, exclude and sample limit what is fetched, not just what is kept', async () => {
  const file = path.join(tmp, 'sample.sqlite');
  const c = client();
  const result = await runBackup({
    client: c,
    sonarUrl: sonar.url,
    store: new SqliteBackupStore(file),
    include: ['accounts', 'addresses', 'companies'],
    sample: 10,
  });
  assert.equal(result.status, 'complete');
  // 10 records at 7 a page is 2 pages; companies has 3 records, 1 page; plus the introspection.
  assert.equal(c.stats.requests, 1 + 2 + 2 + 1, 'a sample does not page through the whole table');
  const db = readDb(file);
  try {
    assert.deepEqual(db.tables.sort(), ['accounts', 'addresses', 'companies']);
    assert.deepEqual(
      db.rows('accounts').map((r) => r.id),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
      'the lowest ids, in order',
    );
    assert.equal(db.rows('addresses').length, 10);
    assert.equal(db.rows('companies').length, 3);
  } finally {
    db.close();
  }

  const ex = await cli(['--out', path.join(tmp, 'exclude.sqlite'), '--exclude', 'addresses,notes', '--sample', '3']);
  assert.equal(ex.code, 0, ex.stderr);
  const db2 = readDb(path.join(tmp, 'exclude.sqlite'));
  try {
    assert.equal(db2.tables.length, 39);
    assert.ok(!db2.tables.includes('addresses') && !db2.tables.includes('notes'));
    assert.ok(db2.tables.every((t) => db2.rows(t).length <= 3));
    assert.equal(db2.rows('invoices').length, 3);
  } finally {
    db2.close();
  }

  const bad = await cli(['--out', path.join(tmp, 'bad.sqlite'), '--include', 'acounts']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no root query named "acounts"/);
  const usage = await cli(['--sample', 'ten']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--sample must be a whole number/);
});

test('depth changes the stored shape; nested connections are never inlined', async () => {
  const shapes: Array<Record<string, Record<string, unknown>>> = [];
  for (const depth of [0, 1, 2]) {
    const file = path.join(tmp, `depth${depth}.sqlite`);
    const r = await runBackup({
      client: client(),
      sonarUrl: sonar.url,
      store: new SqliteBackupStore(file),
      include: ['accounts', 'addresses'],
      depth,
    });
    assert.equal(r.status, 'complete');
    const db = readDb(file);
    shapes.push({
      account: db.rows('accounts').find((a) => a.id === '3')!.data,
      address: db.rows('addresses').find((a) => a.data.addressable_type === 'Account')!.data,
    });
    db.close();
  }
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const [d0, d1, d2] = shapes;
  assert.ok(
    Object.values(d0.account).every((v) => !isObj(v)),
    'depth 0: scalars only',
  );
  assert.equal(d0.account.account_status, undefined);
  assert.ok(isObj(d1.account.account_status) && d1.account.account_status.name, 'depth 1: to-one objects');
  assert.ok(
    Object.values(d1.account.account_status as object).every((v) => !isObj(v)),
    'depth 1: their scalars only',
  );
  assert.ok(
    isObj(d2.account.account_billing_parameter) && isObj((d2.account.account_billing_parameter as Record<string, unknown>).account),
    'depth 2: one more hop',
  );
  // A polymorphic owner (an interface): __typename plus the interface's fields.
  assert.deepEqual(Object.keys(d1.address.addressable as object).sort(), [
    '__typename',
    'created_at',
    'id',
    'sonar_unique_id',
    'updated_at',
  ]);
  assert.equal((d1.address.addressable as Record<string, unknown>).__typename, 'Account');
  for (const s of shapes) assert.equal(s.account.addresses, undefined, 'nested connections are their own tables');
  // The same scalars at every depth: deeper only adds.
  for (const k of Object.keys(d0.account)) assert.deepEqual(d2.account[k], d0.account[k]);

  // A union on an entity: __typename only.
  const g = path.join(tmp, 'gadgets.sqlite');
  const r = await runBackup({
    client: client(extended.url),
    sonarUrl: extended.url,
    store: new SqliteBackupStore(g),
    include: ['gadgets'],
    depth: 1,
  });
  assert.equal(r.status, 'complete');
  const db = readDb(g);
  assert.deepEqual(
    db.rows('gadgets').map((x) => x.data),
    [
      { id: '1', name: 'router', tags: ['a', 'b'], owner: { __typename: 'Company' } },
      { id: '2', name: 'switch', tags: [], owner: null },
      { id: '3', name: 'ont', tags: null, owner: { __typename: 'Company' } },
    ],
  );
  db.close();
});

test('an interrupted backup resumes where it stopped: same counts, no duplicates, finished tables not fetched again', async () => {
  const env = { DATA_DIR: path.join(tmp, 'resume-data') };
  const stop = new AbortController();
  // Stop (as Ctrl-C would) once addresses reports its 10th page.
  const first = await cli([], env, stop.signal, (l) => {
    if (/^ {2}addresses: page 10\//.test(l)) stop.abort();
  });
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stderr, /interrupted; run again with --resume/);
  const [file] = fs.readdirSync(path.join(env.DATA_DIR, 'backups')).filter((f) => f.endsWith('.sqlite'));
  assert.match(file, /^sonar-\d{8}-\d{6}Z\.sqlite$/, 'default location data/backups/sonar-<timestamp>.sqlite');
  const id = file.slice('sonar-'.length, -'.sqlite'.length);
  assert.match(first.stdout, new RegExp(`^backup ${id}: interrupted`, 'm'), 'the file is named after the backup id');
  let db = readDb(path.join(env.DATA_DIR, 'backups', file));
  assert.equal(db.progress('accounts')!.status, 'done');
  assert.deepEqual(
    { status: db.progress('addresses')!.status, pages: db.progress('addresses')!.pages_done },
    { status: 'running', pages: 10 },
  );
  assert.equal(db.rows('addresses').length, 10 * PER_PAGE);
  assert.equal(db.progress('payments'), undefined, 'not reached');
  db.close();

  const conflicting = await cli(['--resume', id, '--depth', '1'], env);
  assert.equal(conflicting.code, 2);
  assert.match(conflicting.stderr, /taken with --depth 0; resume it with the same depth/);
  const nowhere = await cli(['--resume', 'no-such-backup'], env);
  assert.equal(nowhere.code, 2);
  assert.match(nowhere.stderr, /no backup file there/);

  const second = await cli(['--resume', id], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /accounts: done in an earlier run \(40 records\), not fetched again/);
  assert.match(second.stderr, /addresses: resuming at page 11/);
  const counts = await sandboxCounts();
  db = readDb(path.join(env.DATA_DIR, 'backups', file));
  try {
    for (const [table, n] of Object.entries(counts)) {
      const rows = db.rows(table);
      assert.equal(rows.length, n, table);
      assert.equal(new Set(rows.map((r) => r.data.id)).size, n, `${table}: no duplicates`);
    }
    assert.equal(db.info().status, 'complete');
  } finally {
    db.close();
  }
  // Re-running with the same --out also resumes; with everything done, nothing is fetched.
  const third = await cli(['--out', path.join(env.DATA_DIR, 'backups', file)], env);
  assert.equal(third.code, 0, third.stderr);
  assert.equal((third.stderr.match(/done in an earlier run/g) ?? []).length, 41);
  const total = Object.values(await sandboxCounts()).reduce((a, b) => a + b, 0);
  assert.match(third.stdout, new RegExp(`complete, ${total} records in 41/41 tables`));

  // The resumed backup holds what an uninterrupted one holds.
  assert.equal((await fullBackup()).code, 0);
  const whole = readDb(full());
  const resumed = readDb(path.join(env.DATA_DIR, 'backups', file));
  try {
    for (const t of ['addresses', 'payments', 'accounts'])
      assert.deepEqual(
        resumed.rows(t).map((r) => r.data),
        whole.rows(t).map((r) => r.data),
        t,
      );
  } finally {
    whole.close();
    resumed.close();
  }
});

test('a resume fetches only the pages not recorded, and a page written twice is an upsert', async () => {
  const file = path.join(tmp, 'rerun.sqlite');
  assert.equal((await fullBackup()).code, 0);
  fs.copyFileSync(full(), file);
  // As if the process died after storing page 6 of addresses but before recording it: the meta
  // table says 3 pages, the table holds more. Resuming rewrites pages 4.. over the same ids.
  const db = new Database(file);
  db.prepare(`UPDATE _backup_tables SET status = 'running', pages_done = 3 WHERE table_name = 'addresses'`).run();
  db.close();
  const c = client();
  const events: BackupEvent[] = [];
  const r = await runBackup({ client: c, sonarUrl: sonar.url, store: new SqliteBackupStore(file), onEvent: (e) => events.push(e) });
  assert.equal(r.status, 'complete');
  const counts = await sandboxCounts();
  assert.equal(c.stats.requests, 1 + pagesFor(counts.addresses) - 3, 'introspection, then only the missing pages of addresses');
  assert.equal(events.filter((e) => e.type === 'table-end' && e.alreadyDone).length, 40);
  const check = readDb(file);
  assert.equal(check.rows('addresses').length, counts.addresses);
  check.close();
});

test('failed tables are reported, the others still backed up, and a re-run completes them', async () => {
  const ext = path.join(tmp, 'extended.sqlite');
  const r = await cli(['--out', ext, '--include', 'companies,broken_things,general_search,gadgets'], { SONAR_URL: extended.url });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^broken_things\s+0\s+0\s+failed$/m);
  assert.match(r.stdout, /^companies\s+3\s+1\s+done$/m);
  assert.match(r.stdout, /^gadgets\s+3\s+2\s+done$/m);
  assert.match(r.stdout, /failed \(1\):\n {2}broken_things: Sonar: Internal error while loading broken_things/);
  assert.match(r.stdout, /skipped \(1\):\n {2}general_search: needs entities/);

  // Server errors with no retries left: some tables fail, the backup goes on with the others.
  const file = path.join(tmp, 'faults.sqlite');
  const setFaults = (spec: string) => fetch(`${sonar.url}/__sandbox/faults`, { method: 'PUT', body: spec });
  await setFaults('5xx=0.25,seed=11');
  let res;
  try {
    res = await runBackup({
      client: client(sonar.url, { maxRetries: 0 }),
      sonarUrl: sonar.url,
      store: new SqliteBackupStore(file),
      schema: discoverSchema,
    });
  } finally {
    await setFaults('5xx=0');
  }
  assert.equal(res.status, 'failed');
  const failed = res.tables.filter((t) => t.status === 'failed');
  assert.ok(failed.length > 0 && failed.length < 41, `${failed.length} tables failed`);
  assert.ok(
    failed.every((t) => /server error \(50\d\)/.test(t.error ?? '')),
    failed.map((t) => t.error).join('; '),
  );
  const again = await runBackup({ client: client(), sonarUrl: sonar.url, store: new SqliteBackupStore(file), schema: discoverSchema });
  assert.equal(again.status, 'complete');
  const counts = await sandboxCounts();
  for (const t of again.tables) assert.equal(t.records, counts[t.table], t.table);
});

test('a rejected token gives a clear 401 message without the token, and exit code 2', async () => {
  const wrong = 'wrong-secret-token-77d1e0';
  const file = path.join(tmp, 'denied.sqlite');
  const r = await cli(['--out', file], { SONAR_API_KEY: wrong });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /token rejected \(401\)\. Check SONAR_API_KEY/);
  assert.ok(!r.stderr.includes(wrong) && !r.stdout.includes(wrong));
  assert.ok(!fs.existsSync(file), 'nothing is written when the token is refused');
  const missing = await cli([], { SONAR_URL: '', SONAR_API_KEY: '' });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /SONAR_URL is missing/);
});

test('the PostgreSQL store gives the same result, resumes, and never prints the password', async (t) => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    if (process.env.CI) assert.fail('TEST_DATABASE_URL is not set in CI: .ci/setup-postgres.sh must run first');
    return t.skip('TEST_DATABASE_URL is not set (source .ci/setup-postgres.sh to run this test)');
  }
  const schema = `sonar_backup_test_${process.pid}`;
  const password = decodeURIComponent(new URL(url).password);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    const stop = new AbortController();
    const first = await cli(['--database-url', url, '--out', schema], {}, stop.signal, (l) => {
      if (/^ {2}addresses: page 10\//.test(l)) stop.abort();
    });
    assert.equal(first.code, 130, first.stderr);
    const second = await cli(['--database-url', url, '--resume', schema]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /addresses: resuming at page 11/);
    for (const out of [first, second]) {
      assert.ok(!out.stdout.includes(password) && !out.stderr.includes(password), 'the database password is never printed');
      assert.match(out.stderr, /postgres(ql)?:\/\/[^:/]+:\*\*\*@/, 'the URL is shown with its password masked');
    }
    const counts = await sandboxCounts();
    assert.equal((await fullBackup()).code, 0);
    const sqlite = readDb(full());
    try {
      for (const table of Object.keys(counts)) {
        const { rows } = await admin.query<{ id: string; data: Record<string, unknown>; updated_at: string | null }>(
          `SELECT id, data, updated_at FROM ${schema}.${table} ORDER BY length(id), id`,
        );
        assert.equal(rows.length, counts[table], table);
        assert.deepEqual(
          rows.map((r) => r.data),
          sqlite.rows(table).map((r) => r.data),
          table,
        );
      }
    } finally {
      sqlite.close();
    }
    const { rows: meta } = await admin.query(`SELECT value FROM ${schema}._backup_info WHERE key = 'status'`);
    assert.equal(meta[0].value, 'complete');
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
});
