// The analyst's corrections on a generated ISP: recorded with the notebook helper (real files under
// a data folder), applied by cleanSnapshot after the automatic cleaning, lasting into a new
// snapshot, stale when Sonar changed the value since, refused (naming the row) when they cannot be.
// The real snapshot, replay and delta path: test/review-loop.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanSnapshot, issuesLeft, type Row, type Tables } from '../lib/clean/snapshot.js';
import { readCorrections } from '../lib/clean/corrections.js';
import { assertDecisions, correctionsDir, decisionsToReview, openReview, readDecisions } from '../lib/clean/review.js';
import { toFrame } from '../lib/frames/load.js';
import { generateIsp } from '../lib/sandbox/generator/index.js';

const isp = () => structuredClone(generateIsp({ accounts: 30, seed: 5, dirtyRate: 0.1 }).tables) as unknown as Tables;
const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'corrections-'));
const byId = (rows: Row[], id: unknown) => rows.find((r) => String(r.id) === String(id))!;
const csv = (dir: string) => path.join(correctionsDir(dir), 'corrections.csv');

test('a recorded correction replaces the cleaned value, is logged with its reason, and leaves the snapshot as read', () => {
  const dir = dataDir();
  const raw = isp();
  const account = raw.accounts[3];
  const address = raw.addresses.find((a) => a.addressable_type === 'Account' && a.city)!;
  const review = openReview(dir, raw, cleanSnapshot(raw));
  const row = review.correct('accounts', String(account.id), 'name', 'Acme Broadband Ltd', 'typo in Sonar');
  assert.equal(row.sonar_had, account.name, '"Sonar had" is the snapshot value');
  review.correct('addresses', String(address.id), 'zip', '01234', 'zip confirmed by the post office');
  review.correct('account_services', String(raw.account_services[0].id), 'price_override', 1999, 'agreed price');

  const cleaned = cleanSnapshot(raw, readDecisions(dir));
  assert.deepEqual(
    cleaned.corrections.map((c) => c.status),
    ['applied', 'applied', 'applied'],
  );
  assert.equal(byId(cleaned.tables.accounts, account.id).name, 'Acme Broadband Ltd');
  assert.equal(byId(cleaned.tables.addresses, address.id).zip, '01234', 'a zip stays text, its zero kept');
  assert.equal(byId(cleaned.tables.account_services, raw.account_services[0].id).price_override, 1999, 'an int field gets a number');
  assert.notEqual(byId(raw.accounts, account.id).name, 'Acme Broadband Ltd', 'the snapshot as read is not changed');
  const logged = cleaned.changes.find((c) => c.entity === 'accounts' && c.source_id === String(account.id) && c.field === 'name');
  assert.equal(logged?.rule, 'correction: typo in Sonar');
  assert.equal(logged?.after, 'Acme Broadband Ltd');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('recording the same cell again replaces its row; an edited frame records only the cells changed', () => {
  const dir = dataDir();
  const raw = isp();
  const cleaned = cleanSnapshot(raw);
  const review = openReview(dir, raw, cleaned);
  const id = String(raw.accounts[0].id);
  review.correct('accounts', id, 'name', 'First Try', 'typo');
  review.correct('accounts', id, 'name', 'Second Try', 'typo, spelled right');
  assert.deepEqual(
    readCorrections(correctionsDir(dir)).map((r) => [r.sonar_id, r.new_value]),
    [[id, 'Second Try']],
  );

  // A frame of the cleaned addresses with one city changed: coordinates (float32 in a frame) and
  // cleaned values (phones, trimmed names) are not corrections.
  const edited = toFrame('addresses', cleaned.tables.addresses);
  const target = cleaned.tables.addresses.find((a) => a.city)!;
  edited.replace(target.city as string, 'Springfield', { columns: ['city'], inplace: true });
  const same = cleaned.tables.addresses.filter((a) => a.city === target.city).length;
  const rows = review.correctFrame('addresses', edited, 'city names spelled out');
  assert.equal(rows.length, same, JSON.stringify(rows.slice(0, 3)));
  assert.ok(rows.every((r) => r.field === 'city' && r.new_value === 'Springfield'));
  const again = cleanSnapshot(raw, readDecisions(dir));
  assert.equal(byId(again.tables.addresses, target.id).city, 'Springfield');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a correction lasts into a new snapshot, and is stale (not applied, both values listed) once Sonar changes the value', () => {
  const dir = dataDir();
  const raw = isp();
  const [kept, changed] = [raw.accounts[1], raw.accounts[2]];
  const review = openReview(dir, raw, cleanSnapshot(raw));
  review.correct('accounts', String(kept.id), 'name', 'Kept Name', 'reviewed');
  review.correct('accounts', String(changed.id), 'name', 'Lost Name', 'reviewed');

  // The next snapshot: Sonar changed another field of one record, and the corrected field of the other.
  const next = isp();
  byId(next.accounts, kept.id).data_usage_percentage = 77;
  byId(next.accounts, changed.id).name = 'Renamed In Sonar';
  const cleaned = cleanSnapshot(next, readDecisions(dir));
  assert.equal(byId(cleaned.tables.accounts, kept.id).name, 'Kept Name', 'applied to the new snapshot');
  assert.equal(byId(cleaned.tables.accounts, changed.id).name, 'Renamed In Sonar', "Sonar's new value, not the stale correction");
  const stale = decisionsToReview(cleaned);
  assert.equal(stale.length, 1);
  assert.equal(stale[0].status, 'stale');
  assert.equal((stale[0] as { sonar_had: string }).sonar_had, changed.name);
  assert.equal((stale[0] as { snapshot_has: string }).snapshot_has, 'Renamed In Sonar');
  assert.match(stale[0].message, /corrections\.csv line 3: |Sonar changed name since/);
  assert.doesNotThrow(() => assertDecisions(cleaned), 'a stale correction is for review, it stops nothing');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a correction to a table, record or field that does not exist, or with a value of the wrong type, is refused naming its row', () => {
  const dir = dataDir();
  const raw = isp();
  const a = raw.accounts[0];
  const lines = [
    'table,sonar_id,field,sonar_had,new_value,reason,made_at',
    `planets,1,name,,Mars,no such table,2026-01-01T00:00:00Z`,
    `accounts,999999,name,,Nobody,no such record,2026-01-01T00:00:00Z`,
    `accounts,${a.id},nickname,,Bob,no such field,2026-01-01T00:00:00Z`,
    `accounts,${a.id},next_recurring_charge_amount,${a.next_recurring_charge_amount ?? ''},lots,not a number,2026-01-01T00:00:00Z`,
    `accounts,${a.id},activation_date,${a.activation_date ?? ''},2024-02-30,no such day,2026-01-01T00:00:00Z`,
    `accounts,${a.id},account_status_id,${a.account_status_id},424242,no such status,2026-01-01T00:00:00Z`,
    `accounts,${a.id},id,${a.id},5,identity,2026-01-01T00:00:00Z`,
  ];
  fs.mkdirSync(correctionsDir(dir), { recursive: true });
  fs.writeFileSync(csv(dir), lines.join('\n') + '\n');
  const cleaned = cleanSnapshot(raw, readDecisions(dir));
  assert.deepEqual(
    cleaned.corrections.map((c) => c.status),
    Array(7).fill('refused'),
  );
  const messages = cleaned.corrections.map((c) => c.message);
  messages.forEach((m, i) => assert.ok(m.startsWith(`corrections.csv line ${i + 2}: `), m));
  assert.match(messages[0], /no table "planets"/);
  assert.match(messages[1], /no accounts record 999999/);
  assert.match(messages[2], /no field "nickname"/);
  assert.match(messages[3], /"lots" is not a whole number/);
  assert.match(messages[4], /"2024-02-30" is not a date/);
  assert.match(messages[5], /no account_statuses record 424242/);
  assert.match(messages[6], /cannot be corrected/);
  assert.deepEqual(byId(cleaned.tables.accounts, a.id), byId(cleanSnapshot(raw).tables.accounts, a.id), 'nothing refused was applied');
  assert.throws(() => assertDecisions(cleaned), /7 of the analyst's decisions were refused[\s\S]*corrections\.csv line 5/);
  // The helper refuses at once and writes nothing.
  const before = fs.readFileSync(csv(dir), 'utf8');
  assert.throws(() => openReview(dir, raw).correct('accounts', String(a.id), 'is_delinquent', 'maybe', 'x'), /is not true or false/);
  assert.throws(() => openReview(dir, raw).correct('accounts', String(a.id), 'name', 'X', ' '), /needs a reason/);
  assert.equal(fs.readFileSync(csv(dir), 'utf8'), before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a correction or an exclusion of a record Sonar deleted since is stale, not refused', () => {
  const dir = dataDir();
  const raw = isp();
  const [gone, alsoGone] = [raw.accounts[5], raw.accounts[6]];
  const review = openReview(dir, raw, cleanSnapshot(raw));
  review.correct('accounts', String(gone.id), 'name', 'Gone Ltd', 'typo');
  review.exclude('accounts', String(alsoGone.id), 'test account');
  // The delta's picture: Sonar deleted both accounts, and the chain says so.
  const next = isp();
  next.accounts = next.accounts.filter((a) => a.id !== gone.id && a.id !== alsoGone.id);
  const deleted = { accounts: [String(gone.id), String(alsoGone.id)] };
  const cleaned = cleanSnapshot(next, { ...readDecisions(dir), deleted });
  assert.deepEqual(
    [...cleaned.corrections, ...cleaned.exclusions].map((d) => [d.status, /Sonar deleted accounts \d+ since/.test(d.message)]),
    [
      ['stale', true],
      ['stale', true],
    ],
  );
  assert.doesNotThrow(() => assertDecisions(cleaned));
  const unknown = cleanSnapshot(next, readDecisions(dir));
  assert.deepEqual(
    unknown.corrections.map((c) => c.status),
    ['refused'],
    'without the deletion known, a missing record is refused',
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a corrected credential is applied, but its values are never repeated in the outcomes or the change log', () => {
  const dir = dataDir();
  const raw = isp();
  const radius = raw.radius_accounts.find((r) => r.password)!;
  openReview(dir, raw).correct('radius_accounts', String(radius.id), 'password', 'n3w-Secret-99', "reset at the customer's request");
  const cleaned = cleanSnapshot(raw, readDecisions(dir));
  assert.equal(byId(cleaned.tables.radius_accounts, radius.id).password, 'n3w-Secret-99');
  const shown = JSON.stringify([cleaned.corrections, cleaned.changes]);
  assert.ok(!shown.includes('n3w-Secret-99') && !shown.includes(String(radius.password)), shown.slice(0, 300));
  assert.equal(cleaned.corrections[0].status, 'applied');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an issue on a corrected cell is no longer open', () => {
  const dir = dataDir();
  const raw = isp();
  const first = cleanSnapshot(raw);
  const issue = first.issues.find((i) => i.entity === 'contacts' && i.field === 'email_address');
  assert.ok(issue, 'the dirty ISP has an e-mail issue');
  openReview(dir, raw, first).correct('contacts', issue.source_id, 'email_address', 'fixed@example.net', 'asked the customer');
  const cleaned = cleanSnapshot(raw, readDecisions(dir));
  assert.ok(
    !issuesLeft(cleaned, cleaned.issues).some(
      (i) => i.entity === 'contacts' && i.source_id === issue.source_id && i.field === 'email_address',
    ),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
