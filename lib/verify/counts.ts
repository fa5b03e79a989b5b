/**
 * Count reconciliation, per entity: Sonar, the snapshot, the ledger and Splynx side by side.
 * What has to agree, and why:
 *
 * - Sonar's live total (`page_info.total_count` of the source table) = the snapshot's rows: Sonar
 *   has not changed since the snapshot. Only for a whole snapshot (an incremental one counts as
 *   whole when its chain starts from one); a selective one holds part of Sonar by design. The check is per Sonar table, which several entities may share.
 * - selected = done + failed in the ledger, none pending: every record the entity takes from the
 *   snapshot has an outcome, and none is in doubt. `failed` records balance the count (they are in
 *   the load's error table) but are differences all the same: Splynx does not hold them.
 * - Splynx = the ledger's done records: what the ledger says was migrated is there, once, and
 *   nothing else claims to be (see specs.ts for how migrated records are told apart from the rest).
 *   When the counts disagree, or on a full verification, the records themselves are listed, so
 *   each missing, duplicated or unknown record is named rather than only counted.
 */
import type { EntityModule, Row } from '../entities/types.js';
import type { LedgerRecord } from '../ledger/index.js';
import { SNAPSHOT_QUERIES, type SnapshotTable } from '../sonar/queries.js';
import { DONE_STATES } from './ledger-view.js';
import { excludedOf, type ExcludedRow } from '../load/excluded.js';
import { expectedPayload } from './expected.js';
import { readPath, specOf } from './specs.js';
import { countAll, listAll, readRecord } from './splynx-read.js';
import type { VerifySession } from './session.js';
import { RECORD, sortDifferences, type Difference } from './types.js';

export interface CountRow {
  entity: string;
  source: string;
  /** Sonar's live total of the source table. */
  sonar: number | null;
  /** The snapshot's records of the source table, the excluded ones included. */
  snapshot: number;
  selected: number;
  /** Records the entity would have taken that the analyst excluded: explained, not a difference. */
  excluded: number;
  done: number;
  failed: number;
  pending: number;
  /** Migrated records found in Splynx; null for attach-only entities. */
  splynx: number | null;
  note: string;
}

export interface EntityCount {
  row: CountRow;
  differences: Difference[];
  /** The Sonar ids the entity takes from the snapshot. */
  selectedIds: Set<string>;
  /** Splynx records found by listing, by the ledger's Splynx id (when they were listed). */
  listing?: Map<string, Row>;
  /** Splynx ids of done records the counts found missing (already reported). */
  missing: Set<string>;
  /** The excluded records of the entity, with their reasons. */
  excluded: ExcludedRow[];
}

/** Excluded records of a table: in the snapshot, not in the cleaned tables. */
const excludedIn = (s: VerifySession, table: string) => (s.excluded ?? []).filter((e) => e.table === table).length;

/** The count rows for a table: attach-only entities and unread totals as a dash, not "null". */
export function countTable(
  rows: CountRow[],
): Array<Omit<CountRow, 'sonar' | 'splynx'> & { sonar: number | string; splynx: number | string }> {
  return rows.map((r) => ({ ...r, sonar: r.sonar ?? '—', splynx: r.splynx ?? '—' }));
}

/** Sonar's live total of each table: one request per table, one record per page. */
export async function sonarTotals(s: VerifySession, tables: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const table of [...new Set(tables)]) {
    const query = SNAPSHOT_QUERIES[table as SnapshotTable];
    if (!query) continue;
    const data = await s.sonar.request<Record<string, { page_info: { total_count: number } }>>(query, {
      paginator: { page: 1, records_per_page: 1 },
    });
    out.set(table, Number(data[table].page_info.total_count));
  }
  return out;
}

