// Snapshots against the Sonar sandbox: complete, resumable after a crash, incremental, selective.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { startSonarSandbox, type SonarSandbox } from '../lib/sandbox/sonar/server.js';
import { SonarClient } from '../lib/sonar/client.js';
import { SNAPSHOT_TABLES } from '../lib/sonar/queries.js';
import { readManifest, takeSnapshot } from '../lib/sonar/snapshot.js';

const TOKEN = 'snapshot-test-token';
let sonar: SonarSandbox;
let root: string;
let client: SonarClient;
const dataset = generateIsp({ accounts: 60, seed: 21, dirtyRate: 0.05 });

before(async () => {
  sonar = await startSonarSandbox({
    dataset,
    tokens: [TOKEN],
    maxRecordsPerPage: 25,
    rateLimitPerMinute: 100_000,
  });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshots-'));
  client = new SonarClient({ url: sonar.url, token: TOKEN, retryBaseMs: 5 });
});
after(async () => {
  await sonar.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function read(id: string, table: string): Array<Record<string, unknown>> {
  const file = path.join(root, id, `${table}.jsonl`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function counts(): Promise<Record<string, number>> {
  return (await (await fetch(`${sonar.url}/__sandbox/counts`)).json()) as Record<string, number>;
}

async function edit(table: string, record: Record<string, unknown>, at: string) {
  const res = await fetch(`${sonar.url}/__sandbox/records`, { method: 'POST', body: JSON.stringify({ table, record, at }) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { record: Record<string, unknown> }).record;
}

const maxUpdated = (rows: Array<Record<string, unknown>>) =>
  rows.reduce<string | null>(
    (m, r) => (m === null || Date.parse(r.updated_at as string) > Date.parse(m) ? (r.updated_at as string) : m),
    null,
  );

test('a full snapshot holds every record of every table once, with an honest manifest', async () => {
  const m = await takeSnapshot({ client, sonarUrl: sonar.url, root, id: 'full' });
  const expected = await counts();
  assert.equal(m.status, 'complete');
  for (const table of SNAPSHOT_TABLES) {
    const rows = read('full', table);
    assert.equal(rows.length, expected[table], table);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, `${table}: no duplicates`);
    assert.equal(m.tables[table].count, rows.length);
    assert.equal(m.tables[table].high_water_mark, maxUpdated(rows), `${table} high-water mark`);
  }
  assert.equal(m.tables.accounts.records_per_page, 25, 'the page size the server used is recorded');
});

test("a site's serviceable addresses (a many-to-many relation) are kept as the ids Sonar links, every page of them", () => {
  const lists = read('full', 'network_site_serviceable_address_lists');
  const expected = dataset.tables.network_site_serviceable_address_lists;
  assert.ok(
    expected.some((l) => (l.addresses as string[]).length > 25),
    'a list longer than the page size, so its later pages are read',
  );
  assert.deepEqual(
    lists.map((l) => [l.id, l.network_site_id, l.addresses]),
    expected.map((l) => [l.id, l.network_site_id, l.addresses]),
  );
});

test('an interrupted snapshot resumes without losing or duplicating a record', async () => {
  let units = 0;
  await assert.rejects(
    takeSnapshot({
      client,
      sonarUrl: sonar.url,
      root,
      id: 'crash',
      onProgress: (e) => {
        // Die in the middle of the third table's paging, as a killed process would.
        if (!e.finished && ++units === 5) throw new Error('simulated crash');
      },
    }),
    /simulated crash/,
  );
  const half = readManifest(path.join(root, 'crash'));
  assert.equal(half.status, 'running');
  // A torn write after the last safe point must be cut off on resume.
  const running = Object.entries(half.tables).find(([, p]) => p.status === 'running')![0];
  fs.appendFileSync(path.join(root, 'crash', `${running}.jsonl`), '{"id":"torn');
  const m = await takeSnapshot({ client, sonarUrl: sonar.url, root, id: 'crash' });
  assert.equal(m.status, 'complete');
  const expected = await counts();
  for (const table of SNAPSHOT_TABLES) {
    const rows = read('crash', table);
    assert.equal(rows.length, expected[table], table);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, `${table}: no duplicates`);
  }
  await assert.rejects(takeSnapshot({ client, sonarUrl: sonar.url, root, id: 'crash' }), /already complete/);
});

test('an incremental snapshot takes only what changed since the base snapshot', async () => {
  const base = readManifest(path.join(root, 'full'));
  const later = new Date(Date.parse(base.tables.accounts.high_water_mark!) + 86_400_000).toISOString();
  const account = read('full', 'accounts')[3];
  await edit('accounts', { id: account.id, name: 'Renamed Between Snapshots' }, later);
  const contact = await edit(
    'contacts',
    { name: 'New Contact', contactable_type: 'Account', contactable_id: account.id, primary: false, email_address: 'new@example.net' },
    later,
  );

  const m = await takeSnapshot({ client, sonarUrl: sonar.url, root, id: 'delta', since: 'full' });
  const accounts = read('delta', 'accounts');
  // At-or-after the mark: the record(s) at the old mark come again, harmlessly, with the edit.
  assert.ok(accounts.some((a) => a.id === account.id && a.name === 'Renamed Between Snapshots'));
  assert.ok(
    accounts.every((a) => a.id === account.id || a.updated_at === base.tables.accounts.high_water_mark),
    JSON.stringify(accounts.map((a) => a.id)),
  );
  assert.ok(read('delta', 'contacts').some((c) => c.id === contact.id));
  assert.ok(m.tables.accounts.count < base.tables.accounts.count / 5, 'far fewer records than a full snapshot');
  // A site's list can gain an address without a new updated_at: the small table is read whole.
  assert.equal(m.tables.network_site_serviceable_address_lists.count, base.tables.network_site_serviceable_address_lists.count);
  assert.equal(m.tables.network_site_serviceable_address_lists.since_mark ?? null, null);
  assert.deepEqual(m.deleted?.network_site_serviceable_address_lists, []);
  assert.equal(Date.parse(m.tables.accounts.high_water_mark!), Date.parse(later));
  assert.equal(m.since, 'full');
});

test('a selective snapshot takes the chosen accounts with their members, and all reference data', async () => {
  const all = read('full', 'accounts');
  const chosen = [all[0].id, all[5].id] as string[];
  await takeSnapshot({ client, sonarUrl: sonar.url, root, id: 'two', selection: { accountIds: chosen } });
  assert.deepEqual(
    read('two', 'accounts')
      .map((a) => a.id)
      .sort(),
    [...chosen].sort(),
  );
  const contacts = read('two', 'contacts');
  const fullContacts = read('full', 'contacts').filter(
    (c) => c.contactable_type === 'Account' && chosen.includes(c.contactable_id as string),
  );
  assert.ok(fullContacts.length > 0);
  assert.deepEqual(contacts.map((c) => c.id).sort(), fullContacts.map((c) => c.id).sort());
  const services = read('two', 'account_services');
  assert.deepEqual(
    services.map((s) => s.id).sort(),
    read('full', 'account_services')
      .filter((s) => chosen.includes(s.account_id as string))
      .map((s) => s.id)
      .sort(),
  );
  const phones = read('two', 'phone_numbers');
  const contactIds = new Set(contacts.map((c) => c.id));
  assert.ok(
    phones.every((p) => contactIds.has(p.contact_id)),
    'members of members follow',
  );
  assert.equal(read('two', 'services').length, read('full', 'services').length, 'reference tables are whole');
});

test('selection by status, activation dates and limit', async () => {
  const statuses = read('full', 'account_statuses');
  const all = read('full', 'accounts');
  const status = statuses.find((s) => all.filter((a) => a.account_status_id === s.id).length >= 3)!;
  await takeSnapshot({
    client,
    sonarUrl: sonar.url,
    root,
    id: 'by-status',
    tables: ['account_statuses', 'accounts'],
    selection: { statuses: [status.name as string], limit: 2 },
  });
  const picked = read('by-status', 'accounts');
  assert.equal(picked.length, 2);
  assert.ok(picked.every((a) => a.account_status_id === status.id));

  const dated = all
    .filter((a) => a.activation_date)
    .map((a) => a.activation_date as string)
    .sort();
  const from = dated[Math.floor(dated.length / 3)];
  const to = dated[Math.floor((2 * dated.length) / 3)];
  await takeSnapshot({
    client,
    sonarUrl: sonar.url,
    root,
    id: 'by-date',
    tables: ['accounts'],
    selection: { activatedFrom: from, activatedTo: to },
  });
  const inRange = read('by-date', 'accounts');
  assert.deepEqual(
    inRange.map((a) => a.id).sort(),
    all
      .filter((a) => (a.activation_date as string) >= from && (a.activation_date as string) <= to)
      .map((a) => a.id)
      .sort(),
  );

  await assert.rejects(
    takeSnapshot({
      client,
      sonarUrl: sonar.url,
      root,
      id: 'bad-status',
      tables: ['accounts'],
      selection: { statuses: ['No Such Status'] },
    }),
    /Unknown account status "No Such Status"/,
  );
});
