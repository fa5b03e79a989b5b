/**
 * What a verification works on: the cleaned dataset the load read, the ledger (read-only), the
 * Splynx and Sonar clients, and the same TransformContext the loader builds, so the payload
 * expected of each record is the one the loader would send today.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveHandover, type Handover } from '../billing/handover.js';
import type { Settings } from '../config.js';
import { MAPPING_SPECS, type Row, type TransformContext } from '../entities/index.js';
import { loadCleanedRecords, readCleanManifest, UNUSED_BY_LOAD } from '../frames/load.js';
import { transformContext } from '../load/context.js';
import { ledgerPath, mappingsDir, splynxApi } from '../load/session.js';
import { dataPath } from '../paths.js';
import type { SonarClient } from '../sonar/client.js';
import { findSnapshot, sonarClient } from '../sonar/extract.js';
import { readManifest } from '../sonar/snapshot.js';
import type { SplynxApi } from '../splynx/client.js';
import { LedgerView } from './ledger-view.js';
import { readExcluded, type ExcludedRecord } from '../load/excluded.js';
import { changedScope, type VerifyScope } from './scope.js';

export interface VerifySession {
  settings: Settings;
  api: SplynxApi;
  sonar: SonarClient;
  ledger: LedgerView;
  tables: Record<string, Row[]>;
  ctx: TransformContext;
  /** The cleaned dataset (= snapshot) id. */
  snapshotId: string;
  /**
   * Whether the snapshot holds all of Sonar (no account selection; an incremental one as its chain). Only then
   * must Sonar's live totals equal it, and only then is a ledger record missing from it a record
   * Sonar no longer has.
   */
  wholeSnapshot: boolean;
  /** Why the snapshot is not whole, for the table's notes. */
  snapshotNote: string;
  /** The first day Splynx bills, as the load took it (the setting, else the snapshot's date). */
  handover: Handover;
  /** Records the analyst excluded (not in `tables`): explained, not differences. */
  excluded: ExcludedRecord[];
  /** With `changedOnly`: the accounts Sonar changed since the snapshot this one builds on (lib/verify/scope.ts). */
  scope: VerifyScope | null;
}

/** Opens the cleaned dataset of the named snapshot (default: the newest), read-only. */
export async function openVerify(settings: Settings, snapshotId = '', opts: { changedOnly?: boolean } = {}): Promise<VerifySession> {
  const id = snapshotId || findSnapshot(settings).manifest.id;
  const dir = dataPath(settings.DATA_DIR, 'clean', id);
  if (!fs.existsSync(path.join(dir, 'manifest.json')))
    throw new Error(`Snapshot ${id} has not been cleaned: run migrate.ts clean (notebook 02) first, or migrate.ts rehearse`);
  const cleaned = readCleanManifest(dir);
  const tables = await loadCleanedRecords(dir, { omit: UNUSED_BY_LOAD });
  const ledger = new LedgerView(ledgerPath(settings));
  const handover = resolveHandover(settings, id);
  // Mapping tables are only read here (MappingTable reads its file when opened; nothing proposes).
  const ctx = transformContext({
    tables,
    ledger,
    timezone: settings.TIMEZONE,
    handoverDate: handover.date,
    mappingsDir: mappingsDir(settings),
    mappingSpecs: MAPPING_SPECS,
  });
  const scope = snapshotScope(settings, cleaned.source_snapshot ?? id);
  const session: VerifySession = {
    settings,
    api: splynxApi(settings),
    sonar: sonarClient(settings),
    ledger,
    tables,
    ctx,
    snapshotId: id,
    wholeSnapshot: scope.whole,
    snapshotNote: scope.note,
    handover,
    excluded: await readExcluded(dir),
    scope: null,
  };
  if (opts.changedOnly) session.scope = await changedScope(session);
  return session;
}

/**
 * An incremental snapshot is cleaned as the whole picture (its chain laid over each other, see
 * lib/frames/load.ts), so it is as whole as the snapshot the chain starts from.
 */
function snapshotScope(settings: Settings, id: string): { whole: boolean; note: string } {
  const dir = dataPath(settings.DATA_DIR, 'snapshots', id);
  if (!fs.existsSync(path.join(dir, 'manifest.json')))
    return { whole: false, note: `snapshot ${id} (its manifest is gone, so whether it held all of Sonar is unknown)` };
  const m = readManifest(dir);
  if (m.since) return snapshotScope(settings, m.since);
  if (m.selection) return { whole: false, note: 'selective snapshot (some accounts only)' };
  return { whole: true, note: '' };
}
