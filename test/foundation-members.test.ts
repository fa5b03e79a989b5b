// The rest of the foundation (administrators, customer additional fields, one-time tariffs) and the
// customer members that follow (billing, additional-field values, other contacts) against the
// Splynx sandbox: payloads accepted, every record once, a re-run that writes nothing, temporary
// passwords only in their secrets file, the role mapping proposed and honoured, dirt explained.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { parseFaultSpec } from '../lib/sandbox/faults.js';
import { Ledger, payloadHash } from '../lib/ledger/index.js';
import { ensureSonarIdFields } from '../lib/entities/sonar-id.js';
import { partners } from '../lib/entities/partners.js';
import { customers, MAPPING_SPECS as CUSTOMER_MAPPINGS } from '../lib/entities/customers.js';
import { administrators, MAPPING_SPECS as ADMIN_MAPPINGS, proposeRole } from '../lib/entities/administrators.js';
import { secrets, temporaryPassword } from '../lib/secrets/index.js';
import { customerFields } from '../lib/entities/additional-fields.js';
import { customerFieldValues } from '../lib/entities/customer-field-values.js';
import { tariffsOneTime } from '../lib/entities/tariffs-one-time.js';
import { customerBilling } from '../lib/entities/customer-billing.js';
import { contactsNoteTitle, customerContacts, otherContacts } from '../lib/entities/customer-contacts.js';
import type { EntityModule, Row, TransformContext } from '../lib/entities/types.js';
import { loadEntity, type EntityOutcome } from '../lib/load/entity.js';
import { transformContext } from '../lib/load/context.js';
import { splynxFixture, cleanIsp } from './splynx-fixture.js';

const MAPPING_SPECS = { ...CUSTOMER_MAPPINGS, ...ADMIN_MAPPINGS };
/** Load order, as ENTITIES will have it. */
const MODULES = [
  partners,
  administrators,
  customerFields,
  tariffsOneTime,
  customers,
  customerBilling,
  customerFieldValues,
  customerContacts,
] as EntityModule[];
const MINE = ['administrators', 'customer_fields', 'tariffs_one_time', 'customer_billing', 'customer_field_values', 'customer_contacts'];

const fx = splynxFixture('foundation-members-');

const clean = cleanIsp(80, 31);

interface World {
  name: string;
  tables: Record<string, Row[]>;
  ledger: Ledger;
  ctx: TransformContext;
  secretsDir: string;
}

/** A fresh Splynx, ledger, mapping folder and secrets folder. */
async function world(name: string, tables: Record<string, Row[]>): Promise<World> {
  await fetch(`${fx.splynx.url}/__sandbox/reset`, { method: 'POST' });
  await ensureSonarIdFields(fx.api);
  const ledger = new Ledger(path.join(fx.dir, name, 'ledger.sqlite'));
  const secretsDir = path.join(fx.dir, name, 'secrets');
  secrets.configure({ dir: secretsDir, runId: `${name}-r1` });
  return { name, tables, ledger, ctx: context(name, tables, ledger), secretsDir };
}

/** A transform context as a run builds it: mapping tables proposed (new rows only), then read. */
function context(name: string, tables: Record<string, Row[]>, ledger: Ledger): TransformContext {
  const ctx = transformContext({
    tables,
    ledger,
    timezone: 'UTC',
    mappingsDir: path.join(fx.dir, name, 'mappings'),
    mappingSpecs: MAPPING_SPECS,
  });
  for (const m of MODULES) for (const spec of m.mappings ?? []) ctx.mapping(spec.name).propose(spec.propose(ctx));
  return ctx;
}

async function loadAll(w: World, mods = MODULES): Promise<Record<string, EntityOutcome>> {
  const out: Record<string, EntityOutcome> = {};
  for (const m of mods) out[m.name] = await loadEntity(m, w.tables[m.source] ?? [], w.ctx, fx.api, w.ledger, { concurrency: 8 });
  return out;
}

const selected = (m: EntityModule, w: World) => (w.tables[m.source] ?? []).filter((r) => m.select?.(r, w.ctx) ?? true);
const errorsOf = (o: Record<string, EntityOutcome>) => Object.values(o).flatMap((x) => x.errors);
/** The administrators' rows (customers' portal passwords have their own file). */
const secretRows = (w: World): Array<Record<string, string>> =>
  fs
    .readdirSync(w.secretsDir)
    .filter((f) => f.startsWith('administrators-'))
    .flatMap((f) => parse(fs.readFileSync(path.join(w.secretsDir, f), 'utf8'), { columns: true }) as Array<Record<string, string>>);

