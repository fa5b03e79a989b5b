/**
 * Splynx list parameters (`main_attributes`, `additional_attributes`, `order`, `limit`, `offset`)
 * applied to stored rows. Comparisons imitate MySQL with a case-insensitive collation: numeric when
 * both sides look numeric, otherwise text ignoring case. LIKE takes SQL wildcards (`%`, `_`) only
 * when the caller writes them: `LIKE durden` is an exact match, as it would be in SQL.
 */
import qs from 'qs';
import type { Row } from './store.js';

export interface ListParams {
  main_attributes?: Record<string, unknown>;
  additional_attributes?: Record<string, unknown>;
  order?: Record<string, unknown>;
  limit?: unknown;
  offset?: unknown;
  [k: string]: unknown;
}

export const parseQuery = (query: string): ListParams =>
  qs.parse(query, { depth: 10, arrayLimit: 1000, parameterLimit: 10_000 }) as ListParams;

export class QueryError extends Error {}

const isNumeric = (v: unknown) =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

function compare(a: unknown, b: unknown): number {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  const x = String(a ?? '').toLowerCase();
  const y = String(b ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const equals = (a: unknown, b: unknown) => compare(a, b) === 0;

function likeRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

/** `a[0]=x&a[1]=y` may come back from qs as an object when indices are sparse. */
function asList(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.every(([k]) => /^\d+$/.test(k))) return entries.sort(([a], [b]) => +a - +b).map(([, x]) => x);
  }
  return undefined;
}

type Test = (value: unknown) => boolean;

/** Builds the test for one search condition: a scalar means `=`, a list is `[OP, operand...]`. */
export function condition(name: string, spec: unknown): Test {
  const parts = asList(spec);
  if (!parts) {
    if (spec !== null && typeof spec === 'object') throw new QueryError(`Invalid condition for attribute "${name}"`);
    return (v) => (Array.isArray(v) ? v.some((x) => equals(x, spec)) : equals(v, spec));
  }
  const op = String(parts[0] ?? '')
    .trim()
    .toUpperCase();
  const [a, b] = [parts[1], parts[2]];
  const need = (n: number) => {
    if (parts.length < n + 1) throw new QueryError(`Operator ${op} on "${name}" needs ${n} operand(s)`);
  };
  switch (op) {
    case '=':
      need(1);
      return (v) => (Array.isArray(v) ? v.some((x) => equals(x, a)) : equals(v, a));
    case '!=':
    case '<>':
      need(1);
      return (v) => !equals(v, a);
    case '>':
      need(1);
      return (v) => compare(v, a) > 0;
    case '<':
      need(1);
      return (v) => compare(v, a) < 0;
    case '>=':
      need(1);
      return (v) => compare(v, a) >= 0;
    case '<=':
      need(1);
      return (v) => compare(v, a) <= 0;
    case 'BETWEEN':
      need(2);
      return (v) => compare(v, a) >= 0 && compare(v, b) <= 0;
    case 'LIKE': {
      need(1);
      const re = likeRegex(String(a ?? ''));
      return (v) => re.test(String(v ?? ''));
    }
    case 'REGEXP': {
      need(1);
      let re: RegExp;
      try {
        re = new RegExp(String(a ?? ''), 'i');
      } catch {
        throw new QueryError(`Invalid REGEXP for "${name}"`);
      }
      return (v) => re.test(String(v ?? ''));
    }
    case 'IN': {
      need(1);
      const options = asList(a) ?? String(a ?? '').split(',');
      return (v) => options.some((o) => equals(v, o));
    }
    case 'FIND_IN_SET':
      need(1);
      return (v) => (Array.isArray(v) ? v : String(v ?? '').split(',')).some((x) => equals(x, a));
    case 'IS': {
      need(1);
      const wanted = String(a ?? '')
        .trim()
        .toUpperCase();
      if (wanted === 'NULL') return (v) => v === null || v === undefined;
      if (wanted === 'NOT NULL') return (v) => v !== null && v !== undefined;
      throw new QueryError(`IS on "${name}" takes NULL or NOT NULL`);
    }
    default:
      throw new QueryError(`Unknown operator "${parts[0]}" for attribute "${name}"`);
  }
}

export interface Searchable {
  /** Stored attribute names a search may name. */
  main: Set<string>;
  /** Additional-field names defined for the entity's module. */
  additional: Set<string>;
}

function conditions(group: unknown, known: Set<string>, read: (r: Row, n: string) => unknown, kind: string) {
  if (group === undefined || group === '') return [];
  if (typeof group !== 'object' || group === null) throw new QueryError(`${kind} must be an array`);
  return Object.entries(group as Record<string, unknown>).map(([name, spec]) => {
    if (!known.has(name)) throw new QueryError(`Unknown ${kind === 'main_attributes' ? 'attribute' : 'additional attribute'} "${name}"`);
    const test = condition(name, spec);
    return (r: Row) => test(read(r, name));
  });
}

function nonNegative(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new QueryError(`${name} must be a non-negative integer`);
  return Number(v);
}

/** Rows matching the search, before ordering and paging (what HEAD counts). */
export function search(rows: Row[], params: ListParams, can: Searchable): Row[] {
  const tests = [
    ...conditions(params.main_attributes, can.main, (r, n) => r[n], 'main_attributes'),
    ...conditions(
      params.additional_attributes,
      can.additional,
      (r, n) => (r.additional_attributes as Record<string, unknown> | undefined)?.[n],
      'additional_attributes',
    ),
  ];
  return tests.length ? rows.filter((r) => tests.every((t) => t(r))) : rows;
}

function inIdOrder(rows: Row[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i - 1].id > rows[i].id) return false;
  return true;
}

export function orderAndPage(rows: Row[], params: ListParams, can: Searchable): Row[] {
  const order = params.order && typeof params.order === 'object' ? Object.entries(params.order) : [];
  for (const [name, dir] of order) {
    if (!can.main.has(name)) throw new QueryError(`Unknown attribute "${name}" in order`);
    if (!/^(asc|desc)$/i.test(String(dir))) throw new QueryError(`Order direction for "${name}" must be ASC or DESC`);
  }
  // The store answers in id order: a listing by id (the loader's keyset pages, verify's offset pages)
  // needs no sort, which at 100,000 customers cost more than everything else a page does.
  const byId = order.every(([name, dir]) => name === 'id' && String(dir).toUpperCase() === 'ASC');
  const sorted =
    byId && inIdOrder(rows)
      ? rows
      : [...rows].sort((x, y) => {
          for (const [name, dir] of order) {
            const c = compare(x[name], y[name]);
            if (c !== 0) return String(dir).toUpperCase() === 'DESC' ? -c : c;
          }
          return x.id - y.id;
        });
  const offset = nonNegative(params.offset, 'offset') ?? 0;
  const limit = nonNegative(params.limit, 'limit');
  return sorted.slice(offset, limit === undefined ? undefined : offset + limit);
}
