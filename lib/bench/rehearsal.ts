/**
 * The rehearsal measurement: a generated ISP migrated the way an operator rehearses it, through
 * the real notebooks and their headless replay (00-setup to 03-map, then `migrate.ts all`, which
 * replays 04 to 07), into a Splynx sandbox that adds no latency, so what is measured is the
 * migration's own work and the sandbox's. Sonar's rate limit is lifted on both sides: the
 * extraction is measured on its own (extract.ts).
 *
 * Records per second come from the ledger's events (each record's create or update, with its
 * time): the first tenth of the records written, and the last tenth. A load that slows as Splynx
 * fills shows it as a last tenth slower than the first. Pauses of more than GAP_MS with no write
 * at all (a load notebook starting: its kernel, the cleaned dataset read, the preflight) are left
 * out of the tenths, as they do not grow with Splynx; they are reported as `gaps_s`, and the
 * whole load's records/s keeps them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadCommand } from '../load/command.js';
import type { RunReport } from '../load/run.js';
import { projectPath } from '../paths.js';
import { replayNotebooks } from '../replay/cli.js';
import { startSandboxes, type SandboxSettings } from '../sandbox/index.js';
import { peakRssMb, round } from './measure.js';

/** High enough that neither the Sonar sandbox nor the workbook's client ever waits for it. */
const LIFTED_RATE = 100_000;
/** A pause between two writes longer than this is a notebook starting, not a record's cost. */
const GAP_MS = 1000;

export interface RehearsalServerArgs {
  accounts: number;
  seed: number;
}

export function startRehearsalSandboxes(a: RehearsalServerArgs) {
  return startSandboxes({ accounts: a.accounts, seed: a.seed, dirtyRate: 0, latencyMs: 0, sonarRateLimitPerMinute: LIFTED_RATE });
}

export interface RehearsalArgs {
  accounts: number;
  settings: SandboxSettings;
  workDir: string;
}

export interface RehearsalFigures {
  accounts: number;
  /** Records written to Splynx (created or updated), from the ledger's events. */
  records: number;
  /** Rows in the load's error table (the generated ISP is clean: 0, or close). */
  errors: number;
  /** Error rows by entity and category, to see at once what went wrong. */
  errors_by: Record<string, number>;
  /** The notebooks 00 to 03: connection check, snapshot, cleaning, mappings and dry run. */
  prepare_s: number;
  /** `migrate.ts all`: the load notebooks 04 to 07. */
  load_s: number;
  records_per_s: number;
  first_tenth_records_per_s: number | null;
  last_tenth_records_per_s: number | null;
  /** Pauses longer than GAP_MS without a write, summed (left out of the tenths). */
  gaps_s: number;
  /** Peak RSS of the process that replayed the notebooks (the cells run in it). */
  peak_rss_mb: number;
  loadavg_start: number[];
  loadavg_end: number[];
}

const loadavg = () => os.loadavg().map((n) => round(n, 2));

export async function measureRehearsal(a: RehearsalArgs): Promise<RehearsalFigures> {
  const loadavgStart = loadavg();
  const dataDir = path.join(a.workDir, 'data');
  Object.assign(process.env, a.settings, {
    DATA_DIR: dataDir,
    SPLYNX_AUTH: 'signature',
    SONAR_RATE_LIMIT_PER_MINUTE: String(LIFTED_RATE),
  });
  // The replay's and the load's own summaries go to stderr: stdout is the benchmark's tables.
  console.log = console.error;
  const t0 = performance.now();
  const prepare = await replayNotebooks(
    ['00-setup', '01-extract', '02-explore-clean', '03-map'].map((n) => projectPath('notebooks', `${n}.ipynb`)),
    { echo: false },
  );
  if (prepare.code !== 0) throw new Error(`rehearsal: preparing failed (exit ${prepare.code}); see ${dataDir}/runs/${prepare.runId}`);
  const t1 = performance.now();
  const code = await loadCommand('all', ['--no-stop-on-error', '--log-level', 'warn']);
  const t2 = performance.now();
  if (code !== 0 && code !== 1) throw new Error(`rehearsal: the load failed (exit ${code}); see ${dataDir}/runs`);
  const times = writeTimes(path.join(dataDir, 'ledger.sqlite'));
  const errors = loadErrors(path.join(dataDir, 'runs'));
  const load = (t2 - t1) / 1000;
  return {
    accounts: a.accounts,
    records: times.length,
    errors: errors.length,
    errors_by: errors.reduce<Record<string, number>>((by, e) => {
      const k = `${e.entity} ${e.category}: ${e.message.slice(0, 80)}`;
      return ((by[k] = (by[k] ?? 0) + 1), by);
    }, {}),
    prepare_s: round((t1 - t0) / 1000, 2),
    load_s: round(load, 2),
    records_per_s: round(times.length / load, 1),
    ...tenths(times),
    peak_rss_mb: peakRssMb(),
    loadavg_start: loadavgStart,
    loadavg_end: loadavg(),
  };
}

/** The error rows of the newest run that wrote a report (the load's). */
function loadErrors(runsDir: string): Array<{ entity: string; category: string; message: string }> {
  const runs = fs
    .readdirSync(runsDir)
    .filter((d) => fs.existsSync(path.join(runsDir, d, 'report.json')))
    .sort();
  const newest = runs.pop();
  return newest ? (JSON.parse(fs.readFileSync(path.join(runsDir, newest, 'report.json'), 'utf8')) as RunReport).errors : [];
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
