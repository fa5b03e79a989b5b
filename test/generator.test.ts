// The synthetic-ISP generator: determinism, the SDL shape of every record, references,
// real-instance proportions, internal consistency of clean data, and the dataset file round trip.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDataset, saveDataset, type SonarDataset, type SonarRecord } from '../lib/sandbox/dataset.js';
import { generateIsp, summarize } from '../lib/sandbox/generator/index.js';
import { danglingReferences } from '../lib/sandbox/generator/references.js';
import { REFERENCES } from '../lib/sonar/relations.js';
import { schemaProblems } from '../lib/sandbox/generator/schema-check.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
// The reference instant 2026-01-01T00:00Z is still 31 December in the instance's Chicago timezone.
const REFERENCE_DAY = '2025-12-31';

const ratio = (d: SonarDataset, table: string, per: string) => d.tables[table].length / d.tables[per].length;
const byId = (rows: SonarRecord[]) => new Map(rows.map((r) => [r.id as string, r]));
const ipNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

function assertBetween(value: number, min: number, max: number, what: string) {
  assert.ok(value >= min && value <= max, `${what} = ${value.toFixed(3)}, expected ${min}..${max}`);
}

let small: SonarDataset;
let medium: SonarDataset;

before(() => {
  small = generateIsp({ accounts: 50 });
  medium = generateIsp({ accounts: 2000, seed: 1 });
});

describe('determinism', () => {
  test('the same options give identical JSON; another seed gives other data', () => {
    const a = generateIsp({ accounts: 300, seed: 7, dirtyRate: 0.1 });
    const b = generateIsp({ accounts: 300, seed: 7, dirtyRate: 0.1 });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    const c = generateIsp({ accounts: 300, seed: 8, dirtyRate: 0.1 });
    assert.notEqual(JSON.stringify(c.tables.accounts), JSON.stringify(a.tables.accounts));
    assert.notEqual(c.tables.contacts[0].name, a.tables.contacts[0].name);
  });

  test('the reference time anchors every timestamp, not the clock', () => {
    const later = generateIsp({ accounts: 50, referenceTime: '2027-06-01T00:00:00Z' });
    assert.equal(later.meta.reference_time, '2027-06-01T00:00:00Z');
    assert.equal(small.meta.reference_time, '2026-01-01T00:00:00Z');
    const latest = (d: SonarDataset) =>
      Math.max(
        ...Object.values(d.tables)
          .flat()
          .map((r) => Date.parse(r.updated_at as string)),
      );
    assert.ok(latest(small) <= Date.parse('2026-01-01T00:00:00Z'));
    assert.ok(latest(later) > Date.parse('2026-06-01T00:00:00Z'));
  });

  test('rejects options it cannot honour', () => {
    assert.throws(() => generateIsp({ accounts: 0 }), /accounts must be a positive integer/);
    assert.throws(() => generateIsp({ accounts: 10, dirtyRate: 1.5 }), /dirtyRate must be between 0 and 1/);
    assert.throws(() => generateIsp({ accounts: 10, referenceTime: 'soon' }), /referenceTime/);
  });
});

describe('shape', () => {
  test('every table is a root query and every record has exactly its type’s fields with valid values', () => {
    assert.deepEqual(schemaProblems(small), []);
    assert.deepEqual(schemaProblems(medium), []);
  });

  test('ids run 1..n per table, sonar_unique_ids are unique, updated_at >= created_at', () => {
    for (const [table, rows] of Object.entries(medium.tables)) {
      assert.ok(rows.length > 0, `${table} is empty`);
      const uids = new Set<unknown>();
      rows.forEach((r, i) => {
        assert.equal(r.id, String(i + 1), `${table}[${i}].id`);
        assert.ok(Date.parse(r.updated_at as string) >= Date.parse(r.created_at as string), `${table}/${r.id} updated before created`);
        uids.add(r.sonar_unique_id);
      });
      assert.equal(uids.size, rows.length, `${table} sonar_unique_id collisions`);
    }
  });

  test('every foreign key resolves, and every *_id field is known to the reference map', () => {
    assert.deepEqual(danglingReferences(medium), []);
    assert.deepEqual(danglingReferences(small), []);
    for (const [table, rows] of Object.entries(medium.tables)) {
      for (const key of Object.keys(rows[0])) {
        if (key.endsWith('_id') && key !== 'sonar_unique_id') assert.ok(REFERENCES[table]?.[key], `${table}.${key} is not in REFERENCES`);
      }
    }
  });
});

