/**
 * Carrying out a rollback plan, crash-safe: each record is marked `deleting` (on disk) before its
 * DELETE and `deleted` after, together with what went with it. A 404 means it was already gone.
 * Splynx refusing (a 4xx) puts the record's state back: it is still there. No answer at all
 * leaves it `deleting`: the next rollback sends the DELETE again (a 404 then settles it), and a
 * load in between looks it up by natural key and keeps it. A crash anywhere leaves the ledger
 * saying at worst "maybe", never "gone" for a record that is there.
 */
import pLimit from 'p-limit';
import { scrubSecrets } from '../config.js';
import type { Ledger } from '../ledger/index.js';
import type { ErrorCategory, ErrorRow } from '../load/errors.js';
import { SplynxError, type SplynxApi } from '../splynx/client.js';
import type { PlanItem } from './plan.js';

export type Result =
  | 'deleted'
  | 'already gone'
  | 'deleted with parent'
  | 'remove by hand'
  | 'refused'
  | 'outcome unknown'
  | 'blocked'
  | 'unsettled'
  | 'not attempted'
  | 'kept'
  | 'would delete'
  | 'would mark gone'
  | 'would go with parent';

export interface RollbackRow {
  entity: string;
  sonar_id: string;
  splynx_id: string;
  created_by: string;
  action: string;
  target: string;
  result: Result;
  message: string;
}

export interface ExecuteOptions {
  dryRun?: boolean;
  concurrency?: number;
  secrets?: string[];
  /** After each record (for progress; a test throws here to stop a rollback part-way). */
  onProgress?(p: { entity: string; done: number; total: number }): void;
}

const GONE: Result[] = ['deleted', 'already gone'];

