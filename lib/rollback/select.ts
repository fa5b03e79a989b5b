/**
 * Which ledger records a rollback covers. A record is the migration's own when the ledger saw it
 * created (an `events` row taking it to `created`: a POST answered, a lost answer settled by its
 * natural key, or an attach-only record's first PUT) under the Splynx id it still has. External
 * records (registered by hand, or adopted by natural key) never are, nor seed records (never in
 * the ledger), nor records that were only updated. `records.run_id` changes on every transition,
 * so the run that created a record is the run of that event.
 */
import type { Ledger, LedgerRecord } from '../ledger/index.js';

export interface OwnRecord extends LedgerRecord {
  /** The run whose transition took the record to `created`. */
  created_by: string | null;
  /** That event's sequence number: records are undone newest first. */
  seq: number;
}

/** States in which a record the migration created may still be in Splynx. */
const LIVE = new Set(['created', 'updated', 'skipped', 'failed', 'deleting']);

export interface Selection {
  /** Only records this run created. */
  run?: string;
  /** Only these entities (an entity and its dependants). */
  entities?: Set<string>;
}

export interface Candidates {
  /** The selected records the migration created. */
  selected: OwnRecord[];
  /** Every record the migration created that may still be in Splynx, selected or not (for what goes with a parent). */
  own: OwnRecord[];
  /** Selected records whose create never got an answer (`pending`): nobody knows whether Splynx has them. */
  unsettled: LedgerRecord[];
  /** Every ledger record with a Splynx id (external ones too), to say whose a record in Splynx is. */
  known: LedgerRecord[];
}

export function candidates(ledger: Ledger, sel: Selection): Candidates {
  const creations = ledger.creations();
  const own: OwnRecord[] = [];
  const unsettled: LedgerRecord[] = [];
  const known: LedgerRecord[] = [];
  const wanted = (entity: string, run: string | null) => (!sel.run || run === sel.run) && (!sel.entities || sel.entities.has(entity));
  for (const r of ledger.records()) {
    if (r.splynx_id) known.push(r);
    if (r.state === 'pending') {
      if (wanted(r.entity, r.run_id)) unsettled.push(r);
      continue;
    }
    const c = creations.get(`${r.entity}:${r.sonar_id}`);
    // Remapped since (register-external after a failure) or never created: not ours to delete.
    if (!c || !LIVE.has(r.state) || !r.splynx_id || c.splynx_id !== r.splynx_id) continue;
    own.push({ ...r, created_by: c.run_id, seq: c.seq });
  }
  return { own, selected: own.filter((r) => wanted(r.entity, r.created_by)), unsettled, known };
}
