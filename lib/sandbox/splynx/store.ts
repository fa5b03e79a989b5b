/**
 * The Splynx sandbox's tables: one id-ordered map per entity with MySQL-like auto-increment ids
 * that are never reused, even after a delete. Values are stored typed (numbers, 0/1 flags, arrays);
 * the string-typed GET shape is produced on the way out.
 */
import { registerCredential } from '../credentials.js';

export type Row = Record<string, unknown> & { id: number };

/** Records whose `password` is a subscriber's secret: registered for the leak check when written. */
const SUBSCRIBER_PASSWORDS: Record<string, string> = { customers: 'portal password', internet_services: 'internet service password' };

export class SplynxStore {
  private tables = new Map<string, Map<number, Row>>();
  private nextIds = new Map<string, number>();
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
    this.table(entity).set(id, stored);
    return stored;
  }

  get(entity: string, id: unknown): Row | undefined {
    const n = typeof id === 'number' ? id : Number(id);
    return Number.isInteger(n) ? this.table(entity).get(n) : undefined;
  }

  replace(entity: string, row: Row): void {
    this.register(entity, row);
    this.table(entity).set(row.id, row);
  }

  delete(entity: string, id: number): boolean {
    return this.table(entity).delete(id);
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