test('role proposals read Sonar roles the way an analyst would; temporary passwords are strong', () => {
  const roles = new Map(clean.roles.map((r) => [String(r.name), proposeRole(String(r.name), r.applied_permissions as string[])[0]]));
  assert.deepEqual(Object.fromEntries(roles), {
    Administrator: 'administrator',
    Billing: 'financial-manager',
    'Customer Support': 'manager',
    'Field Technician': 'technician',
    'Network Engineer': 'engineer',
    Sales: 'customer-creator',
    'Read Only': 'technician',
  });
  assert.equal(proposeRole('Janitor', ['DELETE_EVERYTHING'])[0], '', 'an unknown role with write permissions waits for the analyst');
  const passwords = Array.from({ length: 200 }, () => temporaryPassword());
  assert.equal(new Set(passwords).size, passwords.length);
  for (const p of passwords) {
    assert.equal(p.length, 20);
    for (const re of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) assert.match(p, re);
    assert.doesNotMatch(p, /[0O1lI,"'\s]/);
  }
});

test('a full load creates every record once, as mapped; a second load creates nothing and writes nothing', async () => {
  const w = await world('full', clean);
  const first = await loadAll(w);
  assert.deepEqual(errorsOf(first), []);
  const t = w.tables;
  const expected: Record<string, number> = {
    administrators: t.users.filter((u) => u.enabled !== false).length,
    customer_fields: t.custom_fields.filter((f) => f.entity_type === 'Account').length,
    tariffs_one_time: t.services.filter((s) => s.type === 'ONETIME').length,
    customer_billing: t.account_billing_parameters.length,
    customer_field_values: t.custom_field_data.filter((d) => d.customfielddataable_type === 'Account').length,
    customer_contacts: new Set(t.accounts.filter((a) => otherContacts(a.id, w.ctx).length).map((a) => a.id)).size,
  };
  for (const [entity, n] of Object.entries(expected)) {
    assert.ok(n > 0, `the generated ISP has ${entity}`);
    assert.deepEqual([first[entity].selected, first[entity].created], [n, n], entity);
  }

  // Administrators: login, role from the mapping, the Sonar id, least router access.
  const admins = await fx.api.get<Array<Record<string, unknown> & { additional_attributes: Record<string, string> }>>(
    'admin/administration/administrators',
  );
  assert.equal(admins.length, 1 + expected.administrators, 'the seeded admin plus one per enabled user');
  const sonarSuper = t.users.find((u) => u.super_admin === true)!;
  const superAdmin = admins.find((a) => a.additional_attributes.sonar_id === String(sonarSuper.id))!;
  assert.deepEqual(
    [superAdmin.login, superAdmin.role_name, superAdmin.router_access],
    [sonarSuper.username, 'super-administrator', 'none'],
  );
  const tech = t.users.find((u) => t.roles.find((r) => r.id === u.role_id)?.name === 'Field Technician');
  if (tech) assert.equal(admins.find((a) => a.login === tech.username)!.role_name, 'technician');

  // Field definitions: types, options, uniqueness, never required.
  const defs = await fx.api.get<Array<Record<string, string>>>('admin/config/additional-fields/customers');
  const def = (name: string) => defs.find((d) => d.name === name)!;
  assert.deepEqual([def('referral_source').type, def('referral_source').select_values.split(',').length], ['select', 8]);
  assert.equal(def('referral_source').title, 'Referral Source');
  assert.equal(def('contract_end_date').type, 'date');
  assert.equal(def('paperless_billing').type, 'boolean');
  assert.deepEqual([def('legacy_account_number').type, def('legacy_account_number').is_unique], ['string', '1']);
  assert.ok(defs.filter((d) => d.name !== 'sonar_id').every((d) => d.is_required === '0'));
  assert.ok(
    !defs.some((d) => d.name === 'preferred_contact_time' || d.name === 'drop_type'),
    'contact and address fields are not customer fields',
  );

  // Values: on the right customer, as the field type takes them.
  const customersByLogin = new Map(
    (await fx.api.get<Array<{ id: string; login: string; additional_attributes: Record<string, string> }>>('admin/customers/customer')).map(
      (c) => [c.login, c],
    ),
  );
  const fieldName = new Map([
    ['1', 'referral_source'],
    ['2', 'contract_end_date'],
    ['3', 'paperless_billing'],
    ['4', 'legacy_account_number'],
    ['5', 'gate_code'],
  ]);
  for (const d of t.custom_field_data.filter((x) => x.customfielddataable_type === 'Account')) {
    const stored = customersByLogin.get(String(d.customfielddataable_id))!.additional_attributes[fieldName.get(String(d.custom_field_id))!];
    const want = d.value === 'true' ? '1' : d.value === 'false' ? '0' : String(d.value);
    assert.equal(stored, want, `value ${d.id}`);
  }
  const someValue = w.ledger.records('customer_field_values')[0];
  assert.match(someValue.splynx_id!, /^\d+--[a-z_]+$/, 'a value is keyed customer--field');

  // One-time tariffs.
  const oneTime = await fx.api.get<Array<Record<string, string>>>('admin/tariffs/one-time');
  const install = oneTime.find((x) => x.title === 'Installation')!;
  assert.deepEqual([install.price, install.enabled, install.service_description], ['99.0000', '1', 'Installation']);

  // Billing.
  const params = t.account_billing_parameters[0];
  const billing = await fx.api.get<Record<string, string>>(
    `admin/customers/customer-billing/${w.ledger.splynxId('customers', String(params.account_id))}`,
  );
  assert.deepEqual(
    [billing.billing_date, billing.billing_due, billing.grace_period],
    [String(params.bill_day), String(params.due_days), String(params.grace_days)],
  );
  const mailing = t.addresses.find((a) => a.type === 'MAILING' && a.addressable_type === 'Account');
  if (mailing) {
    const b = await fx.api.get<Record<string, string>>(
      `admin/customers/customer-billing/${w.ledger.splynxId('customers', String(mailing.addressable_id))}`,
    );
    assert.equal(b.billing_city, mailing.city);
    assert.ok(b.billing_street_1.startsWith(String(mailing.line1)));
  }

  // Other contacts: one note per account with every other contact, their phones and roles.
  const account = t.accounts.find((a) => otherContacts(a.id, w.ctx).length)!;
  const other = otherContacts(account.id, w.ctx)[0];
  const notes = await fx.api.get<Array<{ title: string; comment: string; customer_id: string }>>('admin/customers/customer-notes');
  const note = notes.find((n) => n.title === contactsNoteTitle(account.id))!;
  assert.equal(note.customer_id, w.ledger.splynxId('customers', String(account.id)));
  assert.ok(note.comment.includes(String(other.name)) && note.comment.includes(String(other.role)), note.comment);
  for (const p of t.phone_numbers.filter((x) => x.contact_id === other.id))
    assert.ok(note.comment.includes(String(p.number)), note.comment);
  const primary = t.contacts.find((c) => c.contactable_id === account.id && c.primary)!;
  assert.ok(
    !note.comment.includes(String(primary.name)) || primary.name === other.name,
    'the primary contact is on the customer, not in the note',
  );

  // Again: nothing created, nothing updated, not one write.
  const writes = fx.splynx.stats().writes;
  const second = await loadAll(w);
  for (const [entity, o] of Object.entries(second)) assert.deepEqual([o.created, o.updated, o.adopted, o.failed], [0, 0, 0, 0], entity);
  assert.equal(fx.splynx.stats().writes, writes, 'a re-run writes nothing');
  assert.equal(w.ledger.pending().length, 0);
});

test('temporary passwords are only in the secrets file (600), never in the ledger, errors or output; a re-run or update never resets them', async () => {
  const w = await world('secrets', clean);
  // Everything printed while loading is kept, to be searched too.
  const output: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((s, i) => {
    s.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (originals[i] as (...a: unknown[]) => boolean).call(s, chunk, ...rest);
    }) as typeof s.write;
  });
  let outcomes: Record<string, EntityOutcome>;
  try {
    outcomes = await loadAll(w);
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]));
  }
  assert.deepEqual(errorsOf(outcomes), []);

  // Customers' generated portal passwords (portal-password = generate) have their own file.
  const files = fs.readdirSync(w.secretsDir).filter((f) => f.startsWith('administrators-'));
  assert.deepEqual(fs.readdirSync(w.secretsDir).sort(), ['administrators-secrets-r1.csv', 'portal-passwords-secrets-r1.csv']);
  const file = path.join(w.secretsDir, files[0]);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(w.secretsDir).mode & 0o777, 0o700);
  const rows = secretRows(w);
  assert.equal(rows.length, outcomes.administrators.created);
  const stored = new Map(fx.splynx.store.all('administrators').map((a) => [String(a.login), String(a.password)]));
  for (const r of rows) assert.equal(stored.get(r.login), r.temporary_password, `Splynx holds the password the file gives for ${r.login}`);
  const passwords = rows.map((r) => r.temporary_password);

  // Nowhere else: not in the ledger (any of its files), mappings, outcomes or anything printed.
  w.ledger.close();
  const everywhere = (root: string): string[] =>
    fs
      .readdirSync(root, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? everywhere(path.join(root, e.name)) : [path.join(root, e.name)]));
  const elsewhere = everywhere(path.join(fx.dir, 'secrets')).filter((f) => !f.startsWith(w.secretsDir));
  assert.ok(elsewhere.some((f) => f.endsWith('ledger.sqlite')) && elsewhere.some((f) => f.endsWith('role.csv')));
  const texts = [...elsewhere.map((f) => fs.readFileSync(f).toString('latin1')), JSON.stringify(outcomes), output.join('')];
  for (const p of passwords)
    assert.ok(
      texts.every((x) => !x.includes(p)),
      'a password leaked',
    );

  // The hash in the ledger is the payload's, without a password: a re-run sees no change.
  const ledger = new Ledger(path.join(fx.dir, 'secrets', 'ledger.sqlite'));
  w.ledger = ledger;
  w.ctx = context(w.name, w.tables, ledger);
  const user = w.tables.users.find((u) => u.enabled !== false)!;
  assert.equal(
    ledger.get('administrators', String(user.id))!.payload_hash,
    payloadHash(administrators.payload.parse(administrators.transform(user, w.ctx))),
  );
  const again = await loadAll(w, [administrators as EntityModule]);
  assert.deepEqual([again.administrators.created, again.administrators.updated], [0, 0]);

  // A user renamed in Sonar is updated without a password: the one handed out still works.
  const renamed = { ...w.tables, users: w.tables.users.map((u) => (u.id === user.id ? { ...u, name: 'Renamed In Sonar' } : u)) };
  w.ctx = context(w.name, renamed, ledger);
  const update = await loadEntity(administrators as EntityModule, renamed.users, w.ctx, fx.api, ledger);
  assert.deepEqual([update.updated, update.created], [1, 0]);
  const after = fx.splynx.store.all('administrators').find((a) => a.login === user.username)!;
  assert.equal(after.name, 'Renamed In Sonar');
  assert.equal(after.password, rows.find((r) => r.login === user.username)!.temporary_password);
  assert.equal(secretRows(w).length, rows.length, 'no new password was issued');
});

