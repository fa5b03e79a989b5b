// Bill days 29–31: Splynx bills on days 1 to 28 (finance_settings.md), so those accounts move to
// the 1st or the 28th by the `bill-day` mapping table, which the analyst owns; none is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import type { Row } from '../lib/entities/index.js';
import { runMigration } from '../lib/load/run.js';
import { splynxFixture } from './splynx-fixture.js';

const fx = splynxFixture('bill-day-');

/** A small clean ISP with accounts billed on the 29th, 30th and 31st (two on the 31st). */
function isp(): Record<string, Row[]> {
  const t = cleanSnapshot(generateIsp({ accounts: 30, seed: 4 }).tables as unknown as Record<string, Row[]>).tables;
  const params = t.account_billing_parameters.filter((b) => Number(b.bill_day) <= 28);
  [29, 30, 31, 31].forEach((day, i) => Object.assign(params[i], { bill_day: day, invoice_day: day }));
  return t;
}

const billingOf = async (accountId: unknown) => {
  const [customer] = await fx.api.get<Array<{ id: string }>>('admin/customers/customer', {
    additional_attributes: { sonar_id: String(accountId) },
  });
  return fx.api.get<{ billing_date: string }>(`admin/customers/customer-billing/${customer.id}`);
};

test('bill days 29–31 are proposed with a reason and their counts, loaded as the table says, and an edit is honoured', async () => {
  const tables = isp();
  const ledger = new Ledger(path.join(fx.dir, 'ledger.sqlite'));
  const mappingsDir = path.join(fx.dir, 'mappings');
  const run = (runId: string) =>
    runMigration(fx.api, ledger, tables, {
      runId,
      runDir: path.join(fx.dir, runId),
      mappingsDir,
      timezone: 'UTC',
      stopOnError: false,
    });

  const first = await run('r1');
  assert.deepEqual(first.errors, [], 'no account is refused for its bill day');
  const file = path.join(mappingsDir, 'bill-day.csv');
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const late = tables.account_billing_parameters.filter((b) => Number(b.bill_day) > 28);
  assert.deepEqual(
    rows.map((r) => [r.sonar_id, r.splynx_value, r.records]),
    [29, 30, 31].map((d) => [String(d), '1', String(late.filter((b) => Number(b.bill_day) === d).length)]),
  );
  assert.ok(rows.every((r) => /Splynx bills on days 1 to 28/.test(r.reason)));
  for (const b of late) assert.equal(String((await billingOf(b.account_id)).billing_date), '1', `account ${b.account_id}`);

  // The analyst moves the 31st to the 28th: those customers' billing is updated, the others untouched.
  fs.writeFileSync(
    file,
    stringify(
      rows.map((r) => (r.sonar_id === '31' ? { ...r, splynx_value: '28' } : r)),
      { header: true },
    ),
  );
  const second = await run('r2');
  assert.deepEqual(second.errors, []);
  assert.equal(second.entities.customer_billing.updated, 2);
  for (const b of late) assert.equal(String((await billingOf(b.account_id)).billing_date), Number(b.bill_day) === 31 ? '28' : '1');

  // A day Splynx cannot take is the analyst's to fix: an error row naming the file, not a default.
  fs.writeFileSync(
    file,
    stringify(
      rows.map((r) => (r.sonar_id === '29' ? { ...r, splynx_value: '29' } : r)),
      { header: true },
    ),
  );
  const third = await run('r3');
  const refused = third.errors.filter((e) => e.entity === 'customer_billing');
  assert.equal(refused.length, 1);
  assert.match(refused[0].message, /bill-day.*"29".*not a Splynx billing day/);
});
