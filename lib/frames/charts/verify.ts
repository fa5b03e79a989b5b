/**
 * Verify's reconciliation per entity (notebook 08, and report.html): each entity's selected
 * records split into reconciled, differing, failed, pending and never loaded, and the customers
 * whose money differs. Drawn from the count rows and differences (the notebook's, before the
 * verdict is written) or from verify.json's verdicts: both carry the same numbers.
 */
import { stackedBars } from './bars.js';
import type { Chart } from './chart.js';

export const OUTCOMES = ['reconciled', 'differs', 'failed', 'pending', 'not loaded'] as const;
const OUTCOME_COLOURS = ['#54a24b', '#f58518', '#e45756', '#b279a2', '#bab0ac'];

/** Checks whose differences name a migrated record that Splynx holds otherwise (the others are ledger states). */
const RECORD_CHECKS = new Set(['count', 'field']);

export interface ReconciliationInput {
  /** Count rows or verdict rows; a row whose counts are not numbers (the money row of a verdict) is left out. */
  rows: ReadonlyArray<{
    entity: string;
    selected: number | string;
    done: number | string;
    failed: number | string;
    pending: number | string;
  }>;
  differences: ReadonlyArray<{ check: string; entity: string; sonar_id: string }>;
  /** The money check: customers compared (their differences are those with check `money`). */
  money?: { customers: number; skipped?: string } | null;
  runId?: string;
}

export function reconciliationChart(input: ReconciliationInput): Chart {
  const differing = new Map<string, Set<string>>();
  for (const d of input.differences) {
    if (!d.sonar_id || !(RECORD_CHECKS.has(d.check) || d.check === 'money')) continue;
    const key = d.check === 'money' ? 'money' : d.entity;
    (differing.get(key) ?? differing.set(key, new Set()).get(key)!).add(d.sonar_id);
  }
  const rows: Array<{ entity: string; outcome: string; records: number }> = [];
  const push = (entity: string, counts: Record<(typeof OUTCOMES)[number], number>) => {
    for (const outcome of OUTCOMES) if (counts[outcome] > 0) rows.push({ entity, outcome, records: counts[outcome] });
  };
  for (const r of input.rows) {
    const [selected, done, failed, pending] = [r.selected, r.done, r.failed, r.pending];
    if (![selected, done, failed, pending].every((n) => typeof n === 'number')) continue;
    const differs = Math.min(done as number, differing.get(r.entity)?.size ?? 0);
    push(r.entity, {
      reconciled: (done as number) - differs,
      differs,
      failed: failed as number,
      pending: pending as number,
      'not loaded': Math.max(0, (selected as number) - (done as number) - (failed as number) - (pending as number)),
    });
  }
  if (input.money && !input.money.skipped) {
    const differs = Math.min(input.money.customers, differing.get('money')?.size ?? 0);
    push('money (per customer)', { reconciled: input.money.customers - differs, differs, failed: 0, pending: 0, 'not loaded': 0 });
  }
  return stackedBars({
    name: 'reconciliation',
    title: 'Reconciliation per entity: the selected records, by what verify found',
    rows,
    y: { field: 'entity', title: 'entity' },
    x: { field: 'records', title: 'records' },
    color: { field: 'outcome', domain: OUTCOMES, range: OUTCOME_COLOURS },
    runId: input.runId,
    empty: 'Nothing was selected for verification',
  });
}