/** One difference per Sonar table whose live total is not the snapshot's (whole snapshots only). */
export function sonarDifferences(s: VerifySession, totals: Map<string, number>): Difference[] {
  if (!s.wholeSnapshot) return [];
  return [...totals].flatMap(([table, sonar]) => {
    const snapshot = (s.tables[table] ?? []).length + excludedIn(s, table);
    return sonar === snapshot
      ? []
      : [
          {
            check: 'sonar' as const,
            entity: table,
            sonar_id: '',
            splynx_id: '',
            field: '(count)',
            expected: `${snapshot} (snapshot ${s.snapshotId})`,
            found: `${sonar} in Sonar now: take a new snapshot, or run the delta`,
          },
        ];
  });
}

const diff = (
  check: Difference['check'],
  entity: string,
  r: { sonar_id?: string; splynx_id?: string | null },
  expected: string,
  found: string,
  field = RECORD,
): Difference => ({
  check,
  entity,
  sonar_id: r.sonar_id ?? '',
  splynx_id: r.splynx_id ?? '',
  field,
  expected,
  found,
});

export async function countEntity(
  s: VerifySession,
  mod: EntityModule,
  opts: { full: boolean; sonarTotals: Map<string, number> },
): Promise<EntityCount> {
  const rows = s.tables[mod.source] ?? [];
  const selectedIds = new Set(rows.filter((r) => mod.select?.(r, s.ctx) ?? true).map((r) => String(r.id)));
  const records = s.ledger.records(mod.name);
  const inSelection = records.filter((r) => selectedIds.has(r.sonar_id));
  const state = (...states: string[]) => inSelection.filter((r) => states.includes(r.state));
  const differences: Difference[] = [];
  const notes: string[] = [];
  const excluded = excludedOf(mod, s.excluded ?? [], s.ctx);
  const excludedIds = new Map(excluded.map((e) => [e.source_id, e]));
  if (excluded.length) notes.push(`${excluded.length} excluded by decision (data/exclusions.csv), listed in verify.json`);

  const known = new Set(records.map((r) => r.sonar_id));
  for (const id of selectedIds)
    if (!known.has(id)) differences.push(diff('ledger', mod.name, { sonar_id: id }, 'loaded', 'never loaded: not in the ledger'));
  for (const r of state('pending'))
    differences.push(diff('ledger', mod.name, r, 'loaded', 'pending: its create was never confirmed; run the load again to settle it'));
  for (const r of state('failed'))
    differences.push(diff('ledger', mod.name, r, 'loaded', `failed: ${r.error ?? 'see the load’s errors.csv'}`));
  const gone = records.filter((r) => DONE_STATES.has(r.state) && !selectedIds.has(r.sonar_id));
  // Excluded after it was migrated (a rehearsal loaded it): the decision says it must not be there.
  for (const r of gone.filter((g) => excludedIds.has(g.sonar_id)))
    differences.push(
      diff(
        'ledger',
        mod.name,
        r,
        `not in Splynx: excluded (${excludedIds.get(r.sonar_id)!.reason})`,
        `still in Splynx from an earlier run: roll it back (rollback --entity ${mod.name}), or delete its row in data/exclusions.csv`,
      ),
    );
  const vanished = gone.filter((g) => !excludedIds.has(g.sonar_id));
  if (vanished.length && s.wholeSnapshot)
    for (const r of vanished)
      differences.push(diff('ledger', mod.name, r, 'not in Splynx: Sonar no longer has or selects it', 'still in Splynx'));
  else if (vanished.length) notes.push(`${vanished.length} migrated records are not in this ${s.snapshotNote}`);

  const row: CountRow = {
    entity: mod.name,
    source: mod.source,
    sonar: opts.sonarTotals.get(mod.source) ?? null,
    snapshot: rows.length + excludedIn(s, mod.source),
    selected: selectedIds.size,
    excluded: excluded.length,
    done: state(...DONE_STATES).length,
    failed: state('failed').length,
    pending: state('pending').length,
    splynx: null,
    note: '',
  };
  const census = specOf(mod).census;
  let listing: Map<string, Row> | undefined;
  const missing = new Set<string>();
  if (!census) {
    notes.unshift('attach-only: no collection of its own, checked field by field');
  } else {
    const result = await reconcileSplynx(s, mod, opts.full);
    row.splynx = result.found;
    listing = result.listing;
    for (const id of result.missing) missing.add(id);
    differences.push(...result.differences);
    if (result.unmarked) notes.push(`${result.unmarked} external records without a sonar_id, found by id`);
  }
  const externals = records.filter((r) => r.state === 'external').length;
  if (externals)
    notes.push(`${externals} external (registered or adopted): their fields are the analyst's, only their existence is checked`);
  if (!s.wholeSnapshot && row.sonar !== null) notes.push(`Sonar total not compared: ${s.snapshotNote}`);
  row.note = notes.join('; ');
  return { row, differences, selectedIds, listing, missing, excluded };
}

