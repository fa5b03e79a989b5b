// The charts, drawn for real by vega-lite and Vega in this process, from small datasets whose
// every bar is known; and report.html from a run folder made by hand, for what it must hide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  accountStatusChart,
  chart,
  errorChart,
  entityPhases,
  loadProgress,
  progressChart,
  qualityChart,
  reconciliationChart,
  renderSvg,
  RUN_DIR_ENV,
  type Chart,
} from '../lib/frames/charts/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { MAX_ROWS, writeRunReport } from '../lib/report/index.js';
import type { RunReport } from '../lib/load/run.js';
import type { VerifyResult } from '../lib/verify/report.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'charts-'));

/** The labels of the bars an SVG drew ("customers: 2 validation"), from Vega's own aria labels. */
const bars = (svg: string) =>
  [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar"/g)].map((m) => m[1]);
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

async function drawn(c: Chart) {
  const r = await renderSvg(c.spec, c.name);
  assert.deepEqual(r.warnings, [], `${c.name}: vega-lite took the spec without a warning`);
  assert.match(r.svg, /^<svg /);
  assert.equal((c.spec.usermeta as { chart: string }).chart, c.name, 'the spec names its chart');
  return r.svg;
}

const accounts = [
  { id: '1', name: 'Ann', account_status_id: '1', account_type_id: '1', archived_at: null },
  { id: '2', name: 'Bob', account_status_id: '1', account_type_id: '1', archived_at: null },
  { id: '3', name: 'Cy', account_status_id: '1', account_type_id: '2', archived_at: null },
  { id: '4', name: '  ', account_status_id: '2', account_type_id: '1', archived_at: null },
  { id: '5', name: 'Eve', account_status_id: '3', account_type_id: '1', archived_at: '2024-01-01T00:00:00Z' },
];
const source = {
  accounts,
  account_statuses: [
    { id: '1', name: 'Active' },
    { id: '2', name: 'Collections' },
    { id: '3', name: 'Cancelled' },
  ],
  account_types: [
    { id: '1', name: 'Residential', type: 'RESIDENTIAL' },
    { id: '2', name: 'Business', type: 'COMMERCIAL' },
  ],
  contacts: [
    { id: '10', name: 'Ann', email_address: 'ann@example', contactable_type: 'Account', contactable_id: '1', username: 'ann' },
    { id: '11', name: 'Zed', email_address: 'zed@example.com', contactable_type: 'Account', contactable_id: '99', username: 'zed' },
  ],
  addresses: [{ id: '20', addressable_type: 'Account', addressable_id: '1', line1: '1 Main St', city: 'C'.repeat(40), zip: '01234' }],
};

test('account statuses and types: one bar per value, in three panels, with the counts', async () => {
  const svg = await drawn(accountStatusChart(source));
  assert.deepEqual(
    bars(svg).sort(),
    [
      'accounts: 1; value: Cancelled',
      'accounts: 1; value: Collections',
      'accounts: 1; value: Business',
      'accounts: 1; value: true',
      'accounts: 3; value: Active',
      'accounts: 4; value: Residential',
      'accounts: 4; value: false',
    ].sort(),
  );
  for (const label of ['status', 'type', 'archived', 'Accounts by status and type']) assert.ok(texts(svg).includes(label), label);
});

test('data quality: missing, invalid, overlong and orphaned values per table', async () => {
  const c = qualityChart(source);
  assert.deepEqual(c.rows, [
    { table: 'accounts', problem: 'missing', values: 1 },
    { table: 'addresses', problem: 'overlong', values: 1 },
    { table: 'contacts', problem: 'invalid', values: 1 },
    { table: 'contacts', problem: 'orphan', values: 1 },
  ]);
  const svg = await drawn(c);
  assert.deepEqual(bars(svg).sort(), ['accounts: 1 missing', 'addresses: 1 overlong', 'contacts: 1 invalid', 'contacts: 1 orphan']);
  // The legend lists only the kinds drawn, and contacts (two problems) comes first.
  const labels = texts(svg);
  for (const kind of ['missing', 'invalid', 'overlong', 'orphan']) assert.ok(labels.includes(kind), kind);
  assert.ok(labels.indexOf('contacts') < labels.indexOf('accounts'), 'the longest bar first');
});

test('errors per entity and category: a bar per pair, the total at its end; none is a sentence', async () => {
  const errors = [
    { entity: 'customers', category: 'validation' },
    { entity: 'customers', category: 'validation' },
    { entity: 'customers', category: 'data' },
    { entity: 'tickets', category: 'api' },
  ];
  const c = errorChart({ run_id: 'r1', phases: ['customers', 'support'], errors });
  assert.equal(c.name, 'errors-customers-support');
  assert.equal(c.runId, 'r1');
  const svg = await drawn(c);
  assert.deepEqual(bars(svg), ['customers: 2 validation', 'customers: 1 data', 'tickets: 1 api']);
  const labels = texts(svg);
  assert.ok(labels.includes('3') && labels.includes('1'), 'totals at the bars: 3 for customers, 1 for tickets');
  assert.ok(labels.some((t) => t.startsWith('Error rows per entity and category (4 failed')));
  assert.equal(errorChart({ errors }).name, 'errors', 'a run of every phase');

  const none = errorChart({ run_id: 'r2', dry_run: true, errors: [] });
  const empty = await drawn(none);
  assert.equal(bars(empty).length, 0);
  assert.ok(texts(empty).includes('No error rows: every record would load'));
});

test('load progress: outcomes per phase over time, from a real ledger', async () => {
  const dir = tmp();
  const ledger = new Ledger(path.join(dir, 'ledger.sqlite'));
  ledger.startRun('run-a', {});
  for (let i = 1; i <= 3; i++) {
    ledger.markPending('partners', String(i), 'h', null);
    ledger.markDone('partners', String(i), 'created', String(100 + i));
  }
  for (let i = 1; i <= 5; i++) {
    ledger.markPending('customers', String(i), 'h', null);
    if (i === 5) ledger.markFailed('customers', String(i), 'validation: no name');
    else ledger.markDone('customers', String(i), 'created', String(200 + i));
  }
  ledger.finishRun({});
  ledger.startRun('run-b', {});
  ledger.markPending('partners', '9', 'h', null);
  ledger.markDone('partners', '9', 'created', '109');
  ledger.close();

  const rows = loadProgress(path.join(dir, 'ledger.sqlite'), 'run-a', await entityPhases());
  const last = (phase: string) => rows.filter((r) => r.phase === phase).at(-1)!;
  assert.deepEqual([last('foundation').records, last('foundation').failed], [3, 0], 'pending marks are not outcomes; run-b not counted');
  assert.deepEqual([last('customers').records, last('customers').failed], [5, 1]);
  assert.ok(
    rows.every((r, i) => i === 0 || r.phase !== rows[i - 1].phase || r.seconds >= rows[i - 1].seconds),
    'time goes forward',
  );

  const svg = await drawn(await progressChart(path.join(dir, 'ledger.sqlite'), 'run-a'));
  assert.equal((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 2, 'a line per phase');
  for (const label of ['foundation', 'customers']) assert.ok(texts(svg).includes(label), label);
  assert.ok(!texts(svg).includes('network'), 'phases without outcomes are not in the legend');
  const none = await drawn(await progressChart(path.join(dir, 'ledger.sqlite'), 'run-c'));
  assert.ok(texts(none).some((t) => t.startsWith('No outcomes in the ledger for run run-c')));
});

test('reconciliation: the selected records split by what verify found, and the money per customer', async () => {
  const c = reconciliationChart({
    rows: [
      { entity: 'customers', selected: 10, done: 8, failed: 1, pending: 0 },
      { entity: 'internet_services', selected: 4, done: 3, failed: 0, pending: 1 },
      { entity: 'money (per customer)', selected: '—', done: '—', failed: '—', pending: '—' },
    ],
    differences: [
      { check: 'field', entity: 'customers', sonar_id: '3' },
      { check: 'field', entity: 'customers', sonar_id: '3' },
      { check: 'ledger', entity: 'customers', sonar_id: '9' },
      { check: 'money', entity: 'money', sonar_id: '3' },
    ],
    money: { customers: 8 },
    runId: 'v1',
  });
  const svg = await drawn(c);
  assert.deepEqual(
    bars(svg).sort(),
    [
      'customers: 7 reconciled',
      'customers: 1 differs',
      'customers: 1 failed',
      'customers: 1 not loaded',
      'money (per customer): 7 reconciled',
      'money (per customer): 1 differs',
      'internet_services: 3 reconciled',
      'internet_services: 1 pending',
    ].sort(),
  );
});

test('chart() outside a notebook prints its numbers and writes its SVG into the run folder', async () => {
  const runDir = tmp();
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (printed.push(String(s)), true)) as typeof process.stdout.write;
  try {
    await chart(errorChart({ errors: [{ entity: 'customers', category: 'data' }] }), { runDir });
    process.env[RUN_DIR_ENV] = runDir;
    await chart(accountStatusChart(source));
  } finally {
    process.stdout.write = write;
    delete process.env[RUN_DIR_ENV];
  }
  assert.match(printed.join(''), /Error rows per entity and category[\s\S]*customers\s+data\s+1/);
  assert.deepEqual(fs.readdirSync(path.join(runDir, 'charts')).sort(), ['account-statuses.svg', 'errors.svg']);
  assert.match(fs.readFileSync(path.join(runDir, 'charts', 'errors.svg'), 'utf8'), /aria-label="customers: 1 data"/);
});

test('report.html: masked secrets, a capped error table, the verdict, every chart inline, nothing fetched', async () => {
  const runDir = path.join(tmp(), 'runs', 'run-1');
  fs.mkdirSync(runDir, { recursive: true });
  const secret = 'sk-live-8f3e2a9c71';
  const radius = 'Rad1us-Pa55-word';
  const errors = Array.from({ length: MAX_ROWS + 50 }, (_, i) => ({
    entity: i % 2 ? 'customers' : 'internet_services',
    source_id: String(i + 1),
    category: 'validation',
    message: i === 0 ? `Splynx said: key ${secret} refused` : `<b>name</b> is blank on record ${i + 1}`,
    fields: '',
    suggestion: 'Fill it in Sonar',
  }));
  const report: RunReport = {
    run_id: 'run-1',
    dry_run: false,
    phases: ['customers'],
    started_at: '2026-01-01T10:00:00.000Z',
    finished_at: '2026-01-01T10:05:00.000Z',
    stopped: false,
    entities: {
      customers: { selected: 300, created: 175, updated: 0, skipped: 0, adopted: 0, failed: 125 },
      internet_services: { selected: 200, created: 75, updated: 0, skipped: 0, adopted: 0, failed: 125 },
    },
    errors,
  };
  const verify = {
    run_id: 'run-1',
    snapshot_id: 'snap-1',
    started_at: '2026-01-01T10:06:00.000Z',
    finished_at: '2026-01-01T10:07:00.000Z',
    sample: 0,
    seed: 1,
    entities: ['internet_services'],
    reconciled: false,
    verdicts: [
      {
        entity: 'internet_services',
        sonar: 200,
        snapshot: 200,
        selected: 200,
        done: 75,
        failed: 125,
        pending: 0,
        splynx: 75,
        compared: 75,
        differences: 1,
        verdict: 'differs',
        note: '',
      },
    ],
    differences: [
      { check: 'field', entity: 'internet_services', sonar_id: '7', splynx_id: '70', field: 'password', expected: radius, found: 'other' },
    ],
    money: { customers: 0, differing: 0, skipped: 'not part of the entities verified', rows: [] },
    sampled: {},
  } satisfies VerifyResult;
  fs.writeFileSync(path.join(runDir, 'report.json'), JSON.stringify(report));
  fs.writeFileSync(path.join(runDir, 'verify.json'), JSON.stringify(verify));
  fs.writeFileSync(path.join(runDir, 'errors.csv'), 'entity\n');
  fs.mkdirSync(path.join(runDir, 'charts'));
  fs.writeFileSync(
    path.join(runDir, 'charts', 'data-quality.svg'),
    await renderSvg(qualityChart(source).spec, 'data-quality').then((r) => r.svg),
  );
  fs.writeFileSync(path.join(runDir, 'charts', 'evil.svg'), '<svg><script>alert(1)</script></svg>');

  const file = await writeRunReport(runDir, { secrets: [secret], ledgerFile: path.join(runDir, 'none.sqlite') });
  assert.equal(file, path.join(runDir, 'report.html'));
  const html = fs.readFileSync(file!, 'utf8');
  assert.ok(!html.includes(secret) && !html.includes(radius), 'no secret, no subscriber password');
  assert.match(html, /key \*\*\* refused/);
  assert.ok(!/<script/i.test(html), 'no script (an SVG that carries one is left out)');
  assert.ok(!/\s(src|href)="(https?:)?\/\//.test(html), 'nothing to fetch');
  assert.ok(!html.includes('<b>name</b>'), 'values are escaped');
  const errorTable = html.slice(html.indexOf('<section id="errors">'), html.indexOf('</section>', html.indexOf('<section id="errors">')));
  assert.equal((errorTable.match(/<tr>/g) ?? []).length, MAX_ROWS + 1, 'the header and MAX_ROWS rows');
  assert.match(errorTable, new RegExp(`250 error rows, the first ${MAX_ROWS} shown; every one is in <a href="errors.csv">errors.csv</a>`));
  assert.match(html, /data-verdict="not-reconciled">Not reconciled: 1 difference \(1 field\)/);
  assert.deepEqual(
    [...html.matchAll(/<figure class="chart" id="chart-([^"]+)"/g)].map((m) => m[1]),
    ['errors-customers', 'reconciliation', 'data-quality'],
    "the run's own charts (no progress without a ledger), then the notebooks'",
  );
  assert.deepEqual(fs.readdirSync(path.join(runDir, 'charts')).sort(), [
    'data-quality.svg',
    'errors-customers.svg',
    'evil.svg',
    'reconciliation.svg',
  ]);
  assert.equal(await writeRunReport(tmp()), null, 'a folder with neither a load nor a verification has no report');
});
