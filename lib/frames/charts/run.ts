/**
 * Charts of a load (notebooks 03–07, and report.html): the error rows per entity and category,
 * and the load's progress over time per phase, from the ledger's events.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { ENTITIES, PHASES } from '../../entities/index.js';
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
  /** Records with an outcome (created, updated, skipped, external or failed) so far. */
  records: number;
  failed: number;
}

const OUTCOMES = ['created', 'updated', 'skipped', 'external', 'failed'];
/** Points per phase, at most: a long run is drawn from its events added up per time step. */
const MAX_POINTS = 240;

/**
 * A run's progress, per phase, from the ledger's events (read-only). Outcomes are counted per
 * second in SQLite, then added up, so a run of a million events costs one grouped query.
 */
export function loadProgress(ledgerFile: string, runId: string): ProgressRow[] {
  if (!fs.existsSync(ledgerFile)) return [];
  const db = new Database(ledgerFile, { readonly: true, fileMustExist: true });
  let seconds: Array<{ second: string; entity: string; n: number; failed: number }>;
  try {
    seconds = db
      .prepare(
        `SELECT substr(at, 1, 19) AS second, entity, COUNT(*) AS n, SUM(to_state = 'failed') AS failed FROM events
         WHERE run_id = ? AND to_state IN (${OUTCOMES.map(() => '?').join(', ')}) GROUP BY second, entity ORDER BY second`,
      )
      .all(runId, ...OUTCOMES) as typeof seconds;
  } finally {
    db.close();
  }
  if (!seconds.length) return [];
  const phaseOf = new Map(ENTITIES.map((e) => [e.name, e.phase as string]));
  const start = Date.parse(`${seconds[0].second}Z`);
  const span = (Date.parse(`${seconds[seconds.length - 1].second}Z`) - start) / 1000;
  const step = Math.max(1, Math.ceil(span / MAX_POINTS));
  const byPhase = new Map<string, Map<number, { n: number; failed: number }>>();
  for (const s of seconds) {
    const phase = phaseOf.get(s.entity) ?? 'other';
    const t = Math.ceil((Date.parse(`${s.second}Z`) - start) / 1000 / step) * step;
    const points = byPhase.get(phase) ?? new Map<number, { n: number; failed: number }>();
    const p = points.get(t) ?? { n: 0, failed: 0 };
    p.n += s.n;
    p.failed += s.failed;
    points.set(t, p);
    byPhase.set(phase, points);
  }
  const out: ProgressRow[] = [];
  for (const [phase, points] of byPhase) {
    let records = 0;
    let failed = 0;
    const times = [...points.keys()].sort((a, b) => a - b);
    // Each line starts from zero where its phase started, so a phase's first second shows as a rise.
    out.push({ phase, seconds: Math.max(0, times[0] - step), records: 0, failed: 0 });
    for (const t of times) {
      records += points.get(t)!.n;
      failed += points.get(t)!.failed;
      out.push({ phase, seconds: t, records, failed });
    }
  }
  return out;
}

/** Records with an outcome over the run's time, one line per phase: where the time went, and what stalled. */
export function progressChart(ledgerFile: string, runId: string): Chart {
  const name = 'load-progress';
  const rows = loadProgress(ledgerFile, runId);
  const title = `The load over time, per phase (run ${runId})`;
  if (!rows.length) return emptyChart(name, title, `No outcomes in the ledger for run ${runId} (a dry run writes none)`, runId);
  const minutes = Math.max(...rows.map((r) => r.seconds)) > 600;
  const values = rows.map((r) => ({ ...r, time: minutes ? Math.round((r.seconds / 60) * 100) / 100 : r.seconds }));
  return {
    name,
    title,
    rows,
    runId,
    spec: {
      ...base(name, title, values),
      width: WIDTH,
      height: 220,
      mark: { type: 'line', interpolate: 'step-after', point: { size: 18 } },
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
