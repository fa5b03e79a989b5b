/**
 * `migrate.ts cutover --since SNAPSHOT_ID [load options]`: cutover day in one command, under one
 * run id — check (00), the delta (a snapshot of what changed since the rehearsal's snapshot (01),
 * cleaned as part of the whole picture (02), loaded (04–07)), verify (08) with its first-bill
 * verdict (scoped to the accounts Sonar changed, lib/verify/scope.ts, unless --full-verify), then the checklist of what must be done by hand in Splynx (lib/cli/checklist.ts) and a
 * timing per step. The run folder (printed last) also holds delta.json, checklist.md and timings.json.
 */
import path from 'node:path';
import { parseDeltaArgs, freshSnapshotId, printDeltaSummary } from '../delta/command.js';
import { replayLoad } from '../load/command.js';
import { writeRunReport } from '../report/index.js';
import { readNotebook, sourceOf } from '../replay/notebook.js';
import { claimRunId, configuredDataDir } from '../run-id.js';
import { printVerifySummary } from '../verify/command.js';
import { projectPath } from '../paths.js';
import { writeChecklist } from './checklist.js';
import { readReport, replayIn } from './rehearse.js';
import { runDirOf } from './run-folder.js';
import { Steps } from './steps.js';
import { usage } from './usage.js';

export async function cutoverCommand(args: string[]): Promise<number> {
  // Verify reads back only what Sonar changed, unless asked for all (lib/verify/scope.ts): the window is short.
  const fullVerify = args.includes('--full-verify');
  const parsed = parseDeltaArgs(
    'cutover',
    args.filter((a) => a !== '--full-verify'),
  );
  if ('problem' in parsed) return usage(parsed.problem);
  const { since, root, inv } = parsed;
  const snapshotId = freshSnapshotId(root);
  const runId = claimRunId();
  const runDir = runDirOf(runId);
  const replay = replayIn(runId, inv.echo);
  const steps = new Steps();
  console.error(`cutover: run ${runId}, snapshot ${snapshotId} of what changed since ${since}`);

  const code = await (async () => {
    if (await steps.run('check', () => replay(['00-setup.ipynb'], []))) return 1;
    const taken = await steps.run('snapshot (changes)', () => replay(['01-extract.ipynb'], [`snapshotId=${snapshotId}`, `since=${since}`]));
    if (taken || (await steps.run('clean', () => replay(['02-explore-clean.ipynb'], [`snapshotId=${snapshotId}`])))) {
      console.error(
        `migrate: the cutover stopped before loading (snapshot ${snapshotId}); run the same command again: an unfinished snapshot is not reused, a new one is taken`,
      );
      return 1;
    }
    const loaded = await steps.run('load', () => replayLoad(runId, { ...inv, params: [...inv.params, `snapshotId=${snapshotId}`] }));
    const loadCode = printDeltaSummary(runDir, path.join(root, snapshotId), loaded, { folder: false });
    if (loadCode && !loaded) steps.note('ok, with error rows');
    const report = readReport(runDir);
    if (!report || report.stopped || report.dry_run) {
      steps.skip('verify', report?.dry_run ? 'a dry run loads nothing' : 'the load did not finish');
      return loadCode || 1;
    }
    const verified = await steps.run('verify', async () => {
      const c = await replay(['08-verify.ipynb'], [`snapshotId=${snapshotId}`, ...(fullVerify ? [] : ['changedOnly=true'])]);
      await writeRunReport(runDir);
      return printVerifySummary(runId, c, { folder: false });
    });
    splitFirstBill(steps, runDir);
    return loadCode || verified;
  })();

  const checklist = writeChecklist(runDir, projectPath(configuredDataDir()));
  console.log(`\nTo do by hand in Splynx (also in checklist.md):\n${checklist.join('\n')}\n`);
  console.log(steps.write(runDir, 'cutover'));
  console.log(runDir);
  return code;
}

/** Verify's time split into the checks and the first-bill verdict (its cell's time in the executed notebook). */
function splitFirstBill(steps: Steps, runDir: string): void {
  const verify = steps.rows.find((r) => r.step === 'verify');
  if (!verify) return;
  try {
    const nb = readNotebook(path.join(runDir, '08-verify.ipynb'));
    const cell = nb.cells.find((c) => c.cell_type === 'code' && sourceOf(c).includes('reconcileFirstBill('));
    const ms = (cell?.metadata.replay as { ms?: number } | undefined)?.ms;
    if (ms === undefined) return;
    const seconds = Math.round(ms / 100) / 10;
    verify.seconds = Math.round((verify.seconds - seconds) * 10) / 10;
    steps.rows.splice(steps.rows.indexOf(verify) + 1, 0, {
      step: 'first bill',
      result: verify.result,
      seconds,
      started_at: verify.started_at,
    });
  } catch {
    // No executed notebook: verify's time stays whole.
  }
}