describe('proportions like a real 10k-account instance', () => {
  for (const [label, get, slack] of [
    ['50 accounts', () => small, 0.25],
    ['2,000 accounts', () => medium, 0],
  ] as const) {
    test(label, () => {
      const d = get();
      assertBetween(ratio(d, 'contacts', 'accounts'), 1.0, 1.12 + slack, 'contacts per account');
      assertBetween(ratio(d, 'phone_numbers', 'contacts'), 1.2, 1.8, 'phone numbers per contact');
      assertBetween(ratio(d, 'account_services', 'accounts'), 0.75 - slack, 1.0 + slack, 'account services per account');
      assertBetween(ratio(d, 'addresses', 'accounts'), 3.0, 3.8 + slack, 'addresses per account');
      assertBetween(ratio(d, 'account_billing_parameters', 'accounts'), 1, 1, 'billing parameters per account');
      assert.equal(d.tables.account_statuses.length, 13);
      assert.equal(d.tables.account_types.length, 3);
      assertBetween(d.tables.companies.length, 2, 3, 'companies');
      assert.equal(d.tables.companies.filter((c) => c.default).length, 1);
    });
  }

  test('the 2,000-account catalog and network look like an ISP', () => {
    const d = medium;
    const names = d.tables.account_statuses.map((s) => s.name);
    for (const name of ['Active', 'Inactive', 'Suspended', 'Delinquent', 'Lead', 'Cancelled']) assert.ok(names.includes(name), name);
    assert.ok(d.tables.account_statuses.some((s) => s.activates_account) && d.tables.account_statuses.some((s) => !s.activates_account));
    assertBetween(d.tables.data_service_details.length, 10, 55, 'data services');
    const types = new Set(d.tables.services.map((s) => s.type));
    for (const type of ['DATA', 'RECURRING', 'ONETIME', 'VOICE']) assert.ok(types.has(type), type);
    assert.ok(
      d.tables.services.some((s) => s.amount === 0),
      'a zero-price service',
    );
    assert.ok(d.tables.account_services.some((s) => s.price_override !== null));
    assert.ok(d.tables.account_services.some((s) => (s.quantity as number) > 1));
    const children = d.tables.accounts.filter((a) => a.parent_account_id !== null).length / d.tables.accounts.length;
    assertBetween(children, 0.01, 0.06, 'child accounts');
    assertBetween(ratio(d, 'ip_assignments', 'accounts'), 0.1, 0.3, 'IP assignments per account');
    for (const t of [
      'radius_accounts',
      'inventory_items',
      'notes',
      'tickets',
      'ticket_replies',
      'ticket_comments',
      'invoices',
      'debits',
      'payments',
      'custom_field_data',
    ]) {
      assert.ok(d.tables[t].length > d.tables.accounts.length / 10, `${t} has ${d.tables[t].length} records`);
    }
  });
});