test('a dry run issues no password; a create whose answer was lost is settled with the password it carried', async () => {
  const w = await world('lost', clean);
  const dry = await loadEntity(administrators as EntityModule, w.tables.users, w.ctx, fx.api, w.ledger, { dryRun: true });
  assert.equal(dry.created, selected(administrators as EntityModule, w).length);
  assert.ok(!fs.existsSync(w.secretsDir), 'no secrets file for a dry run');

  fx.splynx.faults.set(parseFaultSpec('commit-drop=0.5,seed=5', 'splynx'));
  let out: EntityOutcome;
  try {
    out = await loadEntity(administrators as EntityModule, w.tables.users, w.ctx, fx.api, w.ledger);
  } finally {
    fx.splynx.faults.set(parseFaultSpec('', 'splynx'));
  }
  assert.ok(fx.splynx.faults.injected['commit-drop'] > 0, 'some answers were lost');
  assert.deepEqual([out.created, out.failed], [dry.created, 0], JSON.stringify(out.errors));
  const rows = secretRows(w);
  assert.equal(rows.length, out.created, 'one password per administrator: a settled create is not sent again');
  const stored = fx.splynx.store.all('administrators').filter((a) => a.id !== 1);
  assert.equal(stored.length, out.created);
  for (const a of stored) assert.equal(a.password, rows.find((r) => r.login === a.login)!.temporary_password);
});

