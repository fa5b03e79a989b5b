/**
 * The ledger, opened read-only. Verification must never change what it checks: SQLite itself
 * refuses any write through this handle, so no code path here can mark, settle or create a row.
 * It answers the same questions the loader's Ledger does (a Splynx id for a reference, an
 * entity's rows), with the same rule for which states count as migrated.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import type { LedgerRecord, RecordState } from '../ledger/index.js';

/** States whose record is in Splynx (as the loader's DONE set). */
export const DONE_STATES: ReadonlySet<RecordState> = new Set(['created', 'updated', 'skipped', 'external']);

export class LedgerView {
  private readonly db: Database.Database;
  private readonly byEntity = new Map<string, LedgerRecord[]>();

  constructor(readonly file: string) {
    if (!fs.existsSync(file)) throw new Error(`No ledger at ${file}: nothing has been migrated yet (run a load first)`);
    this.db = new Database(file, { readonly: true, fileMustExist: true });
  }

  close(): void {
    this.db.close();
  }

  /** Every row of an entity, oldest first; read once per verification, so all checks see the same ledger. */
  records(entity: string): LedgerRecord[] {
    let rows = this.byEntity.get(entity);
    if (!rows)
      this.byEntity.set(
        entity,
        (rows = this.db.prepare('SELECT * FROM records WHERE entity = ? ORDER BY rowid').all(entity) as LedgerRecord[]),
      );
    return rows;
  }

  get(entity: string, sonarId: string): LedgerRecord | undefined {
    return this.index(entity).get(String(sonarId));
  }

  /** The Splynx id a transform refers to, exactly as Ledger.splynxId answers it. */
  splynxId(entity: string, sonarId: string | number | null | undefined): string | null {
    if (sonarId === null || sonarId === undefined) return null;
    const r = this.index(entity).get(String(sonarId));
    return r && r.splynx_id && r.state !== 'pending' && r.state !== 'failed' ? r.splynx_id : null;
  }

  /** One record's ledger events, oldest first (lib/explain). */
  events(entity: string, sonarId: string): Array<Record<string, unknown>> {
    return this.db.prepare('SELECT * FROM events WHERE entity = ? AND sonar_id = ? ORDER BY seq').all(entity, String(sonarId)) as Array<
      Record<string, unknown>
    >;
  }

  /** The rows that are in Splynx (done, with a Splynx id). */
  done(entity: string): LedgerRecord[] {
    return this.records(entity).filter((r) => DONE_STATES.has(r.state) && r.splynx_id);
  }

  private readonly indexes = new Map<string, Map<string, LedgerRecord>>();
  private index(entity: string): Map<string, LedgerRecord> {
    let idx = this.indexes.get(entity);
    if (!idx) this.indexes.set(entity, (idx = new Map(this.records(entity).map((r) => [r.sonar_id, r]))));
    return idx;
  }
}
