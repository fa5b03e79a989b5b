// Billing continuity, the morning after cutover, over real HTTP: a generated ISP (two accounts moved
// to Sonar bill days 30 and 31) is snapshotted, cleaned and loaded into the Splynx sandbox with a
// handover date; then Splynx's own charge preview shows what its first billing run would charge.
// Expected figures are worked out here from Sonar's data and the references' rules (periods from
// the billing day, proration by days to the cent), not from the loader's output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { runScript } from './run-script.js';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { loadSettings, type Settings } from '../lib/config.js';
import { extract } from '../lib/sonar/extract.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { loadRecords, writeCleaned } from '../lib/frames/load.js';
import { dataPath } from '../lib/paths.js';
import { openSession, loadPhases, type Session } from '../lib/load/session.js';
import { runMigration, type RunReport } from '../lib/load/run.js';
import { PHASES, MAPPING_SPECS, type Row } from '../lib/entities/index.js';
import { MappingTable, UnmappedError } from '../lib/mappings/table.js';
import { transformContext } from '../lib/load/context.js';
import { resolveHandover } from '../lib/billing/handover.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { checkFirstBill } from '../lib/verify/first-bill.js';
import type { VerifyResult } from '../lib/verify/index.js';

type Rec = Record<string, any>;
const HANDOVER = '2026-01-01';
const KIND = { DATA: 'internet', RECURRING: 'recurring', VOICE: 'voice' } as const;
const RESULT_KEY = { internet: 'internet', recurring: 'custom', voice: 'voice' } as const;

let sb: Sandboxes;
let dataDir: string;
let settings: Settings;
let api: SplynxApi;
let session: Session;
let report: RunReport;
let tables: Record<string, Row[]>;
/** The two accounts whose Sonar bill day is the 31st (Splynx: the 1st) and the 30th (Splynx: the 28th, by the analyst). */
let on31: Rec;
let on30: Rec;

const env = () => ({ ...sb.settings, DATA_DIR: dataDir, RETRY_BASE_MS: '5', HANDOVER_DATE: HANDOVER });
const migrate = (...args: string[]) => runScript('migrate.ts', args, env());
const statusOf = (a: Rec) => tables.account_statuses.find((s) => String(s.id) === String(a.account_status_id))!;
const paramsOf = (a: Rec) => tables.account_billing_parameters.find((b) => String(b.account_id) === String(a.id))!;
const servicesOf = (a: Rec) =>
  tables.account_services.filter((s) => String(s.account_id) === String(a.id) && kindOf(s) !== undefined) as Rec[];
const serviceOf = (as: Rec) => tables.services.find((s) => String(s.id) === String(as.service_id))!;
const kindOf = (as: Rec) => KIND[serviceOf(as)?.type as keyof typeof KIND];
const sonarPrice = (as: Rec) => Number(as.price_override ?? serviceOf(as).amount);
const billed = (a: Rec) => !a.archived_at && statusOf(a).activates_account === true;
const ledgerId = (entity: string, id: unknown) => session.ledger.splynxId(entity, String(id))!;

async function preview(customer: string, date: string) {
  const r = await api.ask<{ result: Record<string, Record<string, { debit: Rec[] }>> }>(`admin/finance/to-bill/${customer}--preview`, {
    toBillDate: date,
    transactionDate: date,
    period: 1,
  });
  return r.result;
}
const lines = (res: Record<string, Record<string, { debit: Rec[] }>>, as: Rec) =>
  (res[RESULT_KEY[kindOf(as)!]][ledgerId(`${kindOf(as)}_services`, as.id)]?.debit ?? []).map((d) => [
    d.from,
    d.to,
    Math.round(d.total * 100),
  ]);
const coverage = () =>
  api.get<Rec[]>('admin/finance/transactions', { additional_attributes: { sonar_id: ['!=', ''] } }).then((rows) => rows.filter(Boolean));