describe('clean data is internally consistent', () => {
  test('each account has one primary contact and one serviceable address; geopoint matches it', () => {
    const primaries = new Map<string, number>();
    for (const c of medium.tables.contacts)
      if (c.contactable_type === 'Account' && c.primary)
        primaries.set(c.contactable_id as string, (primaries.get(c.contactable_id as string) ?? 0) + 1);
    const serviceable = new Map<string, SonarRecord>();
    let mailing = 0;
    for (const a of medium.tables.addresses) {
      if (a.addressable_type !== 'Account') continue;
      if (a.type === 'MAILING') mailing++;
      else {
        assert.equal(a.serviceable, true);
        assert.ok(!serviceable.has(a.addressable_id as string), `account ${a.addressable_id} has two serviceable addresses`);
        serviceable.set(a.addressable_id as string, a);
      }
    }
    for (const account of medium.tables.accounts) {
      assert.equal(primaries.get(account.id as string), 1, `account ${account.id} primary contacts`);
      const address = serviceable.get(account.id as string);
      assert.ok(address, `account ${account.id} has no serviceable address`);
      if (address.latitude !== null) assert.equal(account.geopoint, `${address.latitude},${address.longitude}`);
    }
    assertBetween(mailing / medium.tables.accounts.length, 0.1, 0.3, 'mailing addresses per account');
    assert.ok(
      medium.tables.addresses.filter((a) => a.addressable_type === null && a.serviceable).length > medium.tables.accounts.length,
      'unassigned serviceable addresses',
    );
  });

  test('emails are valid; emails, logins, RADIUS usernames and MACs are unique', () => {
    const unique = (values: unknown[], what: string) => assert.equal(new Set(values).size, values.length, `${what} not unique`);
    const emails = medium.tables.contacts.map((c) => c.email_address).filter((e) => e !== null) as string[];
    for (const e of [...emails, ...medium.tables.users.map((u) => u.email_address as string)]) assert.match(e, EMAIL);
    unique(
      emails.map((e) => e.toLowerCase()),
      'contact emails',
    );
    unique(
      medium.tables.contacts.map((c) => c.username).filter((u) => u !== null),
      'contact usernames',
    );
    unique(
      medium.tables.radius_accounts.map((r) => r.username),
      'RADIUS usernames',
    );
    const macField = new Set(medium.tables.inventory_model_fields.filter((f) => f.type === 'MAC_ADDRESS').map((f) => f.id));
    unique(
      medium.tables.inventory_model_field_data.filter((v) => macField.has(v.inventory_model_field_id)).map((v) => v.value),
      'MACs',
    );
    for (const p of medium.tables.phone_numbers) {
      const n = p.number as string;
      assert.equal(n.length, 10);
      assert.equal(p.number_formatted, `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`);
    }
    for (const r of [...medium.tables.accounts, ...medium.tables.contacts]) {
      assert.equal(r.name, (r.name as string).trim());
      assert.ok((r.name as string).length > 0);
    }
  });

  test('addresses agree with their region; dates are sensible', () => {
    for (const a of medium.tables.addresses) {
      assert.equal((a.subdivision as string).slice(0, 2), a.country);
      if (a.country === 'US') assert.match(a.zip as string, /^\d{5}$/);
      else {
        assert.match(a.zip as string, /^[A-Z]\d[A-Z] \d[A-Z]\d$/);
        assert.equal(a.county, null);
      }
      assert.ok((a.city as string).length <= 32 && ((a.line1 as string) ?? '').length <= 100);
    }
    for (const account of medium.tables.accounts) {
      if (account.activation_date !== null) {
        assert.ok(
          (account.activation_date as string) >= (account.created_at as string).slice(0, 10),
          `account ${account.id} activated before created`,
        );
        assert.ok((account.activation_date as string) < REFERENCE_DAY);
      }
      if (account.next_bill_date !== null)
        assert.ok((account.next_bill_date as string) > REFERENCE_DAY, `account ${account.id} next bill in the past`);
      // Sonar bills an account while its status activates it and it is not archived, and only then.
      const activates = medium.tables.account_statuses[Number(account.account_status_id) - 1].activates_account === true;
      const billed = activates && account.archived_at === null && account.activation_date !== null;
      assert.equal(account.next_bill_date !== null, billed, `account ${account.id}: next bill ${account.next_bill_date}`);
      if (!billed) assert.equal(account.next_recurring_charge_amount, 0, `account ${account.id} is not billed but states a charge`);
      if (account.archived_at !== null) {
        assert.ok(!activates, `archived account ${account.id} is in an activating status`);
        assert.ok(Date.parse(account.archived_at as string) > Date.parse(account.created_at as string));
        assert.ok(Date.parse(account.updated_at as string) >= Date.parse(account.archived_at as string));
      }
    }
    for (const s of medium.tables.account_services) if (s.next_bill_date !== null) assert.ok((s.next_bill_date as string) > REFERENCE_DAY);
    for (const t of medium.tables.tickets) {
      assert.equal(t.closed_at !== null, t.status === 'CLOSED');
      if (t.closed_at) assert.ok(Date.parse(t.closed_at as string) >= Date.parse(t.created_at as string));
    }
  });

  test('invoice totals match their debits; payments and balances add up', () => {
    const debitTotals = new Map<string, number>();
    for (const d of medium.tables.debits)
      if (d.invoice_id !== null)
        debitTotals.set(d.invoice_id as string, (debitTotals.get(d.invoice_id as string) ?? 0) + (d.amount as number));
    for (const inv of medium.tables.invoices) {
      assert.equal(inv.total_debits, debitTotals.get(inv.id as string) ?? 0, `invoice ${inv.id} total_debits`);
      const total = (inv.total_debits as number) + (inv.total_taxes as number);
      assertBetween(inv.remaining_due as number, 0, total, `invoice ${inv.id} remaining_due`);
      assert.ok(inv.due_date! >= inv.date! && inv.end_date! > inv.date!);
      if (inv.delinquent) assert.ok((inv.remaining_due as number) > 0 && (inv.due_date as string) < REFERENCE_DAY);
    }
    for (const p of medium.tables.payments)
      assertBetween(p.amount_remaining as number, 0, p.amount as number, `payment ${p.id} amount_remaining`);
    assert.ok(
      medium.tables.invoices.some((i) => (i.remaining_due as number) > 0) && medium.tables.invoices.some((i) => i.remaining_due === 0),
    );
    assert.ok(new Set(medium.tables.payments.map((p) => p.payment_type)).size >= 5);
  });

  test('IP assignments sit inside their subnet and pool, once each; pools count what is left', () => {
    const subnets = byId(medium.tables.subnets);
    const pools = byId(medium.tables.ip_pools);
    const seen = new Set<string>();
    const used = new Map<string, number>();
    for (const a of medium.tables.ip_assignments) {
      const [ip, bits] = (a.subnet as string).split('/');
      assert.equal(bits, '32');
      assert.ok(!seen.has(ip), `${ip} assigned twice`);
      seen.add(ip);
      const [net, prefix] = (subnets.get(a.subnet_id as string)!.subnet as string).split('/');
      const size = 2 ** (32 - Number(prefix));
      assert.ok(ipNumber(ip) >= ipNumber(net) && ipNumber(ip) < ipNumber(net) + size, `${ip} outside ${net}/${prefix}`);
      if (a.ip_pool_id !== null) {
        const [from, to] = (pools.get(a.ip_pool_id as string)!.ip_range as string).split('-');
        assert.ok(ipNumber(ip) >= ipNumber(from) && ipNumber(ip) <= ipNumber(to));
        assert.equal(a.soft, true);
        used.set(a.ip_pool_id as string, (used.get(a.ip_pool_id as string) ?? 0) + 1);
      }
    }
    for (const pool of medium.tables.ip_pools) assert.equal(pool.ips_available, 241 - (used.get(pool.id as string) ?? 0));
    const owners = new Set(medium.tables.ip_assignments.map((a) => a.ipassignmentable_type));
    for (const type of ['Account', 'RadiusAccount', 'NetworkSite', 'InventoryItem']) assert.ok(owners.has(type), type);
  });

  test('customer equipment sits at the serviceable address of the account whose service it serves', () => {
    const addresses = byId(medium.tables.addresses);
    const accountServices = byId(medium.tables.account_services);
    let cpe = 0;
    for (const item of medium.tables.inventory_items) {
      if (item.inventoryitemable_type !== 'Address') continue;
      cpe++;
      const address = addresses.get(item.inventoryitemable_id as string)!;
      assert.equal(address.serviceable, true);
      assert.equal(accountServices.get(item.account_service_id as string)!.account_id, address.addressable_id);
    }
    assert.ok(cpe > medium.tables.accounts.length / 2);
    assert.ok(medium.tables.inventory_items.some((i) => i.inventoryitemable_type === 'InventoryLocation'));
  });

  test('custom field values fit their field', () => {
    const fields = byId(medium.tables.custom_fields);
    for (const v of medium.tables.custom_field_data) {
      const field = fields.get(v.custom_field_id as string)!;
      assert.equal(v.customfielddataable_type, field.entity_type);
      if (field.enum_options) assert.ok((field.enum_options as string[]).includes(v.value as string));
      if (field.type === 'DATE') assert.match(v.value as string, /^\d{4}-\d{2}-\d{2}$/);
      if (field.type === 'BOOLEAN') assert.ok(v.value === 'true' || v.value === 'false');
    }
  });

  test("billing: services on their account's cycle, a next charge made of them, bill days 29–31 kept and clamped", () => {
    const { accounts, account_services, account_billing_parameters, services } = medium.tables;
    const monthly = new Map<string, number>();
    for (const as of account_services) {
      const service = services[Number(as.service_id) - 1];
      const account = accounts[Number(as.account_id) - 1];
      assert.equal(as.next_bill_date, account.next_bill_date, `account service ${as.id} is on another cycle than its account`);
      if (service.application !== 'DEBIT' || service.type === 'ONETIME') continue;
      const price = (as.price_override as number | null) ?? (service.amount as number);
      monthly.set(String(as.account_id), (monthly.get(String(as.account_id)) ?? 0) + price * (as.quantity as number));
    }
    for (const a of accounts) {
      if (a.next_bill_date === null) continue;
      // Tax comes on top of the services (no regional rate above 13%), never below them.
      const net = monthly.get(String(a.id)) ?? 0;
      const charge = a.next_recurring_charge_amount as number;
      assert.ok(charge >= net && charge <= Math.round(net * 1.13), `account ${a.id}: next charge ${charge}, services ${net}`);
    }
    const late = account_billing_parameters.filter((b) => (b.bill_day as number) >= 29);
    assert.ok(late.length > 0, 'no account bills on the 29th to 31st');
    for (const b of late) {
      const next = accounts[Number(b.account_id) - 1].next_bill_date as string | null;
      if (next === null) continue;
      const [y, m, d] = next.split('-').map(Number);
      const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
      assert.equal(d, Math.min(b.bill_day as number, lastDay), `bill day ${b.bill_day} → next bill ${next}`);
    }
  });

  test('churn: archived accounts are a regular share, some still holding their services, none billed', () => {
    const { accounts, account_services } = medium.tables;
    const archived = accounts.filter((a) => a.archived_at !== null);
    assertBetween(archived.length / accounts.length, 0.06, 0.16, 'archived accounts');
    const withServices = new Set(account_services.map((s) => String(s.account_id)));
    assert.ok(archived.filter((a) => withServices.has(String(a.id))).length >= archived.length / 4, 'archived accounts keep services');
    assert.ok(archived.every((a) => a.next_bill_date === null && a.next_recurring_charge_amount === 0));
  });

  test('a static IP is only ever on an account with an internet service', () => {
    const { accounts, account_services, services, ip_assignments, radius_accounts } = medium.tables;
    const data = new Set(
      account_services.filter((s) => services[Number(s.service_id) - 1].type === 'DATA').map((s) => String(s.account_id)),
    );
    for (const ip of ip_assignments) {
      if (ip.soft) continue;
      const owner =
        ip.ipassignmentable_type === 'Account'
          ? String(ip.ipassignmentable_id)
          : ip.ipassignmentable_type === 'RadiusAccount'
            ? String(radius_accounts.find((r) => r.id === ip.ipassignmentable_id)!.account_id)
            : null;
      if (owner === null) continue;
      assert.ok(data.has(owner), `static ${ip.subnet} on account ${owner}, which has no internet service`);
      assert.equal(accounts[Number(owner) - 1].archived_at, null, `static ${ip.subnet} on archived account ${owner}`);
    }
  });

  test('dirtyRate 0 marks nothing', () => {
    assert.deepEqual(medium.dirty, []);
    assert.equal(summarize(medium).dirtyMarks, 0);
  });
});

describe('summary and file round trip', () => {
  test('summarize counts every table and dirty class', () => {
    const summary = summarize(small);
    assert.equal(summary.tables.accounts, 50);
    assert.equal(
      summary.records,
      Object.values(small.tables).reduce((n, rows) => n + rows.length, 0),
    );
    assert.equal(summary.dirty.invalid_email, 0);
  });

  test('saveDataset → loadDataset gives the same dataset', async () => {
    const dataset = generateIsp({ accounts: 200, seed: 3, dirtyRate: 0.1 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'generator-')), 'isp.json');
    try {
      await saveDataset(dataset, file);
      assert.deepEqual(loadDataset(file), dataset);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  test('timing: 20,000 accounts (printed, not asserted)', () => {
    const started = performance.now();
    const dataset = generateIsp({ accounts: 20_000, seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    console.log(`# generated 20,000 accounts (${summarize(dataset).records.toLocaleString('en-US')} records) in ${seconds.toFixed(1)} s`);
  });
});
