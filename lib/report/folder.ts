/**
 * What a run folder holds, read once for its report: the load's report.json (errors included),
 * verify.json, the ledger's outcomes for the run, and the charts the notebooks drew into
 * `charts/`. Any of them may be missing: a verify run has no load, a dry run no ledger events.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../load/run.js';
import type { VerifyResult } from '../verify/report.js';

export interface RunFolder {
  dir: string;
  runId: string;
  report: RunReport | null;
  verify: VerifyResult | null;
  /** The ledger the run wrote to (`<DATA_DIR>/ledger.sqlite`), when there is one. */
  ledgerFile: string | null;
  /** SVGs the notebooks wrote to `charts/`, by name. */
  notebookCharts: Array<{ name: string; svg: string }>;
  /** The folder's files (not sub-folders), for links. */
  files: string[];
}

const readJson = <T>(file: string): T | null => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : null);

/** `ledgerFile` defaults to the one beside the runs folder: a run folder is `<DATA_DIR>/runs/<run-id>`. */
export function readRunFolder(dir: string, opts: { ledgerFile?: string } = {}): RunFolder {
  const report = readJson<RunReport>(path.join(dir, 'report.json'));
  const verify = readJson<VerifyResult>(path.join(dir, 'verify.json'));
  const ledgerFile = opts.ledgerFile ?? path.resolve(dir, '..', '..', 'ledger.sqlite');
  const chartsDir = path.join(dir, 'charts');
  const notebookCharts = fs.existsSync(chartsDir)
    ? fs
        .readdirSync(chartsDir)
        .filter((f) => f.endsWith('.svg'))
        .sort()
        .map((f) => ({ name: f.replace(/\.svg$/, ''), svg: fs.readFileSync(path.join(chartsDir, f), 'utf8') }))
        // Only what a chart drew: an SVG is inlined into the page as it is.
        .filter((c) => c.svg.startsWith('<svg') && !/<script|<foreignObject|\shref="(?!#)/i.test(c.svg))
    : [];
  return {
    dir,
    runId: report?.run_id ?? verify?.run_id ?? path.basename(dir),
    report,
    verify,
    ledgerFile: fs.existsSync(ledgerFile) ? ledgerFile : null,
    notebookCharts,
    files: fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort(),
  };
}
