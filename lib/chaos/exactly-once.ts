/**
 * The exactly-once check: after any number of crashes, faults and resumes, does Splynx hold each
 * migrated Sonar record once, and is every record the migration took on either there or in the
 * error table?
 *
 * It reads Splynx through the API (so it would work against a real instance too), the ledger,
 * and the error table of the last run, and counts per entity:
 *
 * - `expected`: the Sonar records the entity selects from the cleaned snapshot;
 * - `loaded`: of those, the ones Splynx holds (the ledger's Splynx id exists in the collection,
 *   and carries the record's `sonar_id` where the entity writes one);
 * - `reported`: the ones in the error table;
 * - `missing`: the rest, neither in Splynx nor reported (a silent loss, or a record left pending);
 * - `duplicates`: extra Splynx records for a record that is already there (same `sonar_id`, or
 *   the same natural key where the entity has no `sonar_id`);
 * - `extra`: Splynx records nobody asked for: not there before the migration, not in the ledger,
 *   not the copy of a known record.
 *
 * Records Splynx makes by itself (a ticket's first message, the `sonar_id` field definitions) are
 * not extra. Entities that only update a record Splynx made with its parent (customer info,
 * billing) cannot duplicate; for them only `missing` is counted.
 */
import { ENTITIES, type EntityModule, type Row } from '../entities/index.js';
import { ADDITIONAL_FIELDS, SONAR_ID_FIELD } from '../entities/sonar-id.js';
import { ticketReplies } from '../entities/ticket-replies.js';
import type { Ledger, LedgerRecord } from '../ledger/index.js';
import type { ErrorRow } from '../load/errors.js';
import type { TransformContext } from '../entities/types.js';
import type { SplynxApi } from '../splynx/client.js';

export interface EntityTally {
  entity: string;
  expected: number;
  loaded: number;
  reported: number;
  missing: number;
  duplicates: number;
  extra: number;
}

export interface ExactlyOnceResult {
  entities: EntityTally[];
  totals: Omit<EntityTally, 'entity'>;
  /** One line per problem found (capped), naming entity and ids: what to look at first. */
  problems: string[];
}

/** Which Splynx records existed before the migration, per collection path. */
export type Baseline = Record<string, string[]>;

type SplynxRow = Record<string, unknown> & { id: string; additional_attributes?: Record<string, string> };

/** A collection several entities may write to (networks: rootnets and endnets; notes: notes and contacts). */
interface Collection {
  path: string;
  entities: EntityModule[];
  /** The ledger's Splynx id of a record of this collection (customer fields are keyed by name). */
  idOf(r: SplynxRow): string;
  /** Without a `sonar_id`, what makes two records the same one. */
  key?(r: SplynxRow): string;
}

const title = (r: SplynxRow) => String(r.title).toLowerCase();
const network = (r: SplynxRow) => `${r.network}/${r.mask}`;
const comment = (r: SplynxRow) => `${r.customer_id}|${r.title}`;
const message = (r: SplynxRow) => `${r.ticket_id}|${r.date}|${r.time}|${r.author_type}|${r.message}`;

/** By entity: what makes a record unique in its collection besides a sonar_id (the collection takes its entities' key). */
const NATURAL_KEYS: Record<string, (r: SplynxRow) => string> = {
  tariffs_internet: title,
  tariffs_recurring: title,
  tariffs_voice: title,
  tariffs_one_time: title,
  ipv4_rootnets: network,
  ipv4_networks: network,
  customer_fields: (r) => String(r.name),
  inventory_stocks: (r) => String(r.name),
  customer_notes: comment,
  customer_contacts: comment,
  ticket_replies: message,
  ticket_comments: message,
};

