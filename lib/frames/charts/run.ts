/**
 * Charts of a load (notebooks 03–07, and report.html): the error rows per entity and category,
 * and the load's progress over time per phase, from the ledger's events.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { PHASES } from '../../entities/types.js';
import { base, countAxis, emptyChart, presentScale, stackedBars, WIDTH } from './bars.js';
import type { Chart } from './chart.js';

export const ERROR_CATEGORIES = ['network', 'authentication', 'validation', 'transformation', 'api', 'data'] as const;
const CATEGORY_COLOURS = ['#4c78a8', '#b279a2', '#f58518', '#eeca3b', '#e45756', '#72b7b2'];
const PHASE_COLOURS = ['#4c78a8', '#72b7b2', '#9d755d', '#54a24b', '#eeca3b', '#e45756'];

/** What the error chart needs of a run report. */
export interface ErrorsOf {
  run_id?: string;
  dry_run?: boolean;
  phases?: readonly string[];
  errors: ReadonlyArray<{ entity: string; category: string }>;
}

/**
 * Error rows per entity, split by category. Named `errors` for a run of every phase, else
 * `errors-<phases>`, so each load notebook's chart keeps its own file beside the whole run's.
 */
export function errorChart(report: ErrorsOf): Chart {
  const counts = new Map<string, number>();
  for (const e of report.errors) counts.set(`${e.entity}\t${e.category}`, (counts.get(`${e.entity}\t${e.category}`) ?? 0) + 1);
  const rows = [...counts].map(([key, errors]) => {
    const [entity, category] = key.split('\t');
    return { entity, category, errors };
  });
  const phases = report.phases ?? PHASES;
  const all = PHASES.every((p) => phases.includes(p));
  const what = report.dry_run ? 'would fail' : 'failed';
  return stackedBars({
    name: all ? 'errors' : `errors-${phases.join('-')}`,
    title: `Error rows per entity and category (${report.errors.length} ${what}${all ? '' : `; ${phases.join(', ')}`})`,
    rows,
    y: { field: 'entity', title: 'entity' },
    x: { field: 'errors', title: 'error rows' },
    color: { field: 'category', domain: ERROR_CATEGORIES, range: CATEGORY_COLOURS },
    runId: report.run_id,
    empty: report.dry_run ? 'No error rows: every record would load' : 'No error rows: every record loaded',
  });
}

/** Records that reached an outcome in the ledger, per phase, up to a moment of the run. */
export interface ProgressRow {
  phase: string;
  /** Seconds since the run's first outcome. */
  seconds: number;
  /** Records with an outcome written so far (created, updated, external or failed; an unchanged record writes no event). */
  records: number;
  failed: number;
}

const OUTCOMES = ['created', 'updated', 'skipped', 'external', 'failed'];
/** Points per phase, at most: a long run is drawn from its events added up per time step. */
const MAX_POINTS = 240;

/**
 * A run's progress, per phase, from the ledger's events (read-only). Outcomes are counted per
 * second (per tenth of a second in a run of two minutes or less) in SQLite, then added up, so a
 * run of a million events costs two grouped queries.
 */