/**
 * Splynx against the ledger's done records: the census count, and when it disagrees (or on a
 * full verification) the listing that names each record that is missing, duplicated or unknown.
 */
async function reconcileSplynx(
  s: VerifySession,
  mod: EntityModule,
  full: boolean,
): Promise<{ found: number; unmarked: number; differences: Difference[]; listing?: Map<string, Row>; missing: string[] }> {
  const census = specOf(mod).census!;
  const searches = census.searches(s);
  const done = s.ledger.done(mod.name);
  const others = census.others?.count(s) ?? 0;
  const counted = (await countAll(s.api, census.path, searches)) - others;
  if (!full && counted === done.length) return { found: counted, unmarked: 0, differences: [], missing: [] };

  const rows = await listAll(s.api, census.path, searches);
  const skip = census.others?.ids(rows, s) ?? new Set<string>();
  const key = census.keyOf ?? ((r: Row) => String(r.id));
  const listing = new Map(rows.filter((r) => !skip.has(String(r.id))).map((r) => [key(r), r]));
  const differences: Difference[] = [];
  const bySplynx = new Map(done.map((r) => [r.splynx_id!, r]));
  for (const [id, r] of listing) {
    if (bySplynx.has(id)) continue;
    const claimed = census.sonarIdOf(r);
    const known = claimed ? s.ledger.get(mod.name, claimed) : undefined;
    const found = !known
      ? 'present'
      : known.state === 'pending' || known.state === 'failed'
        ? `present: a create that landed while the ledger has it ${known.state}; run the load again to settle it`
        : `present: a second record for Sonar ${claimed}, which the ledger has as Splynx ${known.splynx_id}`;
    differences.push(diff('count', mod.name, { sonar_id: claimed, splynx_id: id }, 'not in Splynx: the ledger does not know it', found));
  }
  let unmarked = 0;
  const missing: string[] = [];
  const absent = done.filter((r) => !listing.has(r.splynx_id!));
  await Promise.all(
    absent.map(async (r) => {
      const outcome = await readUnlisted(s, mod, r);
      if (outcome.row && r.state === 'external') {
        // Registered by hand or adopted by title: it need not carry a sonar_id, so only its existence counts.
        unmarked++;
        listing.set(r.splynx_id!, outcome.row);
      } else if (outcome.row) {
        listing.set(r.splynx_id!, outcome.row);
        differences.push(
          diff('count', mod.name, r, 'found as migrated (by its sonar_id, title or ticket)', 'present, but its marker was changed'),
        );
      } else {
        missing.push(r.splynx_id!);
        differences.push(diff('count', mod.name, r, 'in Splynx', outcome.error ?? 'not found: deleted in Splynx?'));
      }
    }),
  );
  return { found: counted + unmarked, unmarked, differences: sortDifferences(differences), listing, missing };
}

/** A done record the census did not find, read by id: deleted, or changed so it no longer looks migrated. */
async function readUnlisted(s: VerifySession, mod: EntityModule, r: LedgerRecord): Promise<{ row?: Row | null; error?: string }> {
  const source = s.ctx.byId(mod.source, r.sonar_id);
  const expected = source ? expectedPayload(mod, source, s.ctx) : { error: 'its Sonar record is not in the snapshot' };
  if (!expected.payload && (mod.createPath || specOf(mod).readPath)) return { error: `cannot tell where it is (${expected.error})` };
  return { row: await readRecord(s.api, readPath(mod, r.splynx_id!, expected.payload ?? {})) };
}
