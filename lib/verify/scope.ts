/**
 * A verification scoped to what Sonar changed (`verify --changed-only`, and cutover's verify).
 *
 * On cutover day the window is short and a full verify costs a request or more per customer (a
 * first-bill preview each, and the records no census lists read one by one): about 30,000 reads
 * for 10,000 accounts. An account that Sonar did not change since the rehearsal's snapshot, and
 * that the delta therefore did not write, reads back as the rehearsal's verify found it. So the
 * scoped check still counts every entity and compares every record a census lists (those cost a
 * page per 500), but reads one by one, and previews the first bill, only for the accounts that
 * changed: those whose own record, or any record that belongs to them, is in the incremental
 * snapshot, or was deleted in Sonar since (a deleted service leaves Splynx billing what Sonar no
 * longer does). Records that belong to no account (plans, staff, network) are always checked.
 *
 * A full snapshot has no "since": the scope is then everything, and says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ENTITIES } from '../entities/index.js';
import type { Row } from '../entities/types.js';
import { loadRecords, readCleanManifest } from '../frames/load.js';
import { dataPath } from '../paths.js';
import { accountOwner } from '../sonar/relations.js';
import { readManifest, snapshotChain } from '../sonar/snapshot.js';
import type { VerifySession } from './session.js';

export interface VerifyScope {
  /** The snapshot the changes are counted from. */
  since: string;
  /** Sonar account ids whose records changed (or were deleted) since. */
  accounts: Set<string>;
}

/** The account a record of `table` belongs to, as the loader's run log names it. */
function ownerOf(table: string, row: Row, s: VerifySession): string | null {
  if (table === 'accounts') return String(row.id);
  const mod = ENTITIES.find((m) => m.source === table && m.accountOf);
  try {
    return mod?.accountOf ? mod.accountOf(row, s.ctx) : accountOwner(table, row);
  } catch {
    return null;
  }
}

/** The accounts Sonar changed since the snapshot the session's one builds on; null for a full snapshot. */
export async function changedScope(s: VerifySession): Promise<VerifyScope | null> {
  const cleaned = readCleanManifest(dataPath(s.settings.DATA_DIR, 'clean', s.snapshotId));
  const dir = dataPath(s.settings.DATA_DIR, 'snapshots', cleaned.source_snapshot ?? s.snapshotId);
  const manifest = readManifest(dir);
  if (!manifest.since) return null;
  const accounts = new Set<string>();
  const add = (table: string, row: Row) => {
    // The whole picture's version of the row: cleaned, with the context's references resolved.
    const owner = ownerOf(table, s.ctx.byId(table, String(row.id)) ?? row, s);
    if (owner) accounts.add(owner);
  };
  const changes = await loadRecords(dir, { changesOnly: true });
  for (const [table, rows] of Object.entries(changes)) for (const r of rows) add(table, r);

  // Deleted since: their rows are only in the layers below, which hold what they belonged to.
  const deleted = Object.entries(manifest.deleted ?? {}).filter(([, ids]) => ids.length);
  const below = snapshotChain(dir)[1];
  if (deleted.length && below && fs.existsSync(path.join(below, 'manifest.json'))) {
    const before = await loadRecords(below, { tables: deleted.map(([t]) => t).filter((t) => t in readManifest(below).tables) });
    for (const [table, ids] of deleted) {
      const gone = new Set(ids.map(String));
      for (const r of before[table] ?? []) if (gone.has(String(r.id))) add(table, r);
    }
  }
  return { since: manifest.since, accounts };
}

/** Whether a record of `table` is in the scope: no scope, no owning account, or an owner that changed. */
export function inScope(scope: VerifyScope | null | undefined, table: string, row: Row | undefined, s: VerifySession): boolean {
  if (!scope || !row) return true;
  const owner = ownerOf(table, row, s);
  return owner === null || scope.accounts.has(owner);
}