export function loadProgress(ledgerFile: string, runId: string, phaseOf: ReadonlyMap<string, string>): ProgressRow[] {
  if (!fs.existsSync(ledgerFile)) return [];
  const db = new Database(ledgerFile, { readonly: true, fileMustExist: true });
  const outcome = `run_id = ? AND to_state IN (${OUTCOMES.map(() => '?').join(', ')})`;
  let slots: Array<{ slot: string; entity: string; n: number; failed: number }>;
  try {
    const span = db.prepare(`SELECT MIN(at) AS first, MAX(at) AS last FROM events WHERE ${outcome}`).get(runId, ...OUTCOMES) as {
      first: string | null;
      last: string | null;
    };
    if (!span.first || !span.last) return [];
    // `at` is ISO 8601 in UTC: its first 19 characters are the second, 21 the tenth of a second.
    const width = Date.parse(span.last) - Date.parse(span.first) <= 120_000 ? 21 : 19;
    slots = db
      .prepare(
        `SELECT substr(at, 1, ${width}) AS slot, entity, COUNT(*) AS n, SUM(to_state = 'failed') AS failed FROM events
         WHERE ${outcome} GROUP BY slot, entity ORDER BY slot`,
      )
      .all(runId, ...OUTCOMES) as typeof slots;
  } finally {
    db.close();
  }
  const at = (slot: string) => Date.parse(`${slot}${slot.length === 19 ? '' : '00'}Z`);
  const start = at(slots[0].slot);
  const spanMs = at(slots[slots.length - 1].slot) - start;
  // At most MAX_POINTS steps per phase, each a whole number of slots.
  const slotMs = slots[0].slot.length === 19 ? 1000 : 100;
  const stepMs = Math.max(slotMs, Math.ceil(spanMs / MAX_POINTS / slotMs) * slotMs);
  const byPhase = new Map<string, Map<number, { n: number; failed: number }>>();
  for (const s of slots) {
    const phase = phaseOf.get(s.entity) ?? 'other';
    const t = Math.ceil((at(s.slot) - start) / stepMs) * stepMs;
    const points = byPhase.get(phase) ?? new Map<number, { n: number; failed: number }>();
    const p = points.get(t) ?? { n: 0, failed: 0 };
    p.n += s.n;
    p.failed += s.failed;
    points.set(t, p);
    byPhase.set(phase, points);
  }
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const out: ProgressRow[] = [];
  for (const [phase, points] of byPhase) {
    let records = 0;
    let failed = 0;
    const times = [...points.keys()].sort((a, b) => a - b);
    // Each line starts from zero where its phase started.
    out.push({ phase, seconds: seconds(Math.max(0, times[0] - stepMs)), records: 0, failed: 0 });
    for (const t of times) {
      records += points.get(t)!.n;
      failed += points.get(t)!.failed;
      out.push({ phase, seconds: seconds(t), records, failed });
    }
  }
  return out;
}

/** Each entity's phase. The entity modules are loaded only here: a notebook that never draws the load does not pay for them. */
export async function entityPhases(): Promise<Map<string, string>> {
  const { ENTITIES } = await import('../../entities/index.js');
  return new Map(ENTITIES.map((e) => [e.name, e.phase as string]));
}

/** Records with an outcome over the run's time, one line per phase: where the time went, and what stalled. */
export async function progressChart(ledgerFile: string, runId: string): Promise<Chart> {
  const name = 'load-progress';
  const rows = loadProgress(ledgerFile, runId, await entityPhases());
  const title = `The load over time, per phase (run ${runId})`;
  if (!rows.length) return emptyChart(name, title, `No outcomes in the ledger for run ${runId} (a dry run writes none)`, runId);
  const minutes = Math.max(...rows.map((r) => r.seconds)) > 600;
  const values = rows.map((r) => ({ ...r, time: minutes ? Math.round((r.seconds / 60) * 100) / 100 : r.seconds }));
  // The text form: one line per phase (its points are in the spec).
  const phases = [...new Set(rows.map((r) => r.phase))].map((phase) => {
    const own = rows.filter((r) => r.phase === phase);
    const last = own[own.length - 1];
    return { phase, records: last.records, failed: last.failed, from_s: own[0].seconds, to_s: last.seconds };
  });
  return {
    name,
    title,
    rows: phases,
    runId,
    spec: {
      ...base(name, title, values),
      width: WIDTH,
      height: 220,
      mark: { type: 'line', interpolate: 'linear', point: values.length <= 60 ? { size: 16 } : false },
      encoding: {
        x: { field: 'time', type: 'quantitative', title: minutes ? 'minutes since the first outcome' : 'seconds since the first outcome' },
        y: {
          field: 'records',
          type: 'quantitative',
          title: 'records with an outcome',
          axis: countAxis(Math.max(...rows.map((r) => r.records))),
        },
        color: {
          field: 'phase',
          type: 'nominal',
          scale: presentScale(PHASES, PHASE_COLOURS, new Set(rows.map((r) => r.phase))),
          legend: { title: null, orient: 'bottom', columns: 7 },
        },
      },
    },
  };
}