before(async () => {
  const dataset = generateIsp({ accounts: 90, seed: 23, dirtyRate: 0 });
  const t = dataset.tables as unknown as Record<string, Rec[]>;
  // Two billed accounts on a bill day no Splynx month has: Sonar next bills them on 31 and 30 January.
  const candidates = t.accounts.filter((a) => {
    const status = t.account_statuses.find((s) => s.id === a.account_status_id)!;
    const params = t.account_billing_parameters.find((b) => b.account_id === a.id);
    return !a.archived_at && status.activates_account && params && params.bill_day === 1 && a.next_bill_date === '2026-01-01';
  });
  const withServices = candidates.filter((a) => t.account_services.some((s) => s.account_id === a.id));
  [on31, on30] = withServices;
  for (const [a, day] of [
    [on31, 31],
    [on30, 30],
  ] as const) {
    Object.assign(
      t.account_billing_parameters.find((b) => b.account_id === a.id)!,
      {
        bill_day: day,
        invoice_day: day,
        bill_day_mode: 'ANNIVERSARY_BILL_DAY',
      },
    );
    a.next_bill_date = `2026-01-${day}`;
    for (const s of t.account_services.filter((x) => x.account_id === a.id)) s.next_bill_date = `2026-01-${day}`;
  }
  sb = await startSandboxes({ dataset });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-continuity-'));
  settings = loadSettings({ envFile: path.join(dataDir, 'no.env'), overrides: env() });
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
  const { dir, manifest } = await extract(settings, {});
  const cleaned = cleanSnapshot(await loadRecords(dir));
  await writeCleaned(dataPath(dataDir, 'clean', manifest.id), cleaned.tables, { sourceSnapshot: manifest.id });
  // The analyst's decision, before the load: the 30th moves to the 28th (the 31st keeps the proposed 1st).
  const mappings = dataPath(dataDir, 'mappings');
  fs.mkdirSync(mappings, { recursive: true });
  fs.writeFileSync(
    path.join(mappings, 'bill-day.csv'),
    stringify(
      [
        { sonar_id: '30', sonar_value: 'bill day 30', splynx_value: '28', reason: 'the analyst: the 28th', records: '1' },
        { sonar_id: '31', sonar_value: 'bill day 31', splynx_value: '1', reason: 'proposed: the 1st', records: '1' },
      ],
      { header: true },
    ),
  );
  session = await openSession(settings);
  tables = session.tables;
  report = await loadPhases(session, { phases: PHASES.join(','), stopOnError: false, runId: 'load-1' });
});
after(async () => {
  session?.ledger.close();
  await sb?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a clean ISP loads with no error row; the handover is the setting, and the report says so', () => {
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.handover, { date: HANDOVER, source: 'the HANDOVER_DATE setting' });
  const selected = tables.account_services.filter(
    (as) => kindOf(as) && !(billed(accountOf(as)) && String(as.next_bill_date) <= startOf(as)),
  );
  assert.equal(report.entities.billing_coverage.created, selected.length, 'one coverage transaction per migrated service');
  // Without the setting, the handover is the day the snapshot was taken.
  const snapshot = fs.readdirSync(dataPath(dataDir, 'snapshots'))[0];
  const started = JSON.parse(fs.readFileSync(dataPath(dataDir, 'snapshots', snapshot, 'manifest.json'), 'utf8')).started_at as string;
  assert.deepEqual(resolveHandover({ ...settings, HANDOVER_DATE: undefined, TIMEZONE: 'UTC' }, snapshot), {
    date: started.slice(0, 10),
    source: `the day snapshot ${snapshot} was taken (UTC)`,
  });
});

const same = (a: Rec, b: Rec) => String(a.id) === String(b.id);
const accountOf = (as: Rec) => tables.accounts.find((a) => String(a.id) === String(as.account_id))!;
const startOf = (as: Rec) => String(as.addition_prorate_date ?? accountOf(as).activation_date);

