// Charts and report.html as cutover makes them: scripts/migrate.ts and scripts/replay.ts in child
// processes against sandboxes with dirty data (so there are errors to draw), then the executed
// notebooks, the run folders, and each report.html opened in Debian's Chromium (headless).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Page } from 'playwright-core';
import { runScript } from './run-script.js';
import { assertCharts, markCount } from './chart-outputs.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { issuedCredentials } from '../lib/sandbox/credentials.js';
import type { RunReport } from '../lib/load/run.js';
import type { VerifyResult } from '../lib/verify/report.js';
import type { Notebook } from '../lib/replay/notebook.js';
import { MAX_ROWS } from '../lib/report/index.js';
import { ENTITIES } from '../lib/entities/index.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const skipBrowser = haveChromium ? false : process.env.CI ? false : "Chromium is not installed (.ci/run installs Debian's chromium)";

let sb: Sandboxes;
let dataDir: string;
const runs: { prepare: string; dryRun: string; load: string; verify: string } = { prepare: '', dryRun: '', load: '', verify: '' };
let loadReport: RunReport;
let verifyResult: VerifyResult;

const env = () => ({ ...sb.settings, DATA_DIR: dataDir, RETRY_BASE_MS: '5' });
const lastLine = (stdout: string) => stdout.trim().split('\n').pop()!;
const readNb = (dir: string, name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Notebook;
const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

before(async () => {
  sb = await startSandboxes({ accounts: 24, seed: 21, dirtyRate: 0.15 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-report-'));
  const snap = await runScript('migrate.ts', ['snapshot'], env());
  assert.equal(snap.code, 0, snap.stderr);
  const prep = await runScript('replay.ts', ['notebooks/02-explore-clean.ipynb', 'notebooks/03-map.ipynb', '--run-id', 'prepare'], env());
  assert.equal(prep.code, 0, prep.stderr);
  runs.prepare = path.join(dataDir, 'runs', 'prepare');
  const dry = fs
    .readdirSync(path.join(dataDir, 'runs'))
    .filter((id) => fs.existsSync(path.join(dataDir, 'runs', id, 'report.json')))
    .map((id) => path.join(dataDir, 'runs', id));
  assert.equal(dry.length, 1, "03's dry run has a run folder of its own");
  runs.dryRun = dry[0];
  // Dirty records fail (exit code 1), and the load goes on past them.
  const load = await runScript('migrate.ts', ['all', '--no-stop-on-error'], env());
  assert.equal(load.code, 1, load.stderr + load.stdout);
  runs.load = lastLine(load.stdout);
  loadReport = readJson<RunReport>(path.join(runs.load, 'report.json'));
  assert.ok(loadReport.errors.length > 0, 'the dirty data gave the load errors to draw');
  // The failed records are differences: verify exits 1, after writing everything.
  const verify = await runScript('migrate.ts', ['verify'], env());
  assert.equal(verify.code, 1, verify.stderr + verify.stdout);
  runs.verify = lastLine(verify.stdout);
  verifyResult = readJson<VerifyResult>(path.join(runs.verify, 'verify.json'));
});
after(async () => {
  await sb?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('every chart cell of the replayed notebooks leaves Vega-Lite and its SVG, and the SVG files are in the run folders', () => {
  assertCharts(readNb(runs.prepare, '02-explore-clean.ipynb'), ['account-statuses', 'data-quality'], '02');
  assertCharts(readNb(runs.prepare, '03-map.ipynb'), ['errors'], '03');
  assertCharts(readNb(runs.load, '04-load-foundation.ipynb'), ['errors-foundation'], '04');
  assertCharts(readNb(runs.load, '05-load-network.ipynb'), ['errors-network'], '05');
  assertCharts(readNb(runs.load, '06-load-inventory.ipynb'), ['errors-inventory'], '06');
  const c07 = assertCharts(readNb(runs.load, '07-load-customers.ipynb'), ['load-progress', 'errors-customers-finance-support'], '07');
  const c08 = assertCharts(readNb(runs.verify, '08-verify.ipynb'), ['reconciliation'], '08');

  // The charts draw the run's own numbers: the customer errors of 07, the customers verify counted.
  const customerErrors = loadReport.errors.filter((e) => ['customers', 'finance', 'support'].includes(phaseOf(e.entity)));
  const drawnErrors = (c07.get('errors-customers-finance-support')!.spec.data!.values as Array<{ errors: number }>).reduce(
    (n, r) => n + r.errors,
    0,
  );
  assert.equal(drawnErrors, customerErrors.length);
  const customers = verifyResult.verdicts.find((v) => v.entity === 'customers')!;
  const drawnCustomers = (c08.get('reconciliation')!.spec.data!.values as Array<{ entity: string; records: number }>)
    .filter((r) => r.entity === 'customers')
    .reduce((n, r) => n + r.records, 0);
  assert.equal(drawnCustomers, customers.selected);

  const svgs = (dir: string) => fs.readdirSync(path.join(dir, 'charts')).sort();
  assert.deepEqual(svgs(runs.prepare), ['account-statuses.svg', 'data-quality.svg']);
  assert.deepEqual(svgs(runs.dryRun), ['errors.svg']);
  assert.deepEqual(svgs(runs.load), [
    'errors-customers-finance-support.svg',
    'errors-foundation.svg',
    'errors-inventory.svg',
    'errors-network.svg',
    'errors.svg',
    'load-progress.svg',
  ]);
  assert.deepEqual(svgs(runs.verify), ['reconciliation.svg']);
  for (const dir of [runs.load, runs.verify]) assert.ok(fs.existsSync(path.join(dir, 'report.html')), `report.html in ${dir}`);
  for (const file of ['errors.svg', 'load-progress.svg'])
    assert.ok(markCount(fs.readFileSync(path.join(runs.load, 'charts', file), 'utf8')) > 0, `${file} draws something`);
});

const phaseOf = (entity: string): string => ENTITIES.find((e) => e.name === entity)?.phase ?? '';

/** Every credential the run could have leaked: API keys, tokens, subscribers' RADIUS passwords, staff's temporary passwords. */
function credentials(): string[] {
  const secretsDir = path.join(dataDir, 'secrets');
  const temporary = fs.existsSync(secretsDir)
    ? fs
        .readdirSync(secretsDir)
        .flatMap((f) =>
          (parse(fs.readFileSync(path.join(secretsDir, f), 'utf8'), { columns: true }) as Array<Record<string, string>>).map(
            (r) => r.temporary_password,
          ),
        )
    : [];
  return [
    sb.settings.SONAR_API_KEY,
    sb.settings.SPLYNX_API_KEY,
    sb.settings.SPLYNX_API_SECRET,
    ...issuedCredentials().map((c) => c.value),
    ...(sb.dataset.tables.radius_accounts ?? []).map((r) => String(r.password)),
    ...temporary,
  ].filter((v) => v && v.length >= 6);
}

async function withPage<T>(file: string, fn: (page: Page, requests: string[]) => Promise<T>): Promise<T> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    return await fn(page, requests);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Each chart on the page: its name, its drawn size, and how many marks it has. */
const chartsOn = (page: Page) =>
  page.$$eval('#charts figure.chart', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return {
        name: f.getAttribute('data-chart'),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        marks: svg
          ? svg.querySelectorAll('[aria-roledescription="bar"], [aria-roledescription="line mark"], [aria-roledescription="text mark"]')
              .length
          : 0,
      };
    }),
  );

test(
  "the load's report.html in headless Chromium: the summary, the charts, the errors, no credential",
  { skip: skipBrowser, timeout: 120_000 },
  async () => {
    assert.ok(haveChromium, "CI must have Chromium: .ci/run installs Debian's chromium");
    await withPage(path.join(runs.load, 'report.html'), async (page, requests) => {
      assert.match(await page.title(), new RegExp(`Run ${path.basename(runs.load)}`));
      assert.equal(await page.textContent('h1'), `Load ${loadReport.run_id}`);

      const summary = await page.$$eval('#summary table tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      assert.deepEqual(
        summary,
        Object.entries(loadReport.entities).map(([entity, c]) => [
          entity,
          ...[c.selected, c.created, c.updated, c.skipped, c.adopted, c.failed].map(String),
          // Of the failed, those the analyst accepted: none in this run.
          String(loadReport.errors.filter((e) => e.entity === entity && e.accepted).length),
        ]),
      );

      const charts = await chartsOn(page);
      assert.deepEqual(
        charts.map((c) => c.name),
        ['errors', 'load-progress'],
      );
      for (const c of charts)
        assert.ok(c.width > 100 && c.height > 50 && c.marks > 0, `${c.name} is drawn on the page: ${JSON.stringify(c)}`);

      const errorRows = await page.$$eval('#errors table tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      assert.equal(errorRows.length, Math.min(loadReport.errors.length, MAX_ROWS));
      assert.deepEqual(
        errorRows.map((r) => r.slice(0, 4)),
        loadReport.errors.slice(0, MAX_ROWS).map((e) => [e.error_id, e.entity, e.source_id, e.category]),
      );
      assert.match((await page.textContent('#errors p.count'))!, new RegExp(`^${loadReport.errors.length} error rows?`));
      assert.equal(await page.getAttribute('#errors a', 'href'), 'errors.csv');
      assert.equal(await page.getAttribute('[data-status]', 'data-status'), 'differs');

      const text = await page.innerText('body');
      const markup = await page.content();
      for (const secret of credentials()) assert.ok(!text.includes(secret) && !markup.includes(secret), 'a credential is on the page');
      assert.equal(await page.$$eval('script', (s) => s.length), 0, 'no script');
      assert.deepEqual(requests, [`file://${path.join(runs.load, 'report.html')}`], 'the page fetched nothing');
    });
  },
);

test(
  "verify's report.html in headless Chromium: the verdict, its table and the reconciliation chart",
  { skip: skipBrowser, timeout: 120_000 },
  async () => {
    assert.ok(haveChromium, "CI must have Chromium: .ci/run installs Debian's chromium");
    await withPage(path.join(runs.verify, 'report.html'), async (page, requests) => {
      assert.equal(await page.textContent('h1'), `Verify ${verifyResult.run_id}`);
      assert.equal(await page.getAttribute('[data-verdict]', 'data-verdict'), 'not-reconciled');
      assert.match((await page.textContent('[data-verdict]'))!, /^Not reconciled: \d+ differences? \(/);
      const verdicts = await page.$$eval('#verify table:first-of-type tbody tr', (trs) =>
        trs.map((tr) => tr.querySelector('td')?.textContent),
      );
      assert.deepEqual(
        verdicts,
        verifyResult.verdicts.map((v) => v.entity),
      );
      const charts = await chartsOn(page);
      assert.deepEqual(
        charts.map((c) => c.name),
        ['reconciliation'],
      );
      assert.ok(charts[0].width > 100 && charts[0].marks >= verifyResult.verdicts.length, JSON.stringify(charts[0]));
      const failedLabels = await page.$$eval('#chart-reconciliation [aria-roledescription="bar"]', (bars) =>
        bars.map((b) => b.getAttribute('aria-label')).filter((l) => l?.endsWith(' failed')),
      );
      assert.ok(failedLabels.length > 0, 'the failed records of the load show as such');
      const text = await page.innerText('body');
      const markup = await page.content();
      for (const secret of credentials()) assert.ok(!text.includes(secret) && !markup.includes(secret), 'a credential is on the page');
      assert.equal(requests.length, 1, 'the page fetched nothing');
    });
  },
);