test('the role mapping is proposed with a reason per row, and an edited row is honoured', async () => {
  const w = await world('roles', clean);
  const first = await loadAll(w, [administrators as EntityModule]);
  assert.equal(first.administrators.failed, 0);
  const file = path.join(fx.dir, 'roles', 'mappings', 'role.csv');
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(
    rows.map((r) => r.sonar_id),
    ['super_admin', ...clean.roles.map((r) => String(r.id))],
  );
  assert.ok(
    rows.every((r) => r.reason.length > 10 && r.splynx_value),
    JSON.stringify(rows),
  );
  assert.equal(
    rows.reduce((n, r) => n + Number(r.records), 0),
    clean.users.filter((u) => u.enabled !== false).length,
  );

  // The analyst gives one Sonar role another Splynx role; the next run updates just those administrators.
  const role = rows.find((r) => r.sonar_id !== 'super_admin' && Number(r.records) > 0)!;
  const target = role.splynx_value === 'manager' ? 'engineer' : 'manager';
  fs.writeFileSync(
    file,
    fs
      .readFileSync(file, 'utf8')
      .replace(`${role.sonar_id},${role.sonar_value},${role.splynx_value},`, `${role.sonar_id},${role.sonar_value},${target},`),
  );
  const passwordsBefore = new Map(fx.splynx.store.all('administrators').map((a) => [a.login, a.password]));
  w.ctx = context(w.name, w.tables, w.ledger);
  const second = await loadAll(w, [administrators as EntityModule]);
  assert.deepEqual(
    [second.administrators.updated, second.administrators.created, second.administrators.failed],
    [Number(role.records), 0, 0],
  );
  const users = clean.users.filter((u) => String(u.role_id) === role.sonar_id && u.enabled !== false && u.super_admin !== true);
  for (const u of users) {
    const a = fx.splynx.store.all('administrators').find((x) => x.login === u.username)!;
    assert.equal(a.role_name, target);
    assert.equal(a.password, passwordsBefore.get(u.username as string), 'an update never resets the password');
  }
  // The proposal is not re-applied over the edit.
  assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`${role.sonar_id},[^,]*,${target},`));

  // A value that is not a Splynx role is refused with the file to fix.
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`,${target},`, ',janitor,'));
  w.ctx = context(w.name, w.tables, w.ledger);
  const bad = await loadAll(w, [administrators as EntityModule]);
  assert.equal(bad.administrators.failed, users.length);
  assert.ok(
    bad.administrators.errors.every((e) => e.category === 'data' && /role\.csv/.test(e.suggestion)),
    JSON.stringify(bad.administrators.errors),
  );
});

