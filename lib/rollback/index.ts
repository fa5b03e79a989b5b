/**
 * Roll back: deletes from Splynx what the migration created, using the ledger, newest and most
 * dependent first, and marks the ledger as it goes (see execute.ts). Only records the migration
 * created are touched (select.ts); `run` narrows it to one run's creations, `entity` to an entity
 * and everything that depends on it. A dry run reads Splynx (to know each service's customer and
 * what a delete would take along) and writes nothing.
 *
 * Each rollback writes `rollback.json` (the selection, counts, every row and every error),
 * `rollback.csv` (the rows) and `errors.csv` to its run folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ENTITIES, entity as entityModule } from '../entities/index.js';
import type { Ledger } from '../ledger/index.js';
import type { ErrorRow } from '../load/errors.js';
import type { SplynxApi } from '../splynx/client.js';
import { deleteNeeds, preflightRows } from '../load/preflight.js';
import { preflight } from '../splynx/preflight.js';
import { executePlan, type ExecuteOptions, type Result, type RollbackRow } from './execute.js';
import { buildPlan } from './plan.js';
import { withDependants } from './rules.js';
import { candidates } from './select.js';

export interface RollbackOptions extends ExecuteOptions {
  runId: string;
  /** Where rollback.json, rollback.csv and errors.csv go. */
  runDir: string;
  /** Only what this run created. */
  run?: string;
  /** Only this entity, and first everything that depends on it. */
  entity?: string;
}

export interface RollbackReport {
  run_id: string;
  dry_run: boolean;
  started_at: string;
  finished_at: string;
  selection: { run: string | null; entity: string | null; entities: string[] | null };
  entities: Record<string, Partial<Record<Result, number>>>;
  rows: RollbackRow[];
  errors: ErrorRow[];
}

export async function rollback(api: SplynxApi, ledger: Ledger, opts: RollbackOptions): Promise<RollbackReport> {
  const started = new Date().toISOString();
  if (opts.entity) entityModule(opts.entity); // an unknown name is refused with the list of known ones
  if (opts.run && !ledger.runs().some((r) => r.run_id === opts.run)) {
    throw new Error(
      `The ledger has no run ${opts.run}. Runs: ${
        ledger
          .runs()
          .map((r) => r.run_id)
          .join(', ') || '(none)'
      }`,
    );
  }
  const entities = opts.entity ? withDependants(opts.entity) : null;
  const plan = await buildPlan(api, candidates(ledger, { run: opts.run, entities: entities ? new Set(entities) : undefined }));
  if (!opts.dryRun) ledger.startRun(opts.runId, { command: 'rollback', run: opts.run ?? null, entity: opts.entity ?? null });
  // The key's delete permissions, before the first delete: a rollback that would stop half-way deletes nothing.
  const denied = preflightRows(await preflight(api, deleteNeeds(plan), { generateToken: !opts.dryRun }));
  const blocked = denied.length > 0 && !opts.dryRun;
  const done = blocked ? { rows: [], errors: [] } : await executePlan(api, ledger, plan, opts);
  const { rows } = done;
  const errors = [...denied, ...done.errors];
  const report: RollbackReport = {
    run_id: opts.runId,
    dry_run: !!opts.dryRun,
    started_at: started,
    finished_at: new Date().toISOString(),
    selection: { run: opts.run ?? null, entity: opts.entity ?? null, entities },
    entities: countByEntity(rows),
    rows,
    errors,
  };
  if (!opts.dryRun) ledger.finishRun({ rollback: report.entities, errors: errors.length });
  fs.mkdirSync(opts.runDir, { recursive: true });
  fs.writeFileSync(path.join(opts.runDir, 'rollback.json'), JSON.stringify(report, null, 2));
  fs.writeFileSync(
    path.join(opts.runDir, 'rollback.csv'),
    stringify(rows, { header: true, columns: ['entity', 'sonar_id', 'splynx_id', 'created_by', 'action', 'target', 'result', 'message'] }),
  );
  fs.writeFileSync(
    path.join(opts.runDir, 'errors.csv'),
    stringify(errors, { header: true, columns: ['entity', 'source_id', 'category', 'message', 'fields', 'suggestion'] }),
  );
  return report;
}

/** Counts per entity and result, in the order records leave Splynx (the load order reversed). */
function countByEntity(rows: RollbackRow[]): RollbackReport['entities'] {
  const out: RollbackReport['entities'] = {};
  const order = ENTITIES.map((e) => e.name).reverse();
  for (const r of [...rows].sort((a, b) => order.indexOf(a.entity) - order.indexOf(b.entity))) {
    const e = (out[r.entity] ??= {});
    e[r.result] = (e[r.result] ?? 0) + 1;
  }
  return out;
}

/** One line per entity, in the order things left Splynx: for the printed table. */
export function rollbackSummary(report: RollbackReport): Array<Record<string, string | number>> {
  const failed: Result[] = ['refused', 'outcome unknown', 'blocked', 'unsettled', 'not attempted'];
  return Object.entries(report.entities).map(([entity, c]): Record<string, string | number> => {
    const n = (...rs: Result[]) => rs.reduce((s, r) => s + (c[r] ?? 0), 0);
    return report.dry_run
      ? {
          entity,
          'would delete': n('would delete'),
          'with parent': n('would go with parent'),
          'already gone': n('would mark gone'),
          'by hand': n('remove by hand'),
          'would fail': n(...failed),
          kept: n('kept'),
        }
      : {
          entity,
          deleted: n('deleted'),
          'with parent': n('deleted with parent'),
          'already gone': n('already gone'),
          'by hand': n('remove by hand'),
          failed: n(...failed),
          kept: n('kept'),
        };
  });
}

export { withDependants };
