/**
 * The steps of a command that replays the whole workbook (`rehearse`, `cutover`), each timed: a
 * table printed at the end and `timings.json` in the run folder, so a rehearsal tells how long
 * cutover day will take, step by step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderText } from '../frames/show.js';

export const TIMINGS_FILE = 'timings.json';

export interface StepTiming {
  step: string;
  /** ok, failed (exit code), stopped (by a decision needed), skipped (and why). */
  result: string;
  seconds: number;
  started_at: string;
}

export class Steps {
  readonly rows: StepTiming[] = [];

  /** Runs one step; its exit code decides `ok` or `failed`. */
  async run(step: string, f: () => Promise<number>): Promise<number> {
    const started = new Date();
    const code = await f();
    this.rows.push({
      step,
      result: code === 0 ? 'ok' : `failed (exit ${code})`,
      seconds: round((Date.now() - started.getTime()) / 1000),
      started_at: started.toISOString(),
    });
    return code;
  }

  /** Marks the last step's result in other words (a load with errors, a rehearsal stopped for a decision). */
  note(result: string): void {
    const last = this.rows[this.rows.length - 1];
    if (last) last.result = result;
  }

  skip(step: string, why: string): void {
    this.rows.push({ step, result: `skipped: ${why}`, seconds: 0, started_at: new Date().toISOString() });
  }

  total(): number {
    return round(this.rows.reduce((s, r) => s + r.seconds, 0));
  }

  /** Writes timings.json and answers the table to print. */
  write(runDir: string, command: string): string {
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, TIMINGS_FILE), JSON.stringify({ command, total_seconds: this.total(), steps: this.rows }, null, 2));
    return renderText(
      [...this.rows.map(({ step, seconds, result }) => ({ step, seconds, result })), { step: 'total', seconds: this.total(), result: '' }],
      { title: `${command}: time per step`, maxRows: 0, maxCellWidth: 80 },
    );
  }
}

const round = (s: number) => Math.round(s * 10) / 10;
