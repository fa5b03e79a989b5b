/**
 * `writeRunReport(runDir)`: report.html in a run folder, from what the folder holds (see
 * folder.ts and html.ts), with the run's charts also written as `charts/<name>.svg`. The load
 * commands (migrate.ts single|batch|all|delta) and verify call it when their run is over.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  captionOf,
  writeWhole,
  errorChart,
  progressChart,
  reconciliationChart,
  renderSvg,
  writeChartSvg,
  type Chart,
} from '../frames/charts/index.js';
import { configuredSecrets } from '../replay/runner.js';
import { readRunFolder, type RunFolder } from './folder.js';
import { renderReportHtml, type ReportChart } from './html.js';

export { readRunFolder, type RunFolder } from './folder.js';
export { renderReportHtml, SECTIONS, MAX_ROWS, type ReportSection, type ReportContext, type ReportChart } from './html.js';

export interface RunReportOptions {
  /** Default: `<DATA_DIR>/ledger.sqlite`, beside the runs folder. */
  ledgerFile?: string;
  /** Values to scrub from the page; default the configured secrets (environment and .env). */
  secrets?: string[];
}

/** Notebook charts shown after the run's own, in this order (the rest by name). */
const NOTEBOOK_ORDER = ['account-statuses', 'data-quality'];

/** The charts drawn from the run's own files. */
export async function runCharts(run: RunFolder): Promise<Chart[]> {
  const out: Chart[] = [];
  if (run.report) out.push(errorChart(run.report));
  if (run.report && !run.report.dry_run && run.ledgerFile) out.push(await progressChart(run.ledgerFile, run.runId));
  if (run.verify)
    out.push(
      reconciliationChart({ rows: run.verify.verdicts, differences: run.verify.differences, money: run.verify.money, runId: run.runId }),
    );
  return out;
}

/**
 * Writes `<runDir>/report.html`; answers its path, or null when the folder holds neither a load
 * nor a verification. A report that cannot be written is said on stderr and never fails the run
 * it reports on: the run's own files are already complete.
 */
export async function writeRunReport(runDir: string, opts: RunReportOptions = {}): Promise<string | null> {
  try {
    if (!fs.existsSync(runDir)) return null;
    const run = readRunFolder(runDir, opts);
    if (!run.report && !run.verify) return null;
    const charts: ReportChart[] = [];
    for (const c of await runCharts(run)) {
      const { svg } = await renderSvg(c.spec, c.name);
      writeChartSvg(runDir, c.name, svg);
      charts.push({ name: c.name, title: c.title, svg, caption: captionOf(c.name) });
    }
    // The notebooks' own charts of the run (02's profiles in a delta); their per-notebook error charts are in the run's.
    const own = new Set(charts.map((c) => c.name));
    const rank = (name: string) => (NOTEBOOK_ORDER.includes(name) ? NOTEBOOK_ORDER.indexOf(name) : NOTEBOOK_ORDER.length);
    for (const c of [...run.notebookCharts].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name)))
      if (!own.has(c.name) && !(run.report && c.name.startsWith('errors')))
        charts.push({ name: c.name, title: c.name, svg: c.svg, caption: captionOf(c.name) });
    const file = path.join(runDir, 'report.html');
    writeWhole(file, renderReportHtml({ run, charts }, { secrets: opts.secrets ?? configuredSecrets() }));
    return file;
  } catch (e) {
    console.error(`report: report.html not written in ${runDir}: ${(e as Error).message}`);
    return null;
  }
}
