/**
 * List semantics shared by root queries and nested connections, as Sonar documents them:
 * equality arguments per field, `search` (outer list OR, inner fields AND), `sorter`,
 * `paginator` pages from 1 with a server cap, and archived accounts hidden by default.
 */
import { GraphQLError, getNamedType, isEnumType, isScalarType, type GraphQLObjectType } from 'graphql';
import type { StoredRecord } from './store.js';

export interface ListArgs {
  paginator?: { page: number; records_per_page: number };
  sorter?: Array<{ attribute: string; direction: 'ASC' | 'DESC' }>;
  search?: SearchClause[];
  include_archived?: boolean;
  [equality: string]: unknown;
}

interface SearchClause {
  string_fields?: Array<{ attribute: string; search_value: string; match: boolean; partial_matching?: boolean }>;
  integer_fields?: Array<{ attribute: string; search_value: string; operator: RangeOp }>;
  float_fields?: Array<{ attribute: string; search_value: number; operator: RangeOp }>;
  datetime_fields?: Array<{ attribute: string; search_value: string; operator: RangeOp }>;
  date_fields?: Array<{ attribute: string; search_value: string; operator: RangeOp }>;
  ip_address_fields?: Array<{ attribute: string; search_value: string; match: boolean }>;
  boolean_fields?: Array<{ attribute: string; search_value: boolean; operator?: 'EQ' | 'NEQ' }>;
  unset_fields?: string[];
  exists?: string[];
}
type RangeOp = 'GTE' | 'GT' | 'LTE' | 'LT' | 'EQ' | 'NEQ';

const CONTROL_ARGS = new Set(['paginator', 'sorter', 'search', 'include_archived']);
const NUMERIC = new Set(['Int', 'Float', 'Int64Bit', 'Latitude', 'Longitude']);

export interface PageInfo {
  page: number;
  total_pages: number;
  total_count: number;
  records_per_page: number;
}

export function compare(a: number, b: number, op: RangeOp): boolean {
  switch (op) {
    case 'GTE':
      return a >= b;
    case 'GT':
      return a > b;
    case 'LTE':
      return a <= b;
    case 'LT':
      return a < b;
    case 'EQ':
      return a === b;
    case 'NEQ':
      return a !== b;
  }
}

function ipv4ToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/\d+)?$/.exec(ip.trim());
  if (!m) return null;
  const parts = m.slice(1, 5).map(Number);
  return parts.some((p) => p > 255) ? null : parts.reduce((acc, p) => acc * 256 + p, 0);
}

function inSubnet(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const n = ipv4ToInt(net);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === null || n === null || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(n / size);
}

export class ListQuery {
  private readonly fieldTypes: Map<string, string>;

  constructor(private readonly type: GraphQLObjectType) {
    this.fieldTypes = new Map(
      Object.values(type.getFields())
        .filter((f) => {
          const n = getNamedType(f.type);
          return isScalarType(n) || isEnumType(n);
        })
        .map((f) => [f.name, getNamedType(f.type).name]),
    );
  }

  private attr(name: string, where: string): string {
    const t = this.fieldTypes.get(name);
    if (!t) throw new GraphQLError(`Unknown attribute "${name}" in ${where} on ${this.type.name}`);
    return t;
  }

  /** The matching records, unsorted-by-request (callers get id order unless a sorter says otherwise). */
  filter(rows: StoredRecord[], args: ListArgs, hideArchived: boolean): StoredRecord[] {
    const tests: Array<(r: StoredRecord) => boolean> = [];
    if (hideArchived && !args.include_archived) tests.push((r) => r.archived_at === null || r.archived_at === undefined);
    for (const [name, value] of Object.entries(args)) {
      if (CONTROL_ARGS.has(name) || value === undefined) continue;
      const numeric = NUMERIC.has(this.attr(name, 'a filter'));
      tests.push((r) => {
        const v = r[name];
        if (value === null) return v === null || v === undefined;
        if (Array.isArray(value)) return Array.isArray(v) && value.every((x) => v.includes(x as string));
        return numeric ? v !== null && v !== undefined && Number(v) === Number(value) : v === value;
      });
    }
    if (args.search?.length) {
      const clauses = args.search.filter(Boolean).map((c) => this.clause(c));
      tests.push((r) => clauses.some((c) => c(r)));
    }
    return tests.length ? rows.filter((r) => tests.every((t) => t(r))) : rows;
  }