/** The collections the migration creates records in, from the entity modules. */
export function collections(entities: EntityModule[] = ENTITIES): Collection[] {
  const byPath = new Map<string, Collection>();
  for (const mod of entities) {
    if (mod.attachTo) continue;
    const path = mod.endpoint;
    const c = byPath.get(path) ?? {
      path,
      entities: [],
      idOf: (r: SplynxRow) => String(path.startsWith(`${ADDITIONAL_FIELDS}/`) ? r.name : r.id),
    };
    c.key ??= NATURAL_KEYS[mod.name];
    c.entities.push(mod);
    byPath.set(path, c);
  }
  return [...byPath.values()];
}

/** Every record of a collection (services are listed across customers with customer id 0). */
async function list(api: SplynxApi, path: string): Promise<SplynxRow[]> {
  return api.get<SplynxRow[]>(path);
}

/** What Splynx holds before a migration: taken on the fresh instance, so its seed is not "extra". */
export async function takeBaseline(api: SplynxApi, entities: EntityModule[] = ENTITIES): Promise<Baseline> {
  const out: Baseline = {};
  for (const c of collections(entities)) out[c.path] = (await list(api, c.path)).map((r) => c.idOf(r));
  return out;
}

const DONE = new Set(['created', 'updated', 'skipped', 'external']);

export interface CheckInput {
  api: SplynxApi;
  ledger: Ledger;
  /** The cleaned snapshot the migration loaded. */
  tables: Record<string, Row[]>;
  /** A transform context over the same tables and ledger (for the entities' `select`). */
  ctx: TransformContext;
  baseline: Baseline;
  /** The error table of the last run: a record in it is reported, not lost. */
  errors: Array<Pick<ErrorRow, 'entity' | 'source_id'>>;
  entities?: EntityModule[];
  /** How many problem lines to keep (default 50). */
  maxProblems?: number;
}