export async function executePlan(
  api: SplynxApi,
  ledger: Ledger,
  plan: PlanItem[],
  opts: ExecuteOptions = {},
): Promise<{ rows: RollbackRow[]; errors: ErrorRow[] }> {
  const rows: RollbackRow[] = [];
  const errors: ErrorRow[] = [];
  const results = new Map<PlanItem, Result>();
  const scrub = (s: string) => scrubSecrets(s, opts.secrets ?? []);
  const limit = pLimit(opts.concurrency ?? 8);
  let done = 0;

  const record = (it: PlanItem, result: Result, message = '') => {
    results.set(it, result);
    rows.push({
      entity: it.entity,
      sonar_id: it.sonar_id,
      splynx_id: it.splynx_id,
      created_by: it.created_by ?? '',
      action: it.action,
      target: it.target,
      result,
      message: scrub(message),
    });
    const parentResult: Result | null = GONE.includes(result)
      ? 'deleted with parent'
      : result === 'would delete' || result === 'would mark gone'
        ? 'would go with parent'
        : null;
    for (const ch of it.children) {
      results.set(ch, parentResult ?? 'kept');
      rows.push({
        entity: ch.entity,
        sonar_id: ch.sonar_id,
        splynx_id: ch.splynx_id,
        created_by: ch.created_by ?? '',
        action: ch.action,
        target: ch.target,
        result: parentResult ?? 'kept',
        message: parentResult ? '' : `its ${it.entity} ${it.splynx_id} stays`,
      });
    }
  };
  const fail = (it: PlanItem, result: Result, category: ErrorCategory, message: string, suggestion: string) => {
    record(it, result, message);
    errors.push({
      entity: it.entity,
      source_id: it.sonar_id,
      category,
      message: scrub(it.splynx_id ? `[Splynx id ${it.splynx_id}] ${message}` : message),
      fields: '',
      suggestion,
    });
  };
  /** The record and what went with it, in one transaction. */
  const markGone = (it: PlanItem, detail: string) =>
    ledger.markDeleted([
      { entity: it.entity, sonarId: it.sonar_id, detail },
      ...it.children.map((ch) => ({ entity: ch.entity, sonarId: ch.sonar_id, detail: `deleted with ${it.entity} ${it.splynx_id}` })),
    ]);

  async function one(it: PlanItem): Promise<void> {
    switch (it.action) {
      case 'kept':
        return record(it, 'kept', it.reason);
      case 'unsettled':
        return fail(
          it,
          'unsettled',
          'data',
          `${it.reason}; it may or may not be in Splynx`,
          'Run the load again (it settles the record by its natural key), then run rollback again',
        );
      case 'blocked':
        return fail(
          it,
          'blocked',
          'data',
          it.reason ?? 'blocked',
          'Roll those back first (their run, or without --run), or remove them by hand in Splynx, then run rollback again',
        );
      case 'by-hand':
        if (!opts.dryRun && it.state !== 'deleting')
          ledger.markDeleting(it.entity, it.sonar_id, `no DELETE in Splynx: remove by hand (${it.target})`);
        return fail(
          it,
          'remove by hand',
          'api',
          `${it.reason} (comment ${it.splynx_id} of ${it.target})`,
          `Delete comment ${it.splynx_id} of ${it.target} by hand in Splynx, then run rollback again: it finds it gone and marks the ledger`,
        );
      case 'gone':
        if (opts.dryRun) return record(it, 'would mark gone', 'not in Splynx any more');
        markGone(it, 'not in Splynx any more');
        return record(it, 'already gone', 'not in Splynx any more');
      case 'with-parent':
        return; // recorded with its parent
      case 'delete': {
        const ok: Result[] = opts.dryRun ? ['would delete', 'would mark gone'] : GONE;
        const first = it.requires.find((r) => !ok.includes(results.get(r) as Result));
        if (first)
          return fail(
            it,
            'not attempted',
            'data',
            `${first.entity} ${first.splynx_id} (Sonar ${first.sonar_id}) had to go first and did not`,
            `Fix the error of ${first.entity} with Sonar id ${first.sonar_id} (its own row), then run rollback again`,
          );
        if (opts.dryRun) return record(it, 'would delete', `DELETE ${it.target}`);
        return deleteOne(it);
      }
    }
  }

  async function deleteOne(it: PlanItem): Promise<void> {
    if (it.state !== 'deleting') ledger.markDeleting(it.entity, it.sonar_id, `DELETE ${it.target}`);
    try {
      await api.remove(it.target);
    } catch (e) {
      if (e instanceof SplynxError && e.status === 404) {
        markGone(it, `already gone (404 on DELETE ${it.target})`);
        return record(it, 'already gone', '404: not in Splynx any more');
      }
      // Splynx answered no: the record is still there, as it was.
      if (e instanceof SplynxError && e.status && e.status < 500 && e.status !== 429) {
        ledger.restoreState(it.entity, it.sonar_id, `rollback refused: ${scrub(e.message)}`);
        const inUse = e.details.code === 'ENTITY_CANNOT_BE_DELETED' || /still used|cannot be deleted/i.test(e.message);
        const category: ErrorCategory =
          e.category === 'authentication' ? 'authentication' : e.category === 'validation' ? 'validation' : 'api';
        return fail(
          it,
          'refused',
          category,
          e.message,
          inUse
            ? 'Something in Splynx still refers to it: roll back what refers to it first (its run, or --entity), or remove the reference by hand, then run rollback again'
            : category === 'authentication'
              ? "Check SPLYNX_API_KEY, SPLYNX_API_SECRET and the key's permissions (it needs delete), then run rollback again"
              : 'Splynx refused the delete: check the message, fix the cause, then run rollback again',
        );
      }
      return fail(
        it,
        'outcome unknown',
        e instanceof SplynxError ? 'network' : 'api',
        `no answer to DELETE ${it.target}: ${(e as Error).message}`,
        'Run rollback again: it sends the DELETE again, and a record already gone counts as deleted',
      );
    }
    markGone(it, `DELETE ${it.target}`);
    record(it, 'deleted');
  }

  // Entity by entity in plan order; within one, waves so a record goes only after those it requires.
  // Something thrown (a crash of the caller's, a ledger that cannot write) stops the rollback where
  // it is: nothing queued starts after it, and what is in flight settles before the error goes up,
  // so no DELETE goes on behind the back of whatever runs next.
  const total = plan.length;
  let stopped: { error: unknown } | null = null;
  for (let i = 0; i < plan.length && !stopped;) {
    const entity = plan[i].entity;
    let group = plan.slice(i, (i = nextEntity(plan, i)));
    while (group.length && !stopped) {
      const wave = group.filter((it) => !it.requires.some((r) => group.includes(r)));
      const now = wave.length ? wave : group;
      group = group.filter((it) => !now.includes(it));
      await Promise.all(
        now.map((it) =>
          limit(async () => {
            if (stopped) return;
            try {
              await one(it);
              opts.onProgress?.({ entity, done: ++done, total });
            } catch (error) {
              stopped ??= { error };
            }
          }),
        ),
      );
    }
  }
  if (stopped) throw (stopped as { error: unknown }).error;
  return { rows, errors };
}

function nextEntity(plan: PlanItem[], i: number): number {
  let j = i;
  while (j < plan.length && plan[j].entity === plan[i].entity) j++;
  return j;
}