  private clause(c: SearchClause): (r: StoredRecord) => boolean {
    const parts: Array<(r: StoredRecord) => boolean> = [];
    for (const s of c.string_fields ?? []) {
      this.attr(s.attribute, 'string_fields');
      const needle = s.search_value.toLowerCase();
      const partial = s.partial_matching ?? true;
      parts.push((r) => {
        const v = r[s.attribute];
        const hay = v === null || v === undefined ? '' : String(v).toLowerCase();
        const hit = partial ? hay.includes(needle) : hay === needle;
        return s.match ? hit : !hit;
      });
    }
    const range = (
      list: Array<{ attribute: string; search_value: unknown; operator: RangeOp }> | undefined,
      where: string,
      toNum: (v: unknown) => number,
    ) => {
      for (const s of list ?? []) {
        this.attr(s.attribute, where);
        const target = toNum(s.search_value);
        parts.push((r) => {
          const v = r[s.attribute];
          return v !== null && v !== undefined && compare(toNum(v), target, s.operator);
        });
      }
    };
    range(c.integer_fields, 'integer_fields', Number);
    range(c.float_fields, 'float_fields', Number);
    range(c.datetime_fields, 'datetime_fields', (v) => Date.parse(String(v)));
    range(c.date_fields, 'date_fields', (v) => Date.parse(`${String(v).slice(0, 10)}T00:00:00Z`));
    for (const s of c.boolean_fields ?? []) {
      this.attr(s.attribute, 'boolean_fields');
      parts.push((r) => (r[s.attribute] === s.search_value) === ((s.operator ?? 'EQ') === 'EQ'));
    }
    for (const s of c.ip_address_fields ?? []) {
      this.attr(s.attribute, 'ip_address_fields');
      parts.push((r) => {
        const v = r[s.attribute];
        const hit = typeof v === 'string' && inSubnet(v, s.search_value);
        return s.match ? hit : !hit;
      });
    }
    for (const f of c.unset_fields ?? []) {
      this.attr(f, 'unset_fields');
      parts.push((r) => r[f] === null || r[f] === undefined);
    }
    for (const f of c.exists ?? []) {
      this.attr(f, 'exists');
      parts.push((r) => r[f] !== null && r[f] !== undefined && !(Array.isArray(r[f]) && (r[f] as unknown[]).length === 0));
    }
    return (r) => parts.every((p) => p(r));
  }

  sort(rows: StoredRecord[], sorter: ListArgs['sorter']): StoredRecord[] {
    const keys = (sorter ?? []).filter(Boolean);
    // Rows are kept in id order, so the common "id ASC" (and no sorter) costs nothing.
    if (!keys.length || (keys.length === 1 && keys[0].attribute === 'id' && keys[0].direction === 'ASC')) return rows;
    const cmps = keys.map(({ attribute, direction }) => {
      const numeric = NUMERIC.has(this.attr(attribute, 'sorter'));
      const sign = direction === 'DESC' ? -1 : 1;
      return (a: StoredRecord, b: StoredRecord) => {
        const x = a[attribute];
        const y = b[attribute];
        // Nulls first when ascending, as SQL engines commonly order them.
        if (x === null || x === undefined) return y === null || y === undefined ? 0 : -sign;
        if (y === null || y === undefined) return sign;
        const d = numeric ? Number(x) - Number(y) : String(x).localeCompare(String(y));
        return d * sign;
      };
    });
    return [...rows].sort((a, b) => {
      for (const c of cmps) {
        const d = c(a, b);
        if (d) return d;
      }
      return Number(a.id) - Number(b.id);
    });
  }
}

/** One page of `rows`; `records_per_page` is capped and the value used is reported. */
export function paginate<T>(rows: T[], paginator: ListArgs['paginator'], cap: number): { entities: T[]; page_info: PageInfo } {
  const page = paginator?.page ?? 1;
  const asked = paginator?.records_per_page ?? cap;
  if (!Number.isInteger(page) || page < 1) throw new GraphQLError(`paginator.page must be 1 or more, got ${page}`);
  if (!Number.isInteger(asked) || asked < 1) throw new GraphQLError(`paginator.records_per_page must be 1 or more, got ${asked}`);
  const size = Math.min(asked, cap);
  const total = rows.length;
  return {
    entities: rows.slice((page - 1) * size, page * size),
    page_info: { page, total_pages: Math.ceil(total / size), total_count: total, records_per_page: size },
  };
}
