// Dirt on purpose: every class appears, every mark names a real record that really has the
// defect, and the dirty dataset is still valid GraphQL for the sandbox to serve.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import type { DirtyMark, SonarDataset, SonarRecord } from '../lib/sandbox/dataset.js';
import { EDGE_ACTIVATION_DATES } from '../lib/sandbox/generator/dirty.js';
import { DIRTY_CLASSES, generateIsp, summarize, type DirtyClass } from '../lib/sandbox/generator/index.js';
import { danglingReferences } from '../lib/sandbox/generator/references.js';
import { schemaProblems } from '../lib/sandbox/generator/schema-check.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const REFERENCE_DAY = '2025-12-31'; // 2026-01-01T00:00Z in the instance's Chicago timezone

let dirty: SonarDataset;

before(() => {
  dirty = generateIsp({ accounts: 2000, seed: 1, dirtyRate: 0.1 });
});

const recordOf = (d: SonarDataset, mark: DirtyMark): SonarRecord | undefined => d.tables[mark.table]?.[Number(mark.id) - 1];

/** Another record in `table` whose `field` equals `value`, ignoring case. */
function hasTwin(d: SonarDataset, table: string, field: string, record: SonarRecord): boolean {
  const value = String(record[field]).toLowerCase();
  return d.tables[table].some((r) => r !== record && r[field] !== null && String(r[field]).toLowerCase() === value);
}

/** Whether the marked record shows the defect its class describes. */
const DEFECTS: Record<DirtyClass, (d: SonarDataset, r: SonarRecord, m: DirtyMark, orphans: Set<string>) => boolean> = {
  invalid_email: (_d, r) => !EMAIL.test(r.email_address as string),
  duplicate_email: (d, r) => r.primary === true && hasTwin(d, 'contacts', 'email_address', r),
  missing_name: (_d, r) => typeof r.name === 'string' && r.name.trim() === '',
  unicode_name: (_d, r) => /[^\x00-\x7F]/.test(r.name as string),
  long_city: (_d, r) => (r.city as string).length > 32,
  phone_format: (_d, r) => {
    const n = r.number as string;
    return /^\d+$/.test(n) && (n.length !== 10 || r.number_formatted !== `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`);
  },
  orphan_reference: (_d, _r, m, orphans) => orphans.has(`${m.table}/${m.id}/${m.field}`),
  archived_account: (d, r) =>
    r.archived_at !== null &&
    Date.parse(r.archived_at as string) >= Date.parse(r.created_at as string) &&
    r.archived_by_user_id !== null &&
    r.next_bill_date !== null &&
    d.tables.account_statuses[Number(r.account_status_id) - 1].activates_account === true,
  billing_mismatch: (d, r, m) => {
    if (m.table === 'account_services') return r.next_bill_date !== d.tables.accounts[Number(r.account_id) - 1].next_bill_date;
    const [was, now] = m.detail.match(/-?\d+/g)!.map(Number);
    return was !== now && r.next_recurring_charge_amount === now;
  },
  zero_price_service: (d, r) => r.price_override === 0 && (d.tables.services[Number(r.service_id) - 1].amount as number) > 0,
  duplicate_login: (d, r, m) => hasTwin(d, m.table, 'username', r),
  edge_date: (_d, r, m) =>
    m.table === 'accounts' ? EDGE_ACTIVATION_DATES.includes(r.activation_date as string) : (r.next_bill_date as string) < REFERENCE_DAY,
  missing_address: (d, r) =>
    !d.tables.addresses.some((a) => a.addressable_type === 'Account' && a.addressable_id === r.id && a.serviceable),
  whitespace_padding: (_d, r, m) => {
    const v = r[m.field!] as string;
    return v !== v.trim() && v.trim() !== '';
  },
  long_address: (_d, r) => (r.line1 as string).length > 100,
  radius_pairing: (d, r, m) => {
    const radius = d.tables.radius_accounts.filter((x) => x.account_id === r.account_id);
    if (/second RADIUS account/.test(m.detail)) return radius.length === 2;
    const moved = d.tables.radius_accounts.find((x) => m.detail.includes(`radius_accounts/${x.id} `))!;
    return (
      radius.length === 0 &&
      !d.tables.account_services.some(
        (as) => as.account_id === moved.account_id && d.tables.services[Number(as.service_id) - 1]?.type === 'DATA',
      )
    );
  },
};

describe('dirty data at rate 0.1, 2,000 accounts', () => {
  test('every class is present and counted in the summary', () => {
    const summary = summarize(dirty);
    for (const cls of DIRTY_CLASSES) assert.ok(summary.dirty[cls] > 0, `no ${cls}`);
    assert.equal(summary.dirtyMarks, dirty.dirty.length);
    assert.deepEqual(Object.keys(DEFECTS).sort(), [...DIRTY_CLASSES].sort());
  });

  test('each mark points at an existing record that has the described defect', () => {
    const orphans = new Set(danglingReferences(dirty).map((x) => `${x.table}/${x.id}/${x.field}`));
    for (const mark of dirty.dirty) {
      const record = recordOf(dirty, mark);
      assert.ok(record && record.id === mark.id, `${mark.class}: ${mark.table}/${mark.id} does not exist`);
      assert.ok(mark.detail.length > 0);
      if (mark.field) assert.ok(mark.field in record, `${mark.class}: ${mark.table} has no field ${mark.field}`);
      assert.ok(
        DEFECTS[mark.class as DirtyClass](dirty, record, mark, orphans),
        `${mark.class} not visible on ${mark.table}/${mark.id}: ${mark.detail}`,
      );
    }
  });

  test('no field of a record is spoiled twice', () => {
    const keys = dirty.dirty.map((m) => `${m.table}/${m.id}/${m.field ?? m.class}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  test('the only unresolved references are the marked orphans', () => {
    const dangling = danglingReferences(dirty)
      .map((x) => `${x.table}/${x.id}/${x.field}`)
      .sort();
    const marked = dirty.dirty
      .filter((m) => m.class === 'orphan_reference')
      .map((m) => `${m.table}/${m.id}/${m.field}`)
      .sort();
    assert.deepEqual(dangling, marked);
    assert.deepEqual([...new Set(marked.map((k) => k.split('/')[0]))].sort(), ['account_services', 'contacts', 'notes']);
  });

  test('dirty records are still valid for their GraphQL types', () => {
    assert.deepEqual(schemaProblems(dirty), []);
  });

  test('the rate scales the dirt', () => {
    const light = generateIsp({ accounts: 2000, seed: 1, dirtyRate: 0.02 });
    assert.ok(light.dirty.length < dirty.dirty.length / 3, `${light.dirty.length} vs ${dirty.dirty.length}`);
    for (const cls of DIRTY_CLASSES) assert.ok(summarize(light).dirty[cls] > 0, `no ${cls} at rate 0.02`);
  });
});
