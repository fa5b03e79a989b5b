/**
 * The Sonar sandbox's data: one array per table, in id order, with an id index and foreign-key
 * indexes built on first use. At 100,000 accounts (about a million records) a nested connection
 * must be a map lookup, not a scan.
 */
import type { SonarDataset, SonarRecord } from '../dataset.js';

/** Marks each record with its GraphQL type, for polymorphic owners; symbols never reach JSON. */
export const TYPE = Symbol('sonarType');
export type StoredRecord = SonarRecord & { [TYPE]?: string };

export class SonarStore {
  /** Bumped on every change; caches compare against it. */
  version = 0;
  private readonly byId = new Map<string, Map<string, StoredRecord>>();
  private readonly fkIndexes = new Map<string, Map<string, StoredRecord[]>>();

  constructor(
    readonly dataset: SonarDataset,
    /** root query name (table) → GraphQL type name */
    private readonly typeOfTable: Map<string, string>,
  ) {
    for (const [table, type] of typeOfTable) {
      const rows = (dataset.tables[table] ??= []) as StoredRecord[];
      rows.forEach((r) => (r[TYPE] = type));
      // Paging is by id; sort once so an unsorted fixture pages the same way.
      if (!isSortedById(rows)) rows.sort((a, b) => Number(a.id) - Number(b.id));
    }
  }

  rows(table: string): StoredRecord[] {
    return (this.dataset.tables[table] ?? []) as StoredRecord[];
  }

  get(table: string, id: unknown): StoredRecord | undefined {
    if (id === null || id === undefined) return undefined;
    let idx = this.byId.get(table);
    if (!idx) {
      idx = new Map(this.rows(table).map((r) => [String(r.id), r]));
      this.byId.set(table, idx);
    }
    return idx.get(String(id));
  }

  /** Records of `table` whose `field` equals `value` (or, with `typeField`, whose polymorphic owner is `type:value`). */
  children(table: string, field: string, value: unknown, typeField?: string, type?: string): StoredRecord[] {
    const key = `${table}|${typeField ?? ''}|${field}`;
    let idx = this.fkIndexes.get(key);
    if (!idx) {
      idx = new Map();
      for (const r of this.rows(table)) {
        const k = typeField ? `${r[typeField]}:${r[field]}` : String(r[field]);
        const list = idx.get(k);
        if (list) list.push(r);
        else idx.set(k, [r]);
      }
      this.fkIndexes.set(key, idx);
    }
    return idx.get(typeField ? `${type}:${value}` : String(value)) ?? [];
  }

  /** Inserts or replaces a record, as Sonar would on a change: new `updated_at`, next `_version`. */
  upsert(table: string, patch: SonarRecord, now = new Date()): StoredRecord {
    const type = this.typeOfTable.get(table);
    if (!type) throw new Error(`Unknown table "${table}"`);
    const rows = this.rows(table);
    const existing = patch.id !== undefined && patch.id !== null ? this.get(table, patch.id) : undefined;
    const stamp = isoWithOffset(now);
    let record: StoredRecord;
    if (existing) {
      Object.assign(existing, patch, { id: existing.id, updated_at: stamp, _version: String(Number(existing._version ?? 0) + 1) });
      record = existing;
    } else {
      const id =
        patch.id !== undefined && patch.id !== null ? String(patch.id) : String(rows.reduce((m, r) => Math.max(m, Number(r.id)), 0) + 1);
      record = { ...patch, id, sonar_unique_id: `sandbox-${table}-${id}`, created_at: stamp, updated_at: stamp, _version: '1' };
      record[TYPE] = type;
      rows.push(record);
      if (rows.length > 1 && Number(rows[rows.length - 2].id) > Number(id)) rows.sort((a, b) => Number(a.id) - Number(b.id));
    }
    this.changed();
    return record;
  }

  remove(table: string, id: string): boolean {
    const rows = this.rows(table);
    const i = rows.findIndex((r) => String(r.id) === String(id));
    if (i < 0) return false;
    rows.splice(i, 1);
    this.changed();
    return true;
  }

  private changed(): void {
    this.version++;
    this.byId.clear();
    this.fkIndexes.clear();
  }
}

function isSortedById(rows: SonarRecord[]): boolean {
  for (let i = 1; i < rows.length; i++) if (Number(rows[i - 1].id) > Number(rows[i].id)) return false;
  return true;
}

/** `2026-01-01T00:00:00+00:00`: Sonar writes an explicit offset, never `Z`. */
export function isoWithOffset(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
