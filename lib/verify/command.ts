/**
 * `scripts/migrate.ts verify`: replays notebooks/08-verify.ipynb (so the headless check cannot
 * drift from the analyst's), then prints its verdict table, the differences, and the run folder
 * last. Exit code 0 when everything reconciles, 1 when anything does not (or the check could not
 * finish), 2 for bad usage.
 */
import { parseArgs } from 'node:util';
import { renderText } from '../frames/show.js';
import { runDirOf } from '../cli/run-folder.js';
import { usage } from '../cli/usage.js';
import { projectPath } from '../paths.js';
import { replayNotebooks } from '../replay/cli.js';
import { claimRunId } from '../run-id.js';
import { writeRunReport } from '../report/index.js';
import { entitiesToVerify } from './index.js';
import { firstBillLines } from './first-bill.js';
import { DIFFERENCE_COLUMNS, EXPLAINED_COLUMNS, readVerifyFile, summaryLine, type VerifyResult } from './report.js';

/** Differences printed on the terminal; the rest are in verify.csv. */
const SHOWN = 25;

export async function verifyCommand(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        sample: { type: 'string' },
        seed: { type: 'string' },
        'snapshot-id': { type: 'string' },
        entities: { type: 'string' },
        'changed-only': { type: 'boolean' },
      },
    }).values;
    for (const flag of ['sample', 'seed'] as const)
      if (v[flag] !== undefined && !/^\d+$/.test(v[flag]!)) throw new Error(`--${flag} must be a whole number, got "${v[flag]}"`);
    if (v.entities) entitiesToVerify(v.entities);
  } catch (e) {
    return usage((e as Error).message);
  }
  const params = [
    ...(v.sample ? [`sample=${v.sample}`] : []),
    ...(v.seed ? [`sampleSeed=${v.seed}`] : []),
    ...(v['snapshot-id'] ? [`snapshotId=${v['snapshot-id']}`] : []),
    ...(v.entities ? [`entities=${v.entities.replace(/\s+/g, '')}`] : []),
    ...(v['changed-only'] ? ['changedOnly=true'] : []),
  ];
  const runId = claimRunId();
  const { code } = await replayNotebooks([projectPath('notebooks', '08-verify.ipynb')], { runId, params });
  await writeRunReport(runDirOf(runId));
  return printVerifySummary(runId, code);
}

/** The verdict, the first differences and the run folder (last); answers the exit code. */
export function printVerifySummary(runId: string, replayCode: number, { folder = true } = {}): number {
  const dir = runDirOf(runId);
  const result = readVerifyFile(dir);
  if (!result) {
    console.error('migrate: verify did not finish (no verify.json): see replay.log in the run folder');
    if (folder) console.log(dir);
    return replayCode || 1;
  }
  console.log(
    renderText(result.verdicts, {
      title: `Verify ${result.run_id}: snapshot ${result.snapshot_id}${result.sample ? `, a sample of ${result.sample} per entity` : ''}`,
      maxRows: 0,
    }),
  );
  if (result.differences.length) {
    console.log(renderText(result.differences.slice(0, SHOWN), { title: 'Differences', columns: [...DIFFERENCE_COLUMNS], maxRows: 0 }));
    if (result.differences.length > SHOWN) console.log(`… and ${result.differences.length - SHOWN} more in verify.csv`);
  }
  if (result.explained?.length)
    console.log(
      renderText(result.explained.slice(0, SHOWN), {
        title: 'Explained: failed records whose error was accepted, with the reasons',
        columns: [...EXPLAINED_COLUMNS],
        maxRows: 0,
      }),
    );
  const excluded = result.excluded ?? [];
  if (excluded.length) {
    console.log(
      renderText(excluded.slice(0, SHOWN), {
        title: 'Excluded by decision (explained, not differences)',
        columns: ['entity', 'source_id', 'reason', 'excluded_with'],
        maxRows: 0,
      }),
    );
    if (excluded.length > SHOWN) console.log(`… and ${excluded.length - SHOWN} more in verify.json`);
  }
  console.log(summaryLine(result));
  for (const line of verifyFirstBillLines(result)) console.log(line);
  if (folder) console.log(dir);
  return result.reconciled ? replayCode : 1;
}

/** The first-bill verdict of a verification, as lines (none when the check did not run). */
export function verifyFirstBillLines(result: VerifyResult): string[] {
  const f = result.first_bill;
  if (!f || 'skipped' in f) return [];
  return firstBillLines(f);
}
