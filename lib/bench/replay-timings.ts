/**
 * How long each notebook of one run took, read from the run's replay.log (lib/replay/runner.ts
 * writes a `start run` and a `finished` or `stopped at` line per notebook), named by the
 * workbook step it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { round } from './measure.js';

const STEP_OF: Array<[RegExp, string]> = [
  [/^00-/, 'check'],
  [/^01-/, 'snapshot'],
  [/^02-/, 'clean'],
  [/^03-/, 'map'],
  [/^0[4-7]-/, 'load'],
  [/^08-/, 'verify'],
];

/** Seconds per step, in the order the steps first ran; empty when the folder has no replay log. */
export function replayStepSeconds(runDir: string): Record<string, number> {
  const file = path.join(runDir, 'replay.log');
  if (!fs.existsSync(file)) return {};
  const started = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^(\S+) (\S+\.ipynb) (start run|finished|stopped at)/);
    if (!m) continue;
    const [, at, notebook, what] = m;
    const t = Date.parse(at);
    if (what === 'start run') started.set(notebook, t);
    else if (started.has(notebook)) {
      const step = STEP_OF.find(([re]) => re.test(notebook))?.[1] ?? notebook;
      out[step] = round((out[step] ?? 0) + (t - started.get(notebook)!) / 1000, 2);
    }
  }
  return out;
}
