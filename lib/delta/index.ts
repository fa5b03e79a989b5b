/**
 * The cutover delta: `migrate.ts delta --since SNAPSHOT_ID [load options]`.
 *
 * Between the rehearsal and cutover day Sonar keeps changing. The delta takes an incremental
 * snapshot of what was updated since the rehearsal's snapshot, cleans it as part of the whole
 * picture (lib/frames/load.ts lays it over the snapshots it builds on), and runs the load
 * notebooks on that picture. Nothing here decides what to send: the ledger's payload hashes do.
 * A record whose payload did not change is skipped (no write), a changed one is updated (PUT), a
 * new one is created (POST), through the same exactly-once loader as the first run.
 *
 * Like every migrating command, it only replays the analyst's notebooks (01 with `since`, 02,
 * then 04–07 as `all` does), so the interactive and the headless paths are the same code.
 */
import type { Ledger } from '../ledger/index.js';
import type { RunReport } from '../load/run.js';
import type { SnapshotManifest } from '../sonar/snapshot.js';

/** The Splynx entities a deleted Sonar record of a checked table may have become. */
const DELETED_AS: Record<string, string[]> = {
  accounts: ['customers'],
  account_services: ['internet_services', 'recurring_services', 'voice_services', 'billing_coverage'],
};

export interface DeltaEntityRow {
  entity: string;
  created: number;
  updated: number;
  /** The loader's `skipped`: same payload as last sent (or not updatable), so nothing was written. */
  unchanged: number;
  adopted: number;
  failed: number;
  /** Not migrated by the analyst's decision (data/exclusions.csv). */
  excluded: number;
}

export interface DeletedRow {
  table: string;
  sonar_id: string;
  entity: string;
  splynx_id: string;
  what_to_do: string;
}

export interface DeltaSummary {
  since: string;
  snapshot: string;
  run_id: string;
  /** Records the incremental snapshot read, per table (changed ones, and a few at the boundary). */
  changed_in_sonar: Record<string, number>;
  entities: DeltaEntityRow[];
  deleted_in_sonar: DeletedRow[];
  errors: number;
}

/** The per-entity counts of a run, with the deletions the snapshot found and what Splynx holds for them. */
export function deltaSummary(report: RunReport, manifest: SnapshotManifest, ledger: Ledger | null): DeltaSummary {
  const deleted: DeletedRow[] = [];
  for (const [table, ids] of Object.entries(manifest.deleted ?? {})) {
    for (const id of ids) {
      const hits = (DELETED_AS[table] ?? []).map((e) => ({ entity: e, rec: ledger?.get(e, id) })).filter((h) => h.rec?.splynx_id);
      if (!hits.length) deleted.push({ table, sonar_id: id, entity: '', splynx_id: '', what_to_do: 'never migrated: nothing to do' });
      for (const h of hits) {
        deleted.push({
          table,
          sonar_id: id,
          entity: h.entity,
          splynx_id: h.rec!.splynx_id!,
          what_to_do: `still in Splynx: delete or disable ${h.entity} ${h.rec!.splynx_id} there if it should go too`,
        });
      }
    }
  }
  return {
    since: manifest.since ?? '',
    snapshot: manifest.id,
    run_id: report.run_id,
    changed_in_sonar: Object.fromEntries(
      Object.entries(manifest.tables)
        .filter(([, t]) => t.count > 0)
        .map(([t, p]) => [t, p.count]),
    ),
    entities: Object.entries(report.entities).map(([entity, c]) => ({
      entity,
      created: c.created,
      updated: c.updated,
      unchanged: c.skipped,
      adopted: c.adopted,
      failed: c.failed,
      excluded: c.excluded ?? 0,
    })),
    deleted_in_sonar: deleted,
    errors: report.errors.length,
  };
}