test('records made by hand in Splynx are adopted, not duplicated or overwritten', async () => {
  const tables = structuredClone(clean);
  // A Sonar user whose login is the Splynx administrator that already exists.
  tables.users.push({ ...tables.users[1], id: '900', username: fx.splynx.admin.login, email_address: 'admin@example.net' });
  const w = await world('adopt', tables);
  const fieldByHand = await fx.api.create('admin/config/additional-fields/customers', {
    name: 'gate_code',
    title: 'Gate (by hand)',
    type: 'string',
  });
  assert.equal(fieldByHand.id, 'gate_code', 'Splynx answers a field create with its name');
  await fx.api.create('admin/tariffs/one-time', { title: 'Truck Roll', partners_ids: ['1'], hide_on_admin_portal: '0' });
  const out = await loadAll(w);
  assert.deepEqual(errorsOf(out), []);
  assert.equal(out.administrators.adopted, 1);
  assert.equal(
    fx.splynx.store.get('administrators', 1)!.password,
    fx.splynx.admin.password,
    'the existing administrator keeps its password',
  );
  assert.ok(!secretRows(w).some((r) => r.login === fx.splynx.admin.login), 'no password is issued for an adopted login');
  assert.deepEqual([out.customer_fields.adopted, out.tariffs_one_time.adopted], [1, 1]);
  assert.equal((await fx.api.get<unknown[]>('admin/tariffs/one-time')).length, tables.services.filter((s) => s.type === 'ONETIME').length);
  const gate = tables.custom_field_data.find((d) => d.custom_field_id === '5' && d.customfielddataable_type === 'Account');
  if (gate) {
    const c = await fx.api.get<{ additional_attributes: Record<string, string> }>(
      `admin/customers/customer/${w.ledger.splynxId('customers', String(gate.customfielddataable_id))}`,
    );
    assert.equal(c.additional_attributes.gate_code, gate.value, 'values land in the adopted field');
  }
});

