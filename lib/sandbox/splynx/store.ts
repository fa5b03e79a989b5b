/**
 * The Splynx sandbox's tables: one id-ordered map per entity with MySQL-like auto-increment ids
 * that are never reused, even after a delete. Values are stored typed (numbers, 0/1 flags, arrays);
 * the string-typed GET shape is produced on the way out.
 *
 * Indexes by value, as MySQL's indexes answer Splynx: a uniqueness check, a search by one
 * attribute or a per-customer collection scanned every row of a table, so each write cost more
 * as a rehearsal filled the instance (about 50 records/s near 190,000 records). `byValue` answers
 * the rows whose attribute has a value, from an index built on first use and kept up to date by
 * every insert, replace and delete. Keys compare as MySQL's case-insensitive collation does
 * (numbers as numbers, text without case), so the answer is a superset of the exact matches:
 * callers keep their own test.
 */
import { registerCredential } from '../credentials.js';

export type Row = Record<string, unknown> & { id: number };

/** An attribute of a row: a column, or `+name` for the additional field `name`. */
export type IndexedAttribute = string;

/** The index keys of a value: one per list element (a search on a list matches any of them). */
function indexKeys(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(indexKeys);
  if (v === null || v === undefined) return ["'"];
  if (typeof v === 'object') return [];
  const s = String(v);
  return [s.trim() !== '' && Number.isFinite(Number(s)) ? `#${Number(s)}` : `'${s.toLowerCase()}`];
}

const attributeOf = (r: Row, attr: IndexedAttribute) =>
  attr.startsWith('+') ? (r.additional_attributes as Record<string, unknown> | undefined)?.[attr.slice(1)] : r[attr];

interface ValueIndex {
  byKey: Map<string, Set<Row>>;
  /** The keys each row was filed under, so a row changed in place is still unfiled correctly. */
  filed: Map<number, { row: Row; keys: string[] }>;
}

/** Records whose `password` is a subscriber's secret: registered for the leak check when written. */
const SUBSCRIBER_PASSWORDS: Record<string, string> = { customers: 'portal password', internet_services: 'internet service password' };

export class SplynxStore {
  private tables = new Map<string, Map<number, Row>>();
  private nextIds = new Map<string, number>();
  /** By entity, then attribute. */
  private indexes = new Map<string, Map<IndexedAttribute, ValueIndex>>();

  private registered = new Set<string>();

  /** A subscriber password written here is a credential the leak check looks for everywhere else. */
  private register(entity: string, row: Record<string, unknown>): void {
    const kind = SUBSCRIBER_PASSWORDS[entity];
    const value = kind && typeof row.password === 'string' ? row.password : '';
    if (!value || this.registered.has(value)) return;
    this.registered.add(value);
    registerCredential(`Splynx ${kind} of ${entity === 'customers' ? 'customer' : 'login'} ${String(row.login ?? row.id)}`, value);
  }

  constructor(private readonly seedFn: (store: SplynxStore) => void = () => {}) {
    this.reset();
  }

  /** Empties every table and puts the fresh-instance seed back. */
  reset(): void {
    this.tables.clear();
    this.nextIds.clear();
    this.indexes.clear();
    this.seedFn(this);
  }

  private table(entity: string): Map<number, Row> {
    let t = this.tables.get(entity);
    if (!t) this.tables.set(entity, (t = new Map()));
    return t;
  }

  nextId(entity: string): number {
    const id = this.nextIds.get(entity) ?? 1;
    this.nextIds.set(entity, id + 1);
    return id;
  }

  /** Inserts with the next id, or with `row.id` when given (seed data, one-to-one tables). */
  insert(entity: string, row: Record<string, unknown>): Row {
    const id = typeof row.id === 'number' && row.id > 0 ? row.id : this.nextId(entity);
    if ((this.nextIds.get(entity) ?? 1) <= id) this.nextIds.set(entity, id + 1);
    const stored = { ...row, id } as Row;
    this.register(entity, stored);
    const t = this.table(entity);
    const old = t.get(id);
    t.set(id, stored);
    this.refile(entity, old, stored);
    return stored;
  }

  get(entity: string, id: unknown): Row | undefined {
    const n = typeof id === 'number' ? id : Number(id);
    return Number.isInteger(n) ? this.table(entity).get(n) : undefined;
  }

  replace(entity: string, row: Row): void {
    this.register(entity, row);
    const t = this.table(entity);
    const old = t.get(row.id);
    t.set(row.id, row);
    this.refile(entity, old, row);
  }

  delete(entity: string, id: number): boolean {
    const t = this.table(entity);
    const old = t.get(id);
    if (old) this.refile(entity, old, undefined);
    return t.delete(id);
  }

  /**
   * Rows of `entity` whose `attr` may equal `value` (MySQL's comparison; a superset: callers test
   * each row themselves), in id order.
   */
  byValue(entity: string, attr: IndexedAttribute, value: unknown): Row[] {
    const index = this.index(entity, attr);
    const found = new Map<number, Row>();
    for (const key of indexKeys(value)) for (const r of index.byKey.get(key) ?? []) found.set(r.id, r);
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  private index(entity: string, attr: IndexedAttribute): ValueIndex {
    let byAttr = this.indexes.get(entity);
    if (!byAttr) this.indexes.set(entity, (byAttr = new Map()));
    let index = byAttr.get(attr);
    if (!index) {
      index = { byKey: new Map(), filed: new Map() };
      byAttr.set(attr, index);
      for (const r of this.table(entity).values()) file(index, attr, r);
    }
    return index;
  }

  private refile(entity: string, old: Row | undefined, row: Row | undefined): void {
    const byAttr = this.indexes.get(entity);
    if (!byAttr) return;
    for (const [attr, index] of byAttr) {
      if (old) unfile(index, old.id);
      if (row) file(index, attr, row);
    }
  }

  all(entity: string): Row[] {
    return [...this.table(entity).values()];
  }

  count(entity: string): number {
    return this.table(entity).size;
  }

  where(entity: string, pred: (r: Row) => boolean): Row[] {
    return this.all(entity).filter(pred);
  }

  find(entity: string, pred: (r: Row) => boolean): Row | undefined {
    for (const r of this.table(entity).values()) if (pred(r)) return r;
    return undefined;
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([name, t]) => [name, t.size]));
  }
}

function file(index: ValueIndex, attr: IndexedAttribute, row: Row): void {
  const keys = [...new Set(indexKeys(attributeOf(row, attr)))];
  for (const k of keys) {
    let set = index.byKey.get(k);
    if (!set) index.byKey.set(k, (set = new Set()));
    set.add(row);
  }
  index.filed.set(row.id, { row, keys });
}

function unfile(index: ValueIndex, id: number): void {
  const filed = index.filed.get(id);
  if (!filed) return;
  for (const k of filed.keys) {
    const set = index.byKey.get(k);
    set?.delete(filed.row);
    if (set && !set.size) index.byKey.delete(k);
  }
  index.filed.delete(id);
}
