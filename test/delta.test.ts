// The cutover delta end to end: a full migration, then changes in Sonar (through the sandbox's control
// routes, as users would make them), then `migrate.ts delta`, which must make Splynx follow with as
// few writes as the changes need, and a second delta with nothing new must write nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from './run-script.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { SonarClient } from '../lib/sonar/client.js';
import { deltaMark, readManifest, takeSnapshot } from '../lib/sonar/snapshot.js';
import { loadRecords } from '../lib/frames/load.js';
import type { DeltaSummary } from '../lib/delta/index.js';

type Rec = Record<string, unknown>;
let sb: Sandboxes;
let dataDir: string;
let api: SplynxApi;

before(async () => {
  sb = await startSandboxes({ accounts: 20, seed: 29, dirtyRate: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'delta-'));
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
});
after(async () => {
  await sb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const migrate = (...args: string[]) => runScript('migrate.ts', args, { ...sb.settings, DATA_DIR: dataDir });

const replay = async (notebook: string, ...params: string[]) =>
  (await runScript('replay.ts', [`notebooks/${notebook}`, ...params.flatMap((p) => ['--param', p])], { ...sb.settings, DATA_DIR: dataDir }))
    .code === 0
    ? 0
    : 1;

const runFolder = (stdout: string) => stdout.trim().split('\n').pop()!;
const deltaOf = (stdout: string) => JSON.parse(fs.readFileSync(path.join(runFolder(stdout), 'delta.json'), 'utf8')) as DeltaSummary;
const explain = (r: { stdout: string; stderr: string }) => {
  const errors = path.join(runFolder(r.stdout), 'errors.csv');
  return `${r.stdout}\n${r.stderr.slice(-3000)}\n${fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : ''}`;
};

/** Changes Sonar's data as a user would: a fresh `updated_at` (and `_version`) on every write. */
async function sonar(route: string, body: Rec, method = 'POST'): Promise<Rec> {
  const res = await fetch(`${sb.sonar.url}/__sandbox/${route}`, { method, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { record?: Rec }).record ?? {};
}
/** A copy of a Sonar record, to make a new one of the same shape (the sandbox gives it an id). */
const copy = (r: Rec, patch: Rec): Rec => {
  const { id: _id, sonar_unique_id: _u, created_at: _c, updated_at: _t, _version: _v, ...rest } = r;
  return { ...rest, ...patch };
};
const rows = (table: string) => sb.dataset.tables[table] as Rec[];

const customerOf = async (accountId: unknown) => {
  const found = await api.get<Rec[]>('admin/customers/customer', { main_attributes: { login: String(accountId) } });
  assert.equal(found.length, 1, `exactly one customer for account ${accountId}`);
  return found[0];
};
/**
 * Creates and updates Splynx accepted (201, 202). A write refused for an out-of-order nonce (401,
 * then signed again) changed nothing; 204 also answers HEAD and OPTIONS, and the delta deletes nothing.
 */
const acceptedWrites = () => {
  const by = sb.splynx.stats().byStatus;
  // Less the tokens the commands' clients got (201 too): a token is no record.
  return (by['201'] ?? 0) + (by['202'] ?? 0) - sb.splynx.tokenStats().created;
};
/** Writes to records: the sandbox's writes without the token requests. */
const recordWrites = () => sb.splynx.stats().writes - sb.splynx.tokenStats().writes;
const internetServices = (customerId: unknown) => api.get<Rec[]>(`admin/customers/customer/${customerId}/internet-services`);

test('after a full migration, a delta makes Splynx follow Sonar with only the writes the changes need', { timeout: 600_000 }, async () => {
  // The rehearsal: a full snapshot, cleaned, loaded.
  const snap = await migrate('snapshot', '--snapshot-id', 'base');
  assert.equal(snap.code, 0, snap.stderr);
  assert.equal(await replay('02-explore-clean.ipynb', 'snapshotId=base'), 0);
  const full = await migrate('all', '--no-stop-on-error');
  assert.equal(full.code, 0, explain(full));

  // Between rehearsal and cutover, Sonar changes.
  const dataType = new Map(rows('services').map((s) => [String(s.id), s.type]));
  const dataServicesOf = (accountId: unknown) =>
    rows('account_services').filter((s) => String(s.account_id) === String(accountId) && dataType.get(String(s.service_id)) === 'DATA');
  const primaryOf = (accountId: unknown) =>
    rows('contacts').find(
      (c) => c.contactable_type === 'Account' && String(c.contactable_id) === String(accountId) && c.primary && c.email_address,
    );
  const candidates = rows('accounts').filter(
    (a) =>
      !a.archived_at &&
      !a.parent_account_id &&
      !rows('accounts').some((c) => c.parent_account_id === a.id) &&
      dataServicesOf(a.id).length &&
      primaryOf(a.id),
  );
  assert.ok(candidates.length >= 5, `enough plain accounts with internet services (${candidates.length})`);
  const [renamed, emailed, archived, repriced, deleted] = candidates;

  await sonar('records', { table: 'accounts', record: { id: renamed.id, name: 'Renamed At Cutover' } });
  await sonar('records', { table: 'contacts', record: { id: primaryOf(emailed.id)!.id, email_address: 'moved.at.cutover@example.net' } });
  await sonar('archive', { account_id: archived.id });
  const price = dataServicesOf(repriced.id)[0];
  const priceWas = Number(price.price_override ?? rows('services').find((x) => String(x.id) === String(price.service_id))!.amount);
  await sonar('records', { table: 'account_services', record: { id: price.id, price_override: 4321 } });
  // Sonar's stated next charge follows the new price, as Sonar recomputes it.
  await sonar('records', {
    table: 'accounts',
    record: {
      id: repriced.id,
      next_recurring_charge_amount:
        Number(repriced.next_recurring_charge_amount) - priceWas * Number(price.quantity) + 4321 * Number(price.quantity),
    },
  });
  const gone = dataServicesOf(deleted.id)[0];
  await sonar('records', { table: 'account_services', id: gone.id }, 'DELETE');
  // A new account with a contact, an internet service and a note.
  const fresh = await sonar('records', { table: 'accounts', record: copy(renamed, { name: 'New At Cutover' }) });
  await sonar('records', {
    table: 'contacts',
    record: copy(primaryOf(renamed.id)!, { contactable_id: fresh.id, name: 'Nova Cutover', email_address: 'nova@example.net' }),
  });
  const freshService = await sonar('records', {
    table: 'account_services',
    record: copy(dataServicesOf(renamed.id)[0], { account_id: fresh.id, price_override: null }),
  });
  await sonar('records', {
    table: 'notes',
    record: {
      noteable_type: 'Account',
      noteable_id: fresh.id,
      message: 'Signed up the day before cutover',
      priority: 'NORMAL',
      user_id: rows('users')[0].id,
    },
  });
  assert.ok(
    Date.parse(String(rows('accounts').find((a) => a.id === archived.id)!.updated_at)) > Date.now() - 60_000,
    'archiving gives the account a new updated_at',
  );

  // The cutover delta.
  const writesBefore = acceptedWrites();
  const delta = await migrate('delta', '--since', 'base', '--no-stop-on-error');
  assert.equal(delta.code, 0, explain(delta));
  const writes = acceptedWrites() - writesBefore;
  const d = deltaOf(delta.stdout);
  const e = Object.fromEntries(d.entities.map((x) => [x.entity, x]));

  // Splynx follows.
  assert.equal((await customerOf(renamed.id)).name, 'Renamed At Cutover');
  assert.equal((await customerOf(emailed.id)).email, 'moved.at.cutover@example.net');
  const archivedCustomer = await customerOf(archived.id);
  assert.equal(archivedCustomer.status, 'disabled', 'an archived account is a disabled customer');
  const archivedServices = await internetServices(archivedCustomer.id);
  assert.ok(
    archivedServices.length > 0 && archivedServices.every((s) => s.status === 'disabled'),
    JSON.stringify(archivedServices.map((s) => s.status)),
  );
  const repricedService = (await internetServices((await customerOf(repriced.id)).id)).find(
    (s) => String((s.additional_attributes as Rec | undefined)?.sonar_id) === String(price.id),
  )!;
  assert.equal(Number(repricedService.unit_price), 43.21);
  const newCustomer = await customerOf(fresh.id);
  assert.equal(newCustomer.name, 'New At Cutover');
  assert.equal((await internetServices(newCustomer.id)).length, 1, 'the new account has its one service');
  const notes = await api.get<Rec[]>('admin/customers/customer-notes', { main_attributes: { customer_id: String(newCustomer.id) } });
  assert.equal(notes.filter((n) => n.comment === 'Signed up the day before cutover').length, 1);

  // The report: a few created and updated, everything else unchanged, and every write accounted for.
  assert.equal(e.customers.created, 1);
  assert.equal(e.customers.updated, 3, 'renamed, new e-mail, archived');
  assert.equal(e.internet_services.created, 1);
  assert.equal(e.internet_services.updated, dataServicesOf(archived.id).length + 1, "the archived account's services and the repriced one");
  assert.equal(e.customer_notes.created, 1);
  const total = d.entities.reduce(
    (a, x) => ({
      created: a.created + x.created,
      updated: a.updated + x.updated,
      unchanged: a.unchanged + x.unchanged,
      failed: a.failed + x.failed,
    }),
    { created: 0, updated: 0, unchanged: 0, failed: 0 },
  );
  assert.equal(total.failed, 0);
  assert.ok(total.unchanged > 10 * (total.created + total.updated), `most records are unchanged: ${JSON.stringify(total)}`);
  assert.equal(writes, total.created + total.updated, 'one Splynx write per created or updated record, none for the unchanged');
  assert.ok(d.changed_in_sonar.accounts >= 3 && d.changed_in_sonar.contacts >= 2, JSON.stringify(d.changed_in_sonar));
  // A deletion leaves no updated_at; the id listing finds it, and the delta says what Splynx still holds.
  assert.deepEqual(
    d.deleted_in_sonar.map((x) => [x.table, x.sonar_id, x.entity]),
    [
      ['account_services', String(gone.id), 'internet_services'],
      ['account_services', String(gone.id), 'billing_coverage'],
    ],
  );
  assert.ok(d.deleted_in_sonar.every((x) => /still in Splynx/.test(x.what_to_do)));
  assert.match(delta.stdout, /\d+ created, \d+ updated, \d+ unchanged/);
  assert.ok(!delta.stdout.includes(sb.settings.SPLYNX_API_SECRET) && !delta.stdout.includes(sb.settings.SONAR_API_KEY));

  // The cleaned picture the load read is the whole of Sonar, not just the changes.
  const picture = await loadRecords(path.join(dataDir, 'snapshots', d.snapshot));
  assert.equal(picture.accounts.length, rows('accounts').length);
  assert.equal(picture.account_services.length, rows('account_services').length, 'the deleted service is gone from the picture');

  // Verify over the delta's picture: Splynx holds what Sonar holds, except the service deleted in
  // Sonar, which the delta never deletes (and so its billing coverage, and the money and the first
  // bill of that one account).
  const check = await migrate('verify', '--snapshot-id', d.snapshot);
  assert.equal(check.code, 1, 'the deleted service does not reconcile');
  const verified = JSON.parse(fs.readFileSync(path.join(check.stdout.trim().split('\n').pop()!, 'verify.json'), 'utf8')) as {
    differences: Array<{ entity: string; sonar_id: string }>;
  };
  const unexplained = verified.differences.filter(
    (x) =>
      !(['internet_services', 'billing_coverage'].includes(x.entity) && x.sonar_id === String(gone.id)) &&
      !(['money', 'first_bill'].includes(x.entity) && x.sonar_id === String(deleted.id)),
  );
  assert.ok(
    verified.differences.some((x) => x.sonar_id === String(gone.id)),
    JSON.stringify(verified.differences),
  );
  assert.deepEqual(unexplained, [], 'nothing else differs after the delta');

  // A second delta, with nothing changed since the first, writes nothing.
  const before2 = recordWrites();
  const accepted2 = acceptedWrites();
  const again = await migrate('delta', '--since', d.snapshot);
  assert.equal(again.code, 0, explain(again));
  const d2 = deltaOf(again.stdout);
  assert.ok(
    d2.entities.every((x) => x.created === 0 && x.updated === 0 && x.failed === 0),
    JSON.stringify(d2.entities),
  );
  assert.equal(recordWrites(), before2, 'no write was even attempted');
  assert.equal(acceptedWrites(), accepted2);
  assert.deepEqual(d2.deleted_in_sonar, [], 'a deletion is reported once, by the delta that found it');
});

test('a delta starts early enough to see an edit made while the base snapshot was being read', async () => {
  const client = new SonarClient({ url: sb.sonar.url, token: sb.settings.SONAR_API_KEY, retryBaseMs: 5 });
  const snapRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'delta-mark-'));
  try {
    await takeSnapshot({ client, sonarUrl: sb.sonar.url, root: snapRoot, id: 'base', tables: ['accounts'] });
    // As if the last account had been edited (and read) while the first page was already on disk:
    // its edit sets the high-water mark, and an edit of the first account just before it is older.
    const file = path.join(snapRoot, 'base', 'manifest.json');
    const m = readManifest(path.dirname(file));
    const started = Date.parse(m.tables.accounts.started_at!);
    const first = rows('accounts')[0];
    const late = new Date(started + 2_000).toISOString();
    m.tables.accounts.high_water_mark = late;
    fs.writeFileSync(file, JSON.stringify(m));
    await sonar('records', {
      table: 'accounts',
      record: { id: first.id, name: 'Edited Mid-Snapshot' },
      at: new Date(started + 1_000).toISOString(),
    });

    const mark = deltaMark(m.tables.accounts)!;
    assert.match(mark, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/, 'written as Sonar writes a Datetime');
    assert.equal(
      Date.parse(mark),
      Math.floor((started - 10 * 60_000) / 1000) * 1000,
      'not the high-water mark: the start of the read, less the clock margin',
    );
    assert.equal(deltaMark({ ...m.tables.accounts, started_at: null }), late, 'an old manifest without a start keeps the mark');
    await takeSnapshot({ client, sonarUrl: sb.sonar.url, root: snapRoot, id: 'delta', since: 'base', tables: ['accounts'] });
    const changed = fs
      .readFileSync(path.join(snapRoot, 'delta', 'accounts.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Rec);
    assert.ok(changed.some((a) => a.id === first.id && a.name === 'Edited Mid-Snapshot'));
    assert.ok(changed.length < rows('accounts').length, 'still a delta, not a full read');
    const whole = await loadRecords(path.join(snapRoot, 'delta'));
    assert.equal(whole.accounts.length, rows('accounts').length);
    assert.equal(whole.accounts.find((a) => a.id === first.id)!.name, 'Edited Mid-Snapshot', 'the newest version wins');
    assert.deepEqual(
      whole.accounts.map((a) => Number(a.id)),
      [...whole.accounts.map((a) => Number(a.id))].sort((a, b) => a - b),
      'in id order',
    );
    assert.equal((await loadRecords(path.join(snapRoot, 'delta'), { changesOnly: true })).accounts.length, changed.length);
  } finally {
    fs.rmSync(snapRoot, { recursive: true, force: true });
  }
});

test('delta refuses bad usage with exit code 2 and a reason', async () => {
  const none = await migrate('delta');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /delta needs --since/);
  const missing = await migrate('delta', '--since', 'no-such-snapshot');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no snapshot "no-such-snapshot"/);
  const own = await migrate('delta', '--since', 'base', '--snapshot-id', 'x');
  assert.equal(own.code, 2);
  assert.match(own.stderr, /--snapshot-id does not go with delta/);
});
