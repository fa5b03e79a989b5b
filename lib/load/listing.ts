/**
 * What Splynx already holds of one entity, known from one paged listing instead of a search per
 * record. A natural key's `find` reads Splynx through a `SplynxReader`; the loader hands it a
 * reader that answers plain equality searches (`main_attributes` / `additional_attributes` with
 * scalar values, as every natural key asks) from the listing, and sends anything else to Splynx.
 *
 * The listing is taken once, when the first record of the entity asks, and is kept up to date
 * with what this load creates. A record someone else creates in Splynx after the listing is not
 * in it: its create is refused by Splynx's uniqueness (the unique `sonar_id` field, a unique
 * title), and the loader settles that refusal with a real search (lib/load/entity.ts).
 *
 * A listing costs pages; a search costs one request per record. A count (HEAD) first decides
 * which is fewer, so a single-customer run against a full Splynx still searches.
 */
import type { SplynxApi } from '../splynx/client.js';
import type { EntityModule, Row, SplynxReader } from '../entities/types.js';
import { createPathOf } from '../entities/defaults.js';

/** Records per listing page: keyset paging by id, so a record deleted meanwhile shifts nothing. */
export const LISTING_PAGE = 1000;

type Listed = Record<string, unknown> & { id: string };

/** MySQL's case-insensitive comparison, as Splynx searches: numbers as numbers, text without case. */
function norm(v: unknown): string | null {
  if (v === null || v === undefined) return "'";
  if (typeof v === 'object') return null;
  const s = String(v);
  if (s.trim() !== '' && Number.isFinite(Number(s))) return `#${Number(s)}`;
  return `'${s.toLowerCase()}`;
}

/** A plain equality search: attribute → wanted value (additional attributes prefixed `+`), or null. */
function plainSearch(params: Record<string, unknown> | undefined): Map<string, unknown> | null {
  const wanted = new Map<string, unknown>();
  for (const [group, prefix] of [
    ['main_attributes', ''],
    ['additional_attributes', '+'],
  ] as const) {
    const g = params?.[group];
    if (g === undefined) continue;
    if (!g || typeof g !== 'object') return null;
    for (const [name, v] of Object.entries(g as Record<string, unknown>)) {
      if (norm(v) === null) return null; // an operator list: Splynx answers it
      wanted.set(prefix + name, v);
    }
  }
  const others = Object.keys(params ?? {}).filter((k) => k !== 'main_attributes' && k !== 'additional_attributes');
  return wanted.size && !others.length ? wanted : null;
}

const valueOf = (r: Listed, attr: string) =>
  attr.startsWith('+') ? (r.additional_attributes as Row | undefined)?.[attr.slice(1)] : r[attr];

export class EntityListing {
  private rows: Listed[] | null = null;
  private loading: Promise<void> | null = null;
  /** By the attributes a search names (sorted), an index of the rows by their values. */
  private indexes = new Map<string, Map<string, Listed[]>>();
  /** Requests the listing cost (the count and its pages). */
  requests = 0;

  /**
   * `lookups`: how many records may ask (those the ledger does not know as in Splynx); the listing
   * is used only when its pages are fewer.
   */
  constructor(
    private readonly api: SplynxApi,
    private readonly mod: EntityModule,
    private readonly lookups: number,
  ) {}

  /** The reader a record's natural key searches through. */
  reader(payload: Row): SplynxReader {
    const collection = createPathOf(this.mod, payload);
    const scope = collection === this.mod.endpoint ? {} : this.mod.createScope?.(payload);
    return {
      get: async <T>(path: string, params?: Record<string, unknown>): Promise<T> => {
        const wanted = path === collection && scope ? plainSearch(params) : null;
        if (!wanted) return this.api.get<T>(path, params);
        for (const [k, v] of Object.entries(scope!)) wanted.set(k, v);
        await this.load();
        if (!this.rows) return this.api.get<T>(path, params);
        return this.match(wanted) as T;
      },
    };
  }

  /** A record this load created: later searches must see it, as Splynx would. */
  add(id: string, payload: Row): void {
    if (!this.rows) return;
    const collection = createPathOf(this.mod, payload);
    const scope = collection === this.mod.endpoint ? {} : (this.mod.createScope?.(payload) ?? {});
    const row: Listed = { ...payload, ...scope, id };
    this.rows.push(row);
    for (const [sig, index] of this.indexes) push(index, keyOf(row, sig.split('\u0001')), row);
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const total = await this.api.count(this.mod.endpoint);
      this.requests++;
      if (!Number.isFinite(total) || Math.ceil(total / LISTING_PAGE) >= this.lookups) return;
      const rows: Listed[] = [];
      let after = 0;
      while (total > 0) {
        const page = await this.api.get<Listed[]>(this.mod.endpoint, {
          main_attributes: { id: ['>', String(after)] },
          order: { id: 'asc' },
          limit: String(LISTING_PAGE),
        });
        this.requests++;
        rows.push(...page);
        if (page.length < LISTING_PAGE) break;
        after = Number(page[page.length - 1].id);
      }
      this.rows = rows;
    })();
    return this.loading;
  }

  private match(wanted: Map<string, unknown>): Listed[] {
    const attrs = [...wanted.keys()].sort();
    const sig = attrs.join('\u0001');
    let index = this.indexes.get(sig);
    if (!index) {
      index = new Map();
      for (const r of this.rows!) push(index, keyOf(r, attrs), r);
      this.indexes.set(sig, index);
    }
    const key = attrs.map((a) => norm(wanted.get(a))).join('\u0001');
    return [...(index.get(key) ?? [])];
  }
}

function keyOf(r: Listed, attrs: string[]): string | null {
  const parts: string[] = [];
  for (const a of attrs) {
    const n = norm(valueOf(r, a));
    if (n === null) return null;
    parts.push(n);
  }
  return parts.join('\u0001');
}

function push(index: Map<string, Listed[]>, key: string | null, row: Listed): void {
  if (key === null) return;
  const list = index.get(key);
  if (list) list.push(row);
  else index.set(key, [row]);
}
