/**
 * "Do not migrate": the analyst's reviewed decisions, one row per Sonar record (table, Sonar id,
 * reason, when made) in `data/exclusions.csv`, an analyst's file that a run only reads. Applied
 * by cleanSnapshot after the corrections: the excluded record and everything that belongs to it
 * (an account's contacts, services, invoices, tickets…, from ACCOUNT_MEMBERS in
 * lib/sonar/relations.ts, and whatever it is the polymorphic owner of) leave the cleaned tables and are kept beside them as the `excluded`
 * record set, so the load and verify report each one as `excluded`, with its reason: never an
 * error, never silently dropped.
 *
 * A record that other records depend on (a parent account, a plan services use, REFERENCES in
 * lib/sonar/relations.ts) cannot be excluded alone: the exclusion is refused and its refusal lists
 * the dependants, unless they are excluded too.
 */
import fs from 'node:fs';
import { readAnalystRows, writeAnalystRows } from './analyst-rows.js';
import { ACCOUNT_MEMBERS, REFERENCES, type MemberLink } from '../sonar/relations.js';
import type { Row, Tables } from './snapshot.js';

export const EXCLUSION_COLUMNS = ['table', 'sonar_id', 'reason', 'made_at'] as const;
export const EXCLUSIONS_FILE = 'exclusions.csv';

export interface ExclusionRow {
  table: string;
  sonar_id: string;
  reason: string;
  made_at: string;
  /** Where the row was read, for messages: `exclusions.csv line 2`. */
  source?: string;
}

export interface ExclusionOutcome extends Omit<ExclusionRow, 'source'> {
  source: string;
  /** `stale`: Sonar deleted the record since; nothing to exclude, and nothing stops. */
  status: 'excluded' | 'refused' | 'stale';
  /** Records it takes out: itself and what belongs to it. */
  records: number;
  message: string;
}

/** A record left out of the migration by decision. */
export interface ExcludedRecord {
  table: string;
  sonar_id: string;
  /** The reason of the exclusion it follows from. */
  reason: string;
  /** Empty for the record the analyst named; else the one it belongs to, `accounts 12`. */
  excluded_with: string;
  /** The record as cleaned, so the load can tell which entities would have taken it. */
  record: Row;
}

/** Longest list of dependants a refusal spells out; the rest are counted. */
const SHOWN = 10;

export function readExclusions(file: string): ExclusionRow[] {
  return fs.existsSync(file) ? (readAnalystRows(file, EXCLUSION_COLUMNS) as ExclusionRow[]) : [];
}

export function writeExclusions(file: string, rows: ExclusionRow[]): void {
  writeAnalystRows(file, EXCLUSION_COLUMNS, rows);
}

const key = (table: string, id: unknown) => `${table}:${String(id)}`;

/**
 * What belongs to a record: an account's members (ACCOUNT_MEMBERS), and every record whose
 * polymorphic owner (`<x>able_type`/`<x>able_id`) it is: a custom field value on a contact, the
 * addresses and notes of a network site. Anything else pointing at it depends on it.
 */
const BELONGS: MemberLink[] = [
  ...ACCOUNT_MEMBERS,
  ...Object.entries(REFERENCES).flatMap(([table, refs]) =>
    Object.entries(refs).flatMap(([field, target]) =>
      typeof target === 'string'
        ? []
        : Object.entries(target.tables)
            .filter(([typeName]) => !ACCOUNT_MEMBERS.some((m) => m.table === table && 'polyType' in m && m.typeName === typeName))
            .map(([typeName, parent]) => ({ table, parent, polyType: target.typeField, polyId: field, typeName }) as MemberLink),
    ),
  ),
];
const label = (k: string) => k.replace(':', ' ');

/** The record and everything that belongs to it (members, their members…), as `table:id` keys. */
function membersOf(children: (link: MemberLink, id: string) => Row[], table: string, id: string): string[] {
  const out = new Set([key(table, id)]);
  const queue: Array<[string, string]> = [[table, id]];
  while (queue.length) {
    const [t, i] = queue.shift()!;
    for (const link of BELONGS) {
      if (link.parent !== t) continue;
      for (const r of children(link, i)) {
        const k = key(link.table, r.id);
        if (out.has(k)) continue;
        out.add(k);
        queue.push([link.table, String(r.id)]);
      }
    }
  }
  return [...out];
}

/** A member link's records by their parent's id, each link indexed the first time it is asked for. */
function childIndex(tables: Tables): (link: MemberLink, id: string) => Row[] {
  const idx = new Map<MemberLink, Map<string, Row[]>>();
  return (link, id) => {
    let m = idx.get(link);
    if (!m) {
      idx.set(link, (m = new Map()));
      for (const r of tables[link.table] ?? []) {
        if ('polyType' in link && r[link.polyType] !== link.typeName) continue;
        const parent = String('key' in link ? r[link.key] : r[link.polyId]);
        const list = m.get(parent);
        if (list) list.push(r);
        else m.set(parent, [r]);
      }
    }
    return m.get(id) ?? [];
  };
}