test('the account-status table proposes each status’s services decision with a reason; an older table gets the column', () => {
  const rows = parse(fs.readFileSync(dataPath(dataDir, 'mappings', 'account-status.csv'), 'utf8'), { columns: true }) as Rec[];
  const decision = Object.fromEntries(rows.map((r) => [r.sonar_value, r.services]));
  assert.deepEqual(decision, {
    Active: 'billed',
    'Active - Autopay': 'billed',
    'Active - VIP': 'billed',
    'Active - Seasonal': 'billed',
    'Pending Install': 'paused',
    Lead: 'paused',
    Prospect: 'paused',
    Suspended: 'paused',
    Delinquent: 'paused',
    Collections: 'paused',
    'Disconnected - Non-Pay': 'ended',
    Inactive: 'ended',
    Cancelled: 'ended',
  });
  for (const r of rows) {
    const status = tables.account_statuses.find((s) => String(s.id) === r.sonar_id)!;
    assert.ok(r.services_reason.length > 20, `${r.sonar_value}: a reason`);
    assert.equal(
      r.services === 'billed',
      status.activates_account === true,
      `${r.sonar_value}: billed exactly when Sonar's flag activates it`,
    );
  }
  assert.match(rows.find((r) => r.sonar_value === 'Active - Seasonal')!.services_reason, /Sonar bills it while it activates/);
  assert.match(rows.find((r) => r.sonar_value === 'Cancelled')!.services_reason, /disabled service without one is still billed/);
  // billing-cycle and bill-day-mode are proposed, with what the generated ISP uses.
  const cycle = parse(fs.readFileSync(dataPath(dataDir, 'mappings', 'billing-cycle.csv'), 'utf8'), { columns: true }) as Rec[];
  assert.deepEqual(
    cycle.map((r) => [r.sonar_id, r.splynx_value, r.records]),
    [['1', 'monthly', String(tables.account_billing_parameters.length)]],
  );
  const modes = parse(fs.readFileSync(dataPath(dataDir, 'mappings', 'bill-day-mode.csv'), 'utf8'), { columns: true }) as Rec[];
  assert.deepEqual(
    modes.map((r) => [r.sonar_id, r.splynx_value]),
    [
      ['FIXED', 'bill-day'],
      ['ANNIVERSARY_BILL_DAY', 'bill-day'],
      ['ANNIVERSARY_INVOICE_DAY', 'invoice-day'],
    ],
  );

  // A table written before the column existed: the column is proposed, the analyst's own edit stays.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'old-status-table-'));
  try {
    const file = path.join(dir, 'account-status.csv');
    fs.writeFileSync(
      file,
      stringify(
        rows.map(({ sonar_id, sonar_value, splynx_value, reason, records }) => ({
          sonar_id,
          sonar_value,
          splynx_value: sonar_value === 'Suspended' ? 'disabled' : splynx_value,
          reason,
          records,
        })),
        { header: true, columns: ['sonar_id', 'sonar_value', 'splynx_value', 'reason', 'records'] },
      ),
    );
    const ctx = transformContext({ tables, ledger: session.ledger, timezone: 'UTC', mappingsDir: dir, mappingSpecs: MAPPING_SPECS });
    const table = ctx.mapping('account-status');
    assert.throws(() => table.lookupColumn('1', 'services'), UnmappedError, 'no column yet: no silent default');
    table.propose(rows.map((r) => ({ ...r, services: r.services, services_reason: r.services_reason }) as never));
    const upgraded = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Rec[];
    assert.equal(upgraded.find((r) => r.sonar_value === 'Suspended')!.splynx_value, 'disabled', "the analyst's edit stays");
    assert.ok(upgraded.every((r) => r.services && /^column added to the existing table: /.test(r.services_reason)));
    // The analyst blanks one: that status has no decision, and the table says which file to fix.
    fs.writeFileSync(
      file,
      stringify(
        upgraded.map((r) => (r.sonar_id === '1' ? { ...r, services: '' } : r)),
        { header: true },
      ),
    );
    const edited = new MappingTable(MAPPING_SPECS['account-status'], file);
    assert.throws(() => edited.lookupColumn('1', 'services'), /no service-side billing decision.*account-status\.csv/);
    assert.ok(edited.problems().some((p) => p.row.sonar_id === '1' && /services/.test(p.message)));
    edited.propose(rows as never);
    assert.equal(
      new MappingTable(MAPPING_SPECS['account-status'], file).all().find((r) => r.sonar_id === '1')!.services,
      '',
      'never refilled',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('archived accounts and statuses Sonar does not bill: their services end or stop, and Splynx charges them nothing', async () => {
  const quiet = tables.accounts.filter((a) => !billed(a) && servicesOf(a).length);
  const archived = quiet.filter((a) => a.archived_at);
  const paused = quiet.filter(
    (a) => !a.archived_at && ['Suspended', 'Delinquent', 'Collections', 'Pending Install'].includes(String(statusOf(a).name)),
  );
  assert.ok(
    archived.length && paused.length,
    `the ISP has archived (${archived.length}) and paused (${paused.length}) accounts with services`,
  );
  for (const a of quiet) {
    const customer = ledgerId('customers', a.id);
    for (const as of servicesOf(a)) {
      const kind = kindOf(as)!;
      const s = await api.get<Rec>(`admin/customers/customer/${customer}/${kind}-services--${ledgerId(`${kind}_services`, as.id)}`);
      if (paused.includes(a)) assert.deepEqual([s.status, s.end_date], ['stopped', '0000-00-00'], `account ${a.id} (${statusOf(a).name})`);
      else assert.deepEqual([s.status, s.end_date], ['disabled', '2025-12-31'], `account ${a.id}: ended the day before the handover`);
    }
    // Splynx's billing runs on the first billing day after the handover, and three months on.
    for (const day of ['2026-01-01', '2026-02-01', '2026-04-01', '2026-01-28']) {
      const res = await preview(customer, day);
      assert.deepEqual(res, { internet: {}, custom: {}, voice: {} }, `account ${a.id} (${statusOf(a).name}) charged on ${day}`);
    }
  }
  // Without the end date, a disabled service is billed (customer_services.md point 6): the end date is what stops it.
  const a = archived[0];
  const as = servicesOf(a)[0];
  const kind = kindOf(as)!;
  const customer = ledgerId('customers', a.id);
  const item = `admin/customers/customer/${customer}/${kind}-services--${ledgerId(`${kind}_services`, as.id)}`;
  await api.update(item, { end_date: '0000-00-00' });
  try {
    assert.ok(lines(await preview(customer, '2026-03-01'), as).length, 'a disabled service without an end date would be charged');
  } finally {
    await api.update(item, { end_date: '2025-12-31' });
  }
});

test("billed services: Splynx's first charge starts exactly at Sonar's next bill date, at Sonar's price; prorated where the bill day moved", async () => {
  const all = tables.accounts.filter((a) => billed(a) && servicesOf(a).length);
  assert.ok(all.length > 20);
  for (const a of all) {
    const customer = ledgerId('customers', a.id);
    for (const as of servicesOf(a)) {
      const next = String(as.next_bill_date ?? a.next_bill_date);
      const res = await preview(customer, next);
      const cents = sonarPrice(as) * Number(as.quantity);
      const want = same(a, on31)
        ? // Splynx bills on the 1st: the period 1–31 January, of which Sonar billed up to the 30th.
          [['2026-01-31', '2026-01-31', Math.round((sonarPrice(as) * 1) / 31) * Number(as.quantity)]]
        : same(a, on30)
          ? // Splynx bills on the 28th: 28 January – 27 February (31 days), from the 30th: 29 of them.
            [['2026-01-30', '2026-02-27', Math.round((sonarPrice(as) * 29) / 31) * Number(as.quantity)]]
          : [[next, lastDayBefore(next), cents]];
      assert.deepEqual(lines(res, as), want, `account ${a.id} service ${as.id}`);
      // A run the day before (prepaying its period) charges no day before Sonar's next bill date either.
      const early = lines(await preview(customer, shift(next, -1)), as);
      assert.ok(
        early.every(([from]) => from >= next),
        `account ${a.id} service ${as.id}: ${JSON.stringify(early)} charges before ${next}`,
      );
    }
  }
});

/** The day before the same day of the next month (a whole period starting on `date`, bill days 1–28). */
function lastDayBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m, d - 1)).toISOString().slice(0, 10);
}
const shift = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test('the first-bill check: a clean migration matches, proration and tax named; verify exits 0 and says so', async () => {
  const ctx = transformContext({
    tables,
    ledger: session.ledger,
    timezone: 'UTC',
    handoverDate: HANDOVER,
    mappingsDir: dataPath(dataDir, 'mappings'),
    mappingSpecs: MAPPING_SPECS,
  });
  const c = await checkFirstBill({ api, tables, ctx });
  assert.deepEqual(c.differences, []);
  assert.equal(c.customers, tables.accounts.length);
  assert.equal(c.billed, tables.accounts.filter(billed).length);
  assert.equal(c.periods_matching, c.billed);
  assert.equal(c.amounts_matching, c.billed);
  assert.equal(c.not_billed_charged_nothing, c.not_billed);
  assert.equal(c.totals_equal + c.explained_customers, c.billed);
  const row = (a: Rec) => c.rows.find((r) => r.account_id === String(a.id))!;
  for (const a of [on31, on30]) {
    assert.equal(row(a).verdict, 'explained');
    assert.match(row(a).explained, /^proration -\d+\.\d\d \(Splynx's first period runs from 2026-01-3[01]/);
  }
  assert.match(row(on30).explained, /billing period on day 28; Sonar bills on day 30/);
  // Accounts with a taxed service: Sonar's next charge includes tax, Splynx's tariffs carry none.
  const taxed = c.rows.filter((r) => /tax \d/.test(r.explained));
  assert.ok(taxed.length > 0 && taxed.length === c.explained.tax, JSON.stringify(c.explained));
  for (const r of taxed) {
    const a = tables.accounts.find((x) => String(x.id) === r.account_id)!;
    const net = servicesOf(a).reduce((s, as) => s + sonarPrice(as) * Number(as.quantity), 0);
    assert.equal(r.explained.match(/tax (\d+\.\d\d)/)![1], ((Number(a.next_recurring_charge_amount) - net) / 100).toFixed(2));
  }

  const cli = await migrate('verify');
  assert.equal(cli.code, 0, cli.stdout.slice(-3000) + cli.stderr.slice(-2000));
  assert.match(cli.stdout, /First bill \(handover 2026-01-01\): \d+ customers checked/);
  assert.match(cli.stdout, /First bill: no unexplained difference\./);
  const folder = cli.stdout.trim().split('\n').pop()!;
  const v = JSON.parse(fs.readFileSync(path.join(folder, 'verify.json'), 'utf8')) as VerifyResult;
  assert.ok(v.first_bill && !('skipped' in v.first_bill));
  assert.equal((v.first_bill as Rec).handover, HANDOVER);
  assert.equal((v.first_bill as Rec).source, 'the HANDOVER_DATE setting');
  assert.ok(v.verdicts.some((x) => x.entity === 'first bill (per customer)' && x.verdict === 'ok'));
  // The executed notebook shows the table.
  const nb = fs.readFileSync(path.join(folder, '08-verify.ipynb'), 'utf8');
  assert.match(nb, /First bill: Splynx against Sonar/);
});

test('a re-run adds nothing; a moved next bill date updates the same coverage transaction, never a second', async () => {
  const before = await coverage();
  const again = await loadPhases(session, { phases: PHASES.join(','), stopOnError: false, runId: 'load-2' });
  assert.deepEqual(again.errors, []);
  assert.deepEqual(
    [again.entities.billing_coverage.created, again.entities.billing_coverage.updated, again.entities.billing_coverage.adopted],
    [0, 0, 0],
  );
  assert.equal((await coverage()).length, before.length);

  // Sonar bills one account a month later than the snapshot said (as a delta would bring it).
  const a = tables.accounts.find(
    (x) => billed(x) && !same(x, on31) && !same(x, on30) && servicesOf(x).length && x.next_bill_date === '2026-01-01',
  )!;
  a.next_bill_date = '2026-02-01';
  for (const as of servicesOf(a)) as.next_bill_date = '2026-02-01';
  const ledger = session.ledger;
  const run = await runMigration(session.api, ledger, tables, {
    runId: 'moved',
    runDir: dataPath(dataDir, 'runs', 'moved'),
    mappingsDir: dataPath(dataDir, 'mappings'),
    timezone: 'UTC',
    handoverDate: HANDOVER,
    stopOnError: false,
  });
  assert.deepEqual(run.errors, []);
  assert.deepEqual([run.entities.billing_coverage.created, run.entities.billing_coverage.updated], [0, servicesOf(a).length]);
  const after = await coverage();
  assert.equal(after.length, before.length, 'no second transaction');
  for (const as of servicesOf(a)) {
    const tx = after.filter((t) => t.additional_attributes.sonar_id === String(as.id));
    assert.equal(tx.length, 1);
    assert.equal(tx[0].id, before.find((t) => t.additional_attributes.sonar_id === String(as.id))!.id, 'the same transaction, updated');
    assert.equal(tx[0].period_to, '2026-01-31');
    const customer = ledgerId('customers', a.id);
    assert.deepEqual(lines(await preview(customer, '2026-01-01'), as), [], 'January is Sonar’s now');
    assert.equal(lines(await preview(customer, '2026-02-01'), as)[0][0], '2026-02-01');
  }

  // And back, as the snapshot has it: the same transactions again.
  a.next_bill_date = '2026-01-01';
  for (const as of servicesOf(a)) as.next_bill_date = '2026-01-01';
  const back = await runMigration(session.api, ledger, tables, {
    runId: 'moved-back',
    runDir: dataPath(dataDir, 'runs', 'moved-back'),
    mappingsDir: dataPath(dataDir, 'mappings'),
    timezone: 'UTC',
    handoverDate: HANDOVER,
    stopOnError: false,
  });
  assert.deepEqual([back.entities.billing_coverage.created, back.entities.billing_coverage.updated], [0, servicesOf(a).length]);
  assert.deepEqual((await coverage()).map((t) => [t.id, t.period_to]).sort(), before.map((t) => [t.id, t.period_to]).sort());
});

test('a start date or a price changed in Splynx behind its back is caught by the first bill: verify exits 1 and names it', async () => {
  const a = tables.accounts.find(
    (x) => billed(x) && !same(x, on31) && !same(x, on30) && servicesOf(x).some((s) => kindOf(s) === 'internet'),
  )!;
  const as = servicesOf(a).find((s) => kindOf(s) === 'internet')!;
  const customer = ledgerId('customers', a.id);
  const sid = ledgerId('internet_services', as.id);
  const item = `admin/customers/customer/${customer}/internet-services--${sid}`;
  const original = await api.get<Rec>(item);
  const named = (v: VerifyResult) =>
    v.differences.filter((d) => d.check === 'first-bill').map((d) => `${d.sonar_id} ${d.splynx_id} ${d.field}`);
  const verify = async () => {
    const cli = await migrate('verify');
    assert.equal(cli.code, 1, cli.stdout.slice(-2000));
    assert.match(cli.stdout, /First bill: 1 customer with unexplained differences/, cli.stdout.slice(-1500));
    return JSON.parse(fs.readFileSync(path.join(cli.stdout.trim().split('\n').pop()!, 'verify.json'), 'utf8')) as VerifyResult;
  };

  // Two years earlier than Sonar started it: days before the coverage, never billed by Sonar as such.
  await api.update(item, { start_date: shift(String(original.start_date), -730) });
  try {
    const v = await verify();
    assert.deepEqual(named(v), [
      `${a.id} ${customer} internet_services ${as.id} period`,
      `${a.id} ${customer} internet_services ${as.id} amount`,
      `${a.id} ${customer} next_recurring_charge_amount`,
    ]);
    const period = v.differences.find((d) => d.field.endsWith('period'))!;
    assert.match(period.found, new RegExp(`charged again from ${shift(String(original.start_date), -730)}`));
  } finally {
    await api.update(item, { start_date: original.start_date });
  }

  await api.update(item, { unit_price: (Number(original.unit_price) + 1).toFixed(2) });
  try {
    const v = await verify();
    assert.deepEqual(named(v), [
      `${a.id} ${customer} internet_services ${as.id} amount`,
      `${a.id} ${customer} next_recurring_charge_amount`,
    ]);
    const amount = v.differences.find((d) => d.field.endsWith('amount'))!;
    assert.equal(amount.found, (Number(original.unit_price) * Number(as.quantity) + Number(as.quantity)).toFixed(2));
  } finally {
    await api.update(item, { unit_price: original.unit_price });
  }
});

test('rollback deletes the coverage transactions, and then the customers and services they name', async () => {
  assert.ok((await coverage()).length > 0);
  const r = await migrate('rollback');
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr.slice(-2000));
  assert.deepEqual(await coverage(), []);
  assert.deepEqual(await api.get('admin/customers/customer', { additional_attributes: { sonar_id: ['!=', ''] } }), []);
});
