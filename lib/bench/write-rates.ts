/**
 * How fast a rehearsal wrote to Splynx, read from what it left in its data folder: the ledger's
 * events (each record's create or update, with its time) and the load's error table. The product
 * path's rehearsal (rehearse.ts) reports these beside its wall time and peak RSS.
 *
 * Records per second over the first tenth of the records written, and over the last tenth. A load
 * that slows as Splynx fills shows it as a last tenth slower than the first. Pauses of more than
 * GAP_MS with no write at all (a load notebook starting: its kernel, the cleaned dataset read, the
 * preflight) are left out of the tenths, as they do not grow with Splynx; they are reported as
 * `gaps_s`, and the whole load's records/s keeps them.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunReport } from '../load/run.js';
import { round } from './measure.js';

/** A pause between two writes longer than this is a notebook starting, not a record's cost. */
const GAP_MS = 1000;

export interface WriteRates {
  /** Records written to Splynx (created or updated), from the ledger's events. */
  records: number;
  /** Rows in the load's error table (the generated ISP is clean: 0, or close). */
  errors: number;
  /** Error rows by entity and category, to see at once what went wrong. */
  errors_by: Record<string, number>;
  /** The load's wall time (its step), and the records written over it. */
  load_s: number;
  records_per_s: number;
  first_tenth_records_per_s: number | null;
  last_tenth_records_per_s: number | null;
  /** Pauses longer than GAP_MS without a write, summed (left out of the tenths). */
  gaps_s: number;
}

/**
 * The write rates of the rehearsal whose data folder is `dataDir`, its load having taken `loadS`
 * seconds; `loadRunDir` is the load's run folder (the last line it printed), else the newest run
 * with a report is taken.
 */
export function writeRates(dataDir: string, loadS: number, loadRunDir?: string): WriteRates {
  const ledger = path.join(dataDir, 'ledger.sqlite');
  const times = fs.existsSync(ledger) ? writeTimes(ledger) : [];
  const errors = loadErrors(path.join(dataDir, 'runs'), loadRunDir);
  return {
    records: times.length,
    errors: errors.length,
    errors_by: errors.reduce<Record<string, number>>((by, e) => {
      const k = `${e.entity} ${e.category}: ${e.message.slice(0, 80)}`;
      return ((by[k] = (by[k] ?? 0) + 1), by);
    }, {}),
    load_s: round(loadS, 2),
    records_per_s: loadS > 0 ? round(times.length / loadS, 1) : 0,
    ...tenths(times),
  };
}

/** The error rows of the load's run, or of the newest run that wrote a report. */
function loadErrors(runsDir: string, runDir?: string): Array<{ entity: string; category: string; message: string }> {
  const read = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport).errors;
  if (runDir && fs.existsSync(path.join(runDir, 'report.json'))) return read(runDir);
  if (!fs.existsSync(runsDir)) return [];
  const runs = fs
    .readdirSync(runsDir)
    .filter((d) => fs.existsSync(path.join(runsDir, d, 'report.json')))
    .sort();
  const newest = runs.pop();
  return newest ? read(path.join(runsDir, newest)) : [];
}

/** When each record was written to Splynx (ms since the epoch), in the order they were. */
function writeTimes(ledgerFile: string): number[] {
  const db = new Database(ledgerFile, { readonly: true });
  try {
    const rows = db.prepare("SELECT at FROM events WHERE to_state IN ('created', 'updated') ORDER BY seq").all() as Array<{ at: string }>;
    return rows.map((r) => Date.parse(r.at));
  } finally {
    db.close();
  }
}

/** Records per second over the first tenth of the writes, and over the last, pauses left out. */
export function tenths(written: number[]): {
  first_tenth_records_per_s: number | null;
  last_tenth_records_per_s: number | null;
  gaps_s: number;
} {
  let gaps = 0;
  const times = written.map((t, i) => {
    const pause = i ? t - written[i - 1] : 0;
    if (pause > GAP_MS) gaps += pause;
    return t - gaps;
  });
  const k = Math.floor(times.length / 10);
  const rate = (from: number, to: number) => {
    const s = (times[to] - times[from]) / 1000;
    return s > 0 ? round(k / s, 1) : null;
  };
  const gaps_s = round(gaps / 1000, 2);
  if (k < 2) return { first_tenth_records_per_s: null, last_tenth_records_per_s: null, gaps_s };
  return { first_tenth_records_per_s: rate(0, k), last_tenth_records_per_s: rate(times.length - 1 - k, times.length - 1), gaps_s };
}