/** Records outside `out` that point at a record in it: `{ of: key pointed at, by: the dependant and its field }`. */
function dependants(tables: Tables, out: Set<string>): Array<{ of: string; by: string }> {
  const found: Array<{ of: string; by: string }> = [];
  for (const [table, refs] of Object.entries(REFERENCES)) {
    for (const r of tables[table] ?? []) {
      if (out.has(key(table, r.id))) continue;
      for (const [field, target] of Object.entries(refs)) {
        const v = r[field];
        if (v === null || v === undefined || v === '') continue;
        const to = typeof target === 'string' ? target : target(r);
        if (to && out.has(key(to, v))) found.push({ of: key(to, v), by: `${table} ${String(r.id)} (${field})` });
      }
    }
  }
  return found;
}

/**
 * Which records the exclusions take out, and which exclusions are refused. A refusal can make
 * another one unsafe (a child account excluded only together with its parent), so the check
 * repeats until no more are refused.
 */
export function planExclusions(
  tables: Tables,
  rows: readonly ExclusionRow[],
  /** Ids Sonar deleted since an earlier snapshot of the chain. */
  deleted: Record<string, readonly string[]> = {},
): { outcomes: ExclusionOutcome[]; excluded: ExcludedRecord[] } {
  const outcomes: ExclusionOutcome[] = rows.map((r) => ({ ...r, source: r.source ?? '', status: 'excluded', records: 0, message: '' }));
  if (!rows.length) return { outcomes, excluded: [] };
  const byId = new Map<string, Row>();
  for (const [t, rs] of Object.entries(tables)) for (const r of rs) byId.set(key(t, r.id), r);
  const children = childIndex(tables);
  const closures = outcomes.map((o) => {
    const where = o.source ? `${o.source}: ` : '';
    if (!o.table || !o.sonar_id) return refuse(o, `${where}an exclusion needs a table and a Sonar id`);
    if (!(o.table in tables)) return refuse(o, `${where}no table "${o.table}" in the snapshot`);
    if (!byId.has(key(o.table, o.sonar_id)) && deleted[o.table]?.includes(o.sonar_id)) {
      Object.assign(o, { status: 'stale', message: `${where}Sonar deleted ${o.table} ${o.sonar_id} since the exclusion; delete the row` });
      return [];
    }
    if (!byId.has(key(o.table, o.sonar_id))) return refuse(o, `${where}no ${o.table} record ${o.sonar_id} in the snapshot`);
    return membersOf(children, o.table, o.sonar_id);
  });
  for (let refused = true; refused;) {
    refused = false;
    const all = new Set(closures.flatMap((c, i) => (outcomes[i].status === 'excluded' ? c : [])));
    const owner = new Map<string, number>();
    closures.forEach((c, i) => outcomes[i].status === 'excluded' && c.forEach((k) => owner.has(k) || owner.set(k, i)));
    const byOwner = new Map<number, string[]>();
    for (const d of dependants(tables, all)) {
      const i = owner.get(d.of)!;
      byOwner.set(i, [...(byOwner.get(i) ?? []), `${d.by} → ${label(d.of)}`]);
    }
    for (const [i, deps] of byOwner) {
      const o = outcomes[i];
      const where = o.source ? `${o.source}: ` : '';
      const list = deps.slice(0, SHOWN).join('; ') + (deps.length > SHOWN ? `; and ${deps.length - SHOWN} more` : '');
      refuse(
        o,
        `${where}${o.table} ${o.sonar_id} cannot be excluded alone: ${deps.length} record(s) depend on it: ${list}. Exclude them too, or correct their references`,
      );
      refused = true;
    }
  }
  const excluded: ExcludedRecord[] = [];
  const seen = new Set<string>();
  outcomes.forEach((o, i) => {
    if (o.status !== 'excluded') return;
    const root = key(o.table, o.sonar_id);
    let n = 0;
    for (const k of closures[i]) {
      if (seen.has(k)) continue;
      seen.add(k);
      n++;
      const [table, id] = [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)];
      excluded.push({ table, sonar_id: id, reason: o.reason, excluded_with: k === root ? '' : label(root), record: byId.get(k)! });
    }
    o.records = n;
    o.message = n > 1 ? `excluded with ${n - 1} record(s) that belong to it` : 'excluded';
  });
  return { outcomes, excluded };
}

function refuse(o: ExclusionOutcome, message: string): never[] {
  o.status = 'refused';
  o.message = message;
  return [];
}

/** The tables without the excluded records (only the tables that lose one are copied). */
export function withoutExcluded(tables: Tables, excluded: readonly ExcludedRecord[]): Tables {
  if (!excluded.length) return tables;
  const out = new Set(excluded.map((e) => key(e.table, e.sonar_id)));
  const touched = new Set(excluded.map((e) => e.table));
  return Object.fromEntries(
    Object.entries(tables).map(([t, rows]) => [t, touched.has(t) ? rows.filter((r) => !out.has(key(t, r.id))) : rows]),
  );
}
