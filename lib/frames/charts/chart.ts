/**
 * `chart()`: one chart as one notebook output carrying three forms of it:
 *
 * - `application/vnd.vegalite.v5+json`, the spec, which JupyterLab draws itself (as for Altair);
 * - `image/svg+xml`, the same chart drawn here, for nbconvert, GitHub and any viewer without Vega;
 * - `text/plain`, the chart's numbers as a table, for the replay's terminal and text viewers.
 *
 * The SVG is also written to the run folder (`runs/<run-id>/charts/<name>.svg`) when the chart
 * belongs to a run, or when the headless replay runs the notebook (it says where, in
 * WORKBOOK_RUN_DIR). Outside a notebook, the text table goes to stdout, as `show()` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultRunsDir, RUN_DIR_ENV } from '../../replay/runner.js';
import { displayBundle, inKernel } from '../kernel.js';
import { renderText } from '../show.js';
import { renderSvg, type VegaLiteSpec } from './render.js';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';
export { RUN_DIR_ENV };

export interface Chart {
  /** Its file name in the run folder (`charts/<name>.svg`); also in the spec's `usermeta.chart`. */
  name: string;
  title: string;
  /** Vega-Lite, with the data inline. */
  spec: VegaLiteSpec;
  /** The numbers drawn, as rows: the text form of the chart (the spec holds every point). */
  rows: object[];
  /** The run it belongs to (its SVG goes to that run's folder). */
  runId?: string;
  /** What the chart says when there is nothing to draw ("No error rows"). */
  empty?: string;
}

/** What to look for in each chart, by name (a per-notebook `errors-<phases>` chart as `errors`): report.html's captions. */
export const CHART_CAPTIONS: Record<string, string> = {
  'account-statuses':
    'Accounts per Sonar status and type (notebook 02). Each status needs a Splynx status in the account-status mapping table; a status with many accounts deserves a careful choice.',
  'data-quality':
    'Values with a problem per table (notebook 02): required text missing, e-mails and phone numbers invalid as written, values longer than their Splynx field, references to records the snapshot does not hold.',
  errors:
    'Error rows per entity and category: start with the longest bar. "data" names what is missing (a partner, a tariff, a mapping row), "validation" a value Splynx refuses, "network" and "api" are mostly settled by running again.',
  'load-progress':
    'Records written (created, updated, adopted) or failed over time, one line per phase; unchanged records write nothing and are not drawn. A flat stretch is a stall (a slow Splynx, retries); a phase that starts late waited for those it depends on.',
  reconciliation:
    'Every selected record by what verify found: green is in Splynx as Sonar had it; orange differs field by field, red failed in the load, purple is pending (run the load again to settle it), grey never loaded.',
};

export const captionOf = (name: string) => CHART_CAPTIONS[name] ?? CHART_CAPTIONS[name.replace(/-.*$/, '')] ?? '';

export interface ChartOptions {
  /** The run folder to write the SVG into; default the chart's run (in the configured DATA_DIR), else the replay's. */
  runDir?: string;
}

/** The chart's numbers as an aligned text table under its title. */
export function chartText(c: Chart): string {
  if (!c.rows.length) return `${c.title}\n${c.empty ?? '(nothing to draw)'}`;
  return renderText(c.rows, { title: c.title, maxRows: 30 });
}

/** Where the chart's SVG belongs, if anywhere. */
export function chartRunDir(c: Chart, opts: ChartOptions = {}): string | null {
  if (opts.runDir) return opts.runDir;
  if (c.runId) return path.join(defaultRunsDir(), c.runId);
  return process.env[RUN_DIR_ENV] || null;
}

/** Writes a file whole or not at all: a run killed mid-write (the crash tests do) leaves the previous file, never half of one. */
export function writeWhole(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Writes `<runDir>/charts/<name>.svg`; answers its path. */
export function writeChartSvg(runDir: string, name: string, svg: string): string {
  const dir = path.join(runDir, 'charts');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.svg`);
  writeWhole(file, svg);
  return file;
}

/**
 * Draws a chart: inline in the notebook (Vega-Lite, SVG and text), as text elsewhere; its SVG into
 * the run folder. Takes a chart still being made too (`progressChart` reads the ledger first).
 */
export async function chart(input: Chart | Promise<Chart>, opts: ChartOptions = {}): Promise<void> {
  const c = await input;
  const { svg } = await renderSvg(c.spec, c.name);
  const dir = chartRunDir(c, opts);
  if (dir) writeChartSvg(dir, c.name, svg);
  const text = chartText(c);
  if (!inKernel() || !displayBundle({ [VEGA_LITE_MIME]: c.spec, 'image/svg+xml': svg, 'text/plain': text }))
    process.stdout.write(`${text}\n\n`);
}
