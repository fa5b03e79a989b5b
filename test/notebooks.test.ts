// The analyst's notebooks, executed for real: by Jupyter (nbconvert) with the tslab kernel, and by
// the headless replay, both against the sandboxes. Same notebooks, same outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Notebook } from '../lib/replay/notebook.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { assertCharts } from './chart-outputs.js';
import { planExclusions } from '../lib/clean/exclusions.js';
import type { Tables } from '../lib/clean/snapshot.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const NOTEBOOKS = ['00-setup.ipynb', '01-extract.ipynb', '02-explore-clean.ipynb', '03-map.ipynb'];
const PYTHON = '/usr/bin/python3'; // Debian's Jupyter runs on the system python, not whatever is first on PATH.

const jupyter = spawnSync('jupyter-nbconvert', ['--version'], { encoding: 'utf8' });
const haveJupyter = jupyter.status === 0;
const skipJupyter = haveJupyter ? false : process.env.CI ? false : 'Jupyter is not installed (.ci/run installs it from Debian packages)';

let sb: Sandboxes;
let work: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  sb = await startSandboxes({ accounts: 40, seed: 8, dirtyRate: 0.1, sonarMaxRecordsPerPage: 50 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'notebooks-'));
  env = {
    ...process.env,
    ...sb.settings,
    DATA_DIR: path.join(work, 'data'),
    JUPYTER_PATH: path.join(work, 'share', 'jupyter'),
    TIMEZONE: 'America/Chicago',
  };
  // The analyst's files, as if recorded in an earlier session: one correction and one exclusion,
  // of accounts the 30-account snapshot of the replay below also holds.
  const tables = sb.dataset.tables as unknown as Tables;
  const accounts = [...tables.accounts].sort((a, b) => Number(a.id) - Number(b.id)).slice(0, 10);
  const out = accounts.find(
    (a) =>
      planExclusions(tables, [{ table: 'accounts', sonar_id: String(a.id), reason: 'x', made_at: '' }]).outcomes[0].status === 'excluded',
  )!;
  const fixed = accounts.find((a) => a !== out)!;
  fs.mkdirSync(path.join(work, 'data', 'corrections'), { recursive: true });
  fs.writeFileSync(
    path.join(work, 'data', 'corrections', 'corrections.csv'),
    `table,sonar_id,field,sonar_had,new_value,reason,made_at\naccounts,${fixed.id},name,"${String(fixed.name ?? '').replace(/"/g, '""')}",Corrected Name Ltd,typo,2026-01-01T00:00:00Z\n`,
  );
  fs.writeFileSync(
    path.join(work, 'data', 'exclusions.csv'),
    `table,sonar_id,reason,made_at\naccounts,${out.id},test account,2026-01-01T00:00:00Z\n`,
  );
});
after(async () => {
  await sb.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
const allText = (nb: Notebook) => JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
const secrets = () => [sb.settings.SONAR_API_KEY, sb.settings.SPLYNX_API_KEY, sb.settings.SPLYNX_API_SECRET];

function assertOutcome(nbs: Record<string, Notebook>, how: string) {
  for (const [name, nb] of Object.entries(nbs)) {
    const text = allText(nb);
    for (const s of secrets()) assert.ok(!text.includes(s), `${how}: a secret appears in the outputs of ${name}`);
    for (const c of nb.cells) {
      assert.ok(!(c.outputs ?? []).some((o) => o.output_type === 'error'), `${how}: ${name} has an error output`);
    }
  }
  assert.match(allText(nbs['00-setup.ipynb']), /Sonar: connected, token accepted, 40 accounts/, `${how}: 00 reports the check`);
  assert.match(allText(nbs['00-setup.ipynb']), /\*\*\*/, `${how}: secrets are shown as ***`);
  const extract = allText(nbs['01-extract.ipynb']);
  assert.match(extract, /<table/, `${how}: 01 shows its counts as an HTML table`);
  assert.match(extract, /accounts/);
  const explore = allText(nbs['02-explore-clean.ipynb']);
  assert.match(explore, /invalid/i, `${how}: 02 shows invalid values found in the dirty data`);
  assert.match(explore, /Corrections: 1 applied\. Exclusions: 1 excluded/, `${how}: 02 applies the analyst's correction and exclusion`);
  // 03's dry run previews its payloads: the overview, a sample of customers, and what would fail.
  const map = allText(nbs['03-map.ipynb']);
  assert.match(map, /Preview: \d+ rows in preview.csv/, `${how}: 03 shows the preview`);
  assert.match(map, /customers: a sample, Sonar beside Splynx/, `${how}: 03 shows a sample of customers`);
  assert.match(map, /Records that would fail/, `${how}: 03 shows the records that would fail`);
}

test('Jupyter executes every notebook with the tslab kernel against the sandboxes', { skip: skipJupyter, timeout: 600_000 }, async () => {
  assert.ok(haveJupyter, 'CI must have Jupyter: .ci/run installs jupyter-nbconvert from Debian packages');
  // The kernelspec goes into a private folder, pointing at this checkout's own tslab.
  await run(
    path.join(root, 'node_modules/.bin/tslab'),
    ['install', '--python', PYTHON, '--binary', path.join(root, 'node_modules/.bin/tslab'), '--prefix', work],
    { env },
  );
  const out = path.join(work, 'executed');
  // nbclient stops a cell after 30 s by default; a snapshot cell may take longer on a slow machine.
  await run(
    'jupyter-nbconvert',
    [
      '--to',
      'notebook',
      '--execute',
      '--ExecutePreprocessor.kernel_name=tslab',
      '--ExecutePreprocessor.timeout=600',
      '--output-dir',
      out,
      ...NOTEBOOKS.map((n) => path.join(root, 'notebooks', n)),
    ],
    { env, cwd: root, maxBuffer: 64 * 1024 * 1024 },
  );
  const nbs = Object.fromEntries(NOTEBOOKS.map((n) => [n, read(path.join(out, n))]));
  assertOutcome(nbs, 'jupyter');
  // JupyterLab draws the Vega-Lite output itself; nbconvert kept it, with the SVG beside it.
  assertCharts(nbs['02-explore-clean.ipynb'], ['account-statuses', 'data-quality'], 'jupyter');
  const snapshots = fs.readdirSync(path.join(work, 'data', 'snapshots'));
  assert.equal(snapshots.length, 1);
  const accounts = fs
    .readFileSync(path.join(work, 'data', 'snapshots', snapshots[0], 'accounts.jsonl'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(accounts.length, sb.dataset.tables.accounts.length);
});

test('the headless replay runs the same notebooks to the same outcome', { timeout: 600_000 }, async () => {
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/replay.ts', ...NOTEBOOKS.map((n) => `notebooks/${n}`), '--run-id', 'nb-test', '--param', 'limit=30'],
    { env, cwd: root, maxBuffer: 64 * 1024 * 1024 },
  ).catch((e) => {
    throw new Error(`replay failed:\n${e.stdout}\n${e.stderr}`);
  });
  const runDir = path.join(work, 'data', 'runs', 'nb-test');
  const nbs = Object.fromEntries(NOTEBOOKS.map((n) => [n, read(path.join(runDir, n))]));
  assertOutcome(nbs, 'replay');
  assertCharts(nbs['02-explore-clean.ipynb'], ['account-statuses', 'data-quality'], 'replay');
  assert.deepEqual(
    fs.readdirSync(path.join(runDir, 'charts')).sort(),
    ['account-statuses.svg', 'data-quality.svg'],
    'the SVGs in the run folder',
  );
  for (const s of secrets()) assert.ok(!stdout.includes(s) && !stderr.includes(s), 'no secret on the terminal');
  assert.match(stdout, /Sonar: connected/);
  // --param limit=30 reached notebook 01 only: the newest snapshot holds 30 accounts.
  const snapshots = fs.readdirSync(path.join(work, 'data', 'snapshots')).sort();
  const newest = snapshots[snapshots.length - 1];
  const accounts = fs
    .readFileSync(path.join(work, 'data', 'snapshots', newest, 'accounts.jsonl'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(accounts.length, 30);
  assert.ok(fs.existsSync(path.join(work, 'data', 'clean')), '02 wrote the cleaned dataset');
});