test('dirty data becomes error rows with the right category and a fix; everything else loads', async () => {
  const ds = generateIsp({ accounts: 60, seed: 12, dirtyRate: 0.2 });
  const t = structuredClone(ds.tables) as unknown as Record<string, Row[]>;
  const user = t.users[1];
  t.users.push(
    { ...user, id: '901', username: '  ', email_address: 'x901@example.com' },
    { ...user, id: '902', username: 'bademail', email_address: 'bad email at example' },
    { ...user, id: '903', username: 'noroles', role_id: null, super_admin: false },
    { ...user, id: '904', username: 'former', enabled: false },
  );
  t.custom_fields.push({ ...t.custom_fields[0], id: '950', name: 'Plan Tier', enum_options: ['Gold, Silver', 'Bronze'] });
  const value = (field: string, v: string) => {
    const d = t.custom_field_data.find((x) => x.custom_field_id === field && x.customfielddataable_type === 'Account')!;
    d.value = v;
    return String(d.id);
  };
  const badBoolean = value('3', 'maybe');
  const badDate = value('2', '12/31/2027');
  const badOption = value('1', 'Billboard');
  const accountId = String(t.accounts[0].id);
  t.custom_field_data.push({
    ...t.custom_field_data[0],
    id: '9500',
    custom_field_id: '950',
    customfielddataable_type: 'Account',
    customfielddataable_id: accountId,
    value: 'Bronze',
  });
  const lateFee = t.services.find((s) => s.name === 'Late Fee')!;
  t.services.push({ ...lateFee, id: '960' });
  t.account_billing_parameters[1].bill_day = 32; // no month has it (29–31 move by the bill-day table)
  t.account_billing_parameters[2].months_to_bill = 3;

  const w = await world('dirty', t);
  const out = await loadAll(w);
  const category = (entity: string, id: string) => out[entity].errors.find((e) => e.source_id === id)?.category;
  for (const entity of MINE) {
    const o = out[entity];
    assert.equal(o.created + o.failed, o.selected, `${entity}: every record is created or explained`);
    for (const e of o.errors) {
      assert.ok(['validation', 'transformation', 'data'].includes(e.category), `${entity} ${e.source_id} ${e.category}: ${e.message}`);
      assert.ok(e.suggestion.length > 10, e.message);
    }
  }
  assert.equal(
    out.administrators.selected,
    t.users.length - t.users.filter((u) => u.enabled === false).length,
    'disabled users are left out on purpose',
  );
  assert.equal(category('administrators', '901'), 'transformation');
  assert.equal(category('administrators', '902'), 'validation');
  assert.equal(category('administrators', '903'), 'transformation');
  assert.equal(category('customer_fields', '950'), 'transformation');
  assert.equal(category('customer_field_values', '9500'), 'data', 'a value of a field that did not migrate');
  // A bad value is reported as such even when its customer failed too: the value is checked first.
  const messages = { [badBoolean]: /not a yes\/no value/, [badDate]: /not a date/, [badOption]: /not one of its options/ };
  for (const [id, re] of Object.entries(messages)) {
    assert.equal(category('customer_field_values', id), 'transformation');
    assert.match(out.customer_field_values.errors.find((e) => e.source_id === id)!.message, re);
  }
  assert.equal(category('tariffs_one_time', '960'), 'transformation');
  assert.equal(category('customer_billing', String(t.account_billing_parameters[1].id)), 'transformation');
  // months_to_bill 3: the billing-cycle table proposes "refuse", a data row with what to choose instead.
  assert.equal(category('customer_billing', String(t.account_billing_parameters[2].id)), 'data');
  assert.match(
    out.customer_billing.errors.find((e) => e.source_id === String(t.account_billing_parameters[2].id))!.suggestion,
    /billing-cycle\.csv/,
  );
  // Billing and notes of accounts that did not become customers, and contacts of accounts that do not exist.
  const failedAccounts = new Set(out.customers.errors.map((e) => e.source_id));
  assert.ok(failedAccounts.size > 0);
  // (A bill day Splynx cannot take is the row's own problem, reported first, like a bad field value.)
  for (const b of t.account_billing_parameters.slice(3).filter((x) => failedAccounts.has(String(x.account_id)) && Number(x.bill_day) <= 28))
    assert.equal(category('customer_billing', String(b.id)), 'data');
  const orphan = ds.dirty.find((m) => m.class === 'orphan_reference' && m.table === 'contacts');
  assert.ok(orphan, 'the dirty ISP has an orphan contact');
  const orphanError = out.customer_contacts.errors.find((e) => e.source_id === orphan.id);
  assert.equal(orphanError?.category, 'data');
  assert.match(orphanError!.message, /needs customers/);
});
