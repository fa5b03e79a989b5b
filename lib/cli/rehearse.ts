/**
 * `migrate.ts rehearse [load options]`: the whole workbook replayed in order under one run id —
 * check (00), snapshot (01), clean (02), map (03), load (04–07), verify (08) — each step timed.
 * It stops before loading while a mapping table still has a row that needs a decision, and names
 * the rows. The run folder holds every executed notebook, report.json, errors.csv, log.jsonl,
 * verify.json, timings.json and report.html; it is printed last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderText } from '../frames/show.js';
import { parseLoadArgs, printRunSummary, replayLoad, type LoadInvocation } from '../load/command.js';
import type { RunReport } from '../load/run.js';
import { MAPPINGS_FILE } from '../load/session.js';
import { dataPath, projectPath } from '../paths.js';
import { replayNotebooks } from '../replay/cli.js';
import { writeRunReport } from '../report/index.js';
import { claimRunId, configuredDataDir } from '../run-id.js';
import { printVerifySummary } from '../verify/command.js';
import { freshSnapshotId } from '../delta/command.js';
import { runDirOf } from './run-folder.js';
import { Steps } from './steps.js';
import { usage } from './usage.js';

/** Replays notebooks of the workbook under the run's id; answers the exit code. */
export const replayIn = (runId: string, echo: boolean) => async (names: string[], params: string[]) =>
  (
    await replayNotebooks(
      names.map((n) => projectPath('notebooks', n)),
      { runId, echo, params },
    )
  ).code;

/** The load options with `--snapshot-id` taken out: the command names the snapshot itself. */
function withSnapshot(inv: LoadInvocation, snapshotId: string): LoadInvocation {
  return { ...inv, params: [...inv.params.filter((p) => !p.startsWith('snapshotId=')), `snapshotId=${snapshotId}`] };
}

export async function rehearseCommand(args: string[]): Promise<number> {
  const inv = parseLoadArgs('all', args);
  if ('problem' in inv) return usage(inv.problem);
  const given = inv.params.find((p) => p.startsWith('snapshotId='))?.slice('snapshotId='.length);
  const snapshotId = given ?? freshSnapshotId(dataPath(configuredDataDir(), 'snapshots'));
  const runId = claimRunId();
  const runDir = runDirOf(runId);
  const replay = replayIn(runId, inv.echo);
  const steps = new Steps();
  console.error(`rehearse: run ${runId}, snapshot ${snapshotId}`);

  const code = await (async () => {
    if (await steps.run('check', () => replay(['00-setup.ipynb'], []))) return 1;
    if (await steps.run('snapshot', () => replay(['01-extract.ipynb'], [`snapshotId=${snapshotId}`]))) return 1;
    if (await steps.run('clean', () => replay(['02-explore-clean.ipynb'], [`snapshotId=${snapshotId}`]))) return 1;
    if (await steps.run('map', () => replay(['03-map.ipynb'], [`snapshotId=${snapshotId}`]))) return 1;
    const undecided = decisionsNeeded(runDir);
    if (undecided.length) {
      steps.note(`stopped: ${undecided.length} mapping row(s) need a decision`);
      console.log(
        renderText(undecided, { title: `Mapping rows that need a decision (${undecided.length})`, maxRows: 0, maxCellWidth: 100 }),
      );
      console.log(
        `Nothing was loaded. Decide these rows in data/mappings/<mapping>.csv (the splynx_value column), then run rehearse again.`,
      );
      return 1;
    }
    const loaded = await steps.run('load', () => replayLoad(runId, withSnapshot(inv, snapshotId)));
    const loadCode = printRunSummary(runId, loaded, { folder: false });
    if (loadCode) steps.note(loaded ? `failed (exit ${loaded})` : 'ok, with error rows');
    const report = readReport(runDir);
    if (!report || report.stopped) {
      steps.skip('verify', 'the load did not finish');
      return loadCode || 1;
    }
    if (report.dry_run) {
      steps.skip('verify', 'a dry run loads nothing');
      return loadCode;
    }
    const verified = await steps.run('verify', async () => {
      const c = await replay(['08-verify.ipynb'], [`snapshotId=${snapshotId}`]);
      await writeRunReport(runDir);
      return printVerifySummary(runId, c, { folder: false });
    });
    return loadCode || verified;
  })();

  console.log(steps.write(runDir, 'rehearse'));
  if (code === 0) console.log(`Rehearsed. On cutover day: migrate.ts cutover --since ${snapshotId}`);
  console.log(runDir);
  return code;
}

/** The rows notebook 03 found still needing a decision in this run. */
function decisionsNeeded(runDir: string): Array<{ mapping: string; sonar_id: string; sonar_value: string; problem: string }> {
  const file = path.join(runDir, MAPPINGS_FILE);
  if (!fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { problems: [] }).problems;
}

export function readReport(runDir: string): RunReport | null {
  const file = path.join(runDir, 'report.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport) : null;
}