export async function checkExactlyOnce(input: CheckInput): Promise<ExactlyOnceResult> {
  const entities = input.entities ?? ENTITIES;
  const problems: string[] = [];
  const note = (line: string) => {
    if (problems.length < (input.maxProblems ?? 50)) problems.push(line);
  };
  const reported = new Set(input.errors.map((e) => `${e.entity}:${e.source_id}`));
  const tallies = new Map<string, EntityTally>(
    entities.map((e) => [e.name, { entity: e.name, expected: 0, loaded: 0, reported: 0, missing: 0, duplicates: 0, extra: 0 }]),
  );
  const ledgerRows = new Map<string, LedgerRecord[]>(entities.map((e) => [e.name, input.ledger.records(e.name)]));

  // Splynx's side, per collection.
  const listed = new Map<string, Map<string, SplynxRow>>();
  for (const c of collections(entities)) {
    const rows = await list(input.api, c.path);
    listed.set(c.path, new Map(rows.map((r) => [c.idOf(r), r])));
    checkCollection(c, rows, input.baseline[c.path] ?? [], ledgerRows, tallies, note);
  }

  // Sonar's side: every selected record is in Splynx once, or in the error table.
  for (const mod of entities) {
    const t = tallies.get(mod.name)!;
    const byId = new Map(ledgerRows.get(mod.name)!.map((r) => [r.sonar_id, r]));
    const inSplynx = mod.attachTo ? null : listed.get(mod.endpoint)!;
    for (const row of input.tables[mod.source] ?? []) {
      if (!(mod.select?.(row, input.ctx) ?? true)) continue;
      t.expected++;
      const id = String(row.id);
      if (reported.has(`${mod.name}:${id}`)) {
        t.reported++;
        continue;
      }
      const l = byId.get(id);
      if (!l || !DONE.has(l.state) || !l.splynx_id) {
        t.missing++;
        note(
          `${mod.name} ${id}: ${l ? `ledger says ${l.state}${l.error ? ` (${l.error})` : ''}` : 'never attempted'}, and not in the error table`,
        );
        continue;
      }
      if (inSplynx) {
        const found = inSplynx.get(l.splynx_id);
        const sonarId = found?.additional_attributes?.[SONAR_ID_FIELD];
        if (!found || (sonarId !== undefined && sonarId !== '' && !new RegExp(`(^|:)${escape(id)}$`).test(sonarId))) {
          t.missing++;
          note(
            `${mod.name} ${id}: the ledger points at Splynx ${l.splynx_id}, which ${found ? `carries sonar_id ${sonarId}` : 'is not in Splynx'}`,
          );
          continue;
        }
      }
      t.loaded++;
    }
  }

  const list_ = [...tallies.values()];
  const totals = list_.reduce(
    (a, t) => ({
      expected: a.expected + t.expected,
      loaded: a.loaded + t.loaded,
      reported: a.reported + t.reported,
      missing: a.missing + t.missing,
      duplicates: a.duplicates + t.duplicates,
      extra: a.extra + t.extra,
    }),
    { expected: 0, loaded: 0, reported: 0, missing: 0, duplicates: 0, extra: 0 },
  );
  return { entities: list_, totals, problems };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkCollection(
  c: Collection,
  rows: SplynxRow[],
  baseline: string[],
  ledgerRows: Map<string, LedgerRecord[]>,
  tallies: Map<string, EntityTally>,
  note: (s: string) => void,
): void {
  const before = new Set(baseline);
  // Which entity's ledger row points at each Splynx record.
  const owner = new Map<string, string>();
  for (const mod of c.entities)
    for (const l of ledgerRows.get(mod.name) ?? []) if (l.splynx_id && DONE.has(l.state)) owner.set(l.splynx_id, mod.name);
  const fresh = rows.filter((r) => !before.has(c.idOf(r)) && (owner.has(c.idOf(r)) || !implicit(c, r, rows)));
  const known = fresh.filter((r) => owner.has(c.idOf(r)));
  const keyOf = (r: SplynxRow): string | null => {
    const sid = r.additional_attributes?.[SONAR_ID_FIELD];
    if (sid) return `sonar_id:${sid}`;
    return c.key ? `key:${c.key(r)}` : null;
  };
  const knownKeys = new Map<string, string>();
  for (const r of known) {
    const k = keyOf(r);
    if (k) knownKeys.set(k, owner.get(c.idOf(r))!);
  }
  // Unknown records: a copy of a known one (a duplicate), or another copy of the same unknown one.
  const seenUnknown = new Map<string, number>();
  for (const r of fresh) {
    if (owner.has(c.idOf(r))) continue;
    const k = keyOf(r);
    const entity = (k && knownKeys.get(k)) ?? c.entities[0].name;
    const t = tallies.get(entity)!;
    if (k && knownKeys.has(k)) {
      t.duplicates++;
      note(`${entity}: Splynx ${c.path} ${c.idOf(r)} duplicates a migrated record (${k})`);
    } else if (k && seenUnknown.has(k)) {
      t.duplicates++;
      note(`${entity}: Splynx ${c.path} ${c.idOf(r)} is another copy of an unrecorded record (${k})`);
    } else {
      t.extra++;
      note(`${c.entities.map((e) => e.name).join('/')}: Splynx ${c.path} ${c.idOf(r)} is in no ledger row${k ? ` (${k})` : ''}`);
    }
    if (k) seenUnknown.set(k, (seenUnknown.get(k) ?? 0) + 1);
  }
}

/** Records Splynx makes by itself alongside a migrated one. */
function implicit(c: Collection, r: SplynxRow, rows: SplynxRow[]): boolean {
  // A ticket's first message is saved with the ticket (the ticket's own `message`).
  if (c.path === ticketReplies.endpoint) return !rows.some((o) => o.ticket_id === r.ticket_id && Number(o.id) < Number(r.id));
  // The migration's own `sonar_id` field definition.
  if (c.path.startsWith(`${ADDITIONAL_FIELDS}/`)) return r.name === SONAR_ID_FIELD;
  return false;
}
