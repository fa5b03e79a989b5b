/**
 * A command's run folder, `<DATA_DIR>/runs/<run-id>/`: claimed once per command (lib/run-id.ts),
 * printed last, and holding what the command wrote (report.json, errors.csv, …).
 */
import path from 'node:path';
import { claimRunId, defaultRunsDir } from '../run-id.js';

/** The folder of a run of the configured DATA_DIR. */
export const runDirOf = (runId: string, runsDir = defaultRunsDir()) => path.join(runsDir, runId);

/** A run id of this command's own, with its folder made. */
export function claimRunFolder(runsDir = defaultRunsDir()): { runId: string; runDir: string } {
  const runId = claimRunId(runsDir);
  return { runId, runDir: runDirOf(runId, runsDir) };
}

/** Error rows counted by category, for a summary line: `12 transformation, 27 data`. */
export function errorCounts(errors: Array<{ category: string }>): string {
  const byCategory = errors.reduce<Record<string, number>>((m, e) => ((m[e.category] = (m[e.category] ?? 0) + 1), m), {});
  return Object.entries(byCategory)
    .map(([c, n]) => `${n} ${c}`)
    .join(', ');
}
