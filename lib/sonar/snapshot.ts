/**
 * A snapshot: every Sonar table written to `data/snapshots/<id>/<table>.jsonl`, with a manifest of
 * counts, timings and the `updated_at` high-water mark per table.
 *
 * - Resumable: the manifest records, per table, how many pages (or id chunks) are safely on disk
 *   and the file length at that point. A re-run truncates to that length and carries on.
 * - Incremental: `since` takes only records with `updated_at` at or after a mark taken from the
 *   base snapshot (see `deltaMark`; at, not after: two updates in the same second must not be
 *   lost; the delta merges by id, so a record seen twice is harmless). Deletions leave no
 *   `updated_at` behind, so an incremental snapshot also lists the ids of the tables in
 *   `DELETION_CHECKED` and records which of the chain's ids Sonar no longer has. The small tables
 *   in `READ_WHOLE` (a site's served addresses) are read in full every time.
 * - A many-to-many relation (`LINK_LISTS` in relations.ts) is kept as the ids it links.
 * - Selective: one account, a list, or a filter (status, activation dates, limit); the selected
 *   accounts' members come with them (see members.ts). Reference tables are always whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SonarClient } from './client.js';
import { chunk } from './batch.js';
import { ID_QUERIES, LINK_PAGE_QUERIES, READ_WHOLE, SNAPSHOT_QUERIES, SNAPSHOT_TABLES, type SnapshotTable } from './queries.js';
import { ACCOUNT_MEMBERS, LINK_LISTS, MEMBER_TABLES, memberSearch, type MemberLink } from './relations.js';
import { timeId } from '../run-id.js';

export interface AccountSelection {
  accountIds?: string[];
  /** Account status ids or names. */
  statuses?: string[];
  /** Inclusive `YYYY-MM-DD` bounds on `activation_date`. */
  activatedFrom?: string;
  activatedTo?: string;
  /** At most this many accounts (lowest ids first). */
  limit?: number;
}

export interface TableProgress {
  status: 'pending' | 'running' | 'done';
  count: number;
  bytes: number;
  units_done: number;
  units_total: number | null;
  records_per_page: number | null;
  started_at: string | null;
  finished_at: string | null;
  ms: number;
  high_water_mark: string | null;
  /** Incremental snapshots: the `updated_at` lower bound this table was read from. */
  since_mark?: string | null;
}

export interface SnapshotManifest {
  format: 'sonar-snapshot/1';
  id: string;
  sonar_url: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'complete';
  since: string | null;
  selection: AccountSelection | null;
  tables: Record<string, TableProgress>;
  /**
   * Incremental snapshots: per checked table, the ids the snapshots this one builds on hold and
   * Sonar no longer has (deleted there). Absent on full snapshots.
   */
  deleted?: Record<string, string[]>;
  /** Incremental snapshots: how long listing the checked tables' ids took, in how many pages and requests (several pages to a request). */
  deletion_check?: { ms: number; pages: number; requests?: number; ids_listed: number };
}

export interface SnapshotOptions {
  client: SonarClient;
  sonarUrl: string;
  /** Folder that holds the snapshots, e.g. `data/snapshots`. */
  root: string;
  /** Reusing the id of an unfinished snapshot resumes it. Default: a UTC timestamp. */
  id?: string;
  since?: string;
  selection?: AccountSelection;
  tables?: SnapshotTable[];
  /** How far before the base table's start an incremental read begins; default `CLOCK_MARGIN_MS`. */
  clockMarginMs?: number;
  onProgress?: (event: { table: string; done: number; total: number | null; count: number; finished: boolean }) => void;
}

const ID_CHUNK = 50;
const MANIFEST = 'manifest.json';
/**
 * Allowance for the difference between our clock (a table's `started_at`) and Sonar's (its
 * `updated_at`), and for Sonar transactions that commit a while after they stamp a record.
 */
export const CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * Where an incremental read of a table starts: the base's high-water mark, but never later than
 * the moment the base began reading that table (less the clock margin). The high-water mark
 * alone is not safe: pages are read in id order, so a record edited after its page was read, while
 * a later page was still to come, has an `updated_at` below the newest one seen on that later
 * page, and a delta from the high-water mark alone would never see that edit. Anything edited
 * after the table's read began is taken again instead; the merge by id makes that harmless.
 */
export function deltaMark(base: TableProgress | undefined, clockMarginMs = CLOCK_MARGIN_MS): string | null {
  if (!base) return null;
  const started = base.started_at ? Date.parse(base.started_at) - clockMarginMs : NaN;
  const hwm = base.high_water_mark ? Date.parse(base.high_water_mark) : NaN;
  if (Number.isNaN(started)) return base.high_water_mark;
  // An empty table has no high-water mark, but anything created after its read began is still new.
  if (Number.isNaN(hwm) || started < hwm) return sonarDatetime(started);
  return base.high_water_mark;
}

/** As Sonar writes a `Datetime`: whole seconds (rounded down, so the mark only moves earlier) and an offset. */
const sonarDatetime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** Tables whose ids an incremental snapshot lists in full, to notice records deleted in Sonar. */
export const DELETION_CHECKED = Object.keys(ID_QUERIES) as Array<keyof typeof ID_QUERIES>;

/** Records per page asked for by the id listings (deletion check). */
export const ID_PAGE_SIZE = 1000;
/** Pages of an id listing asked in one request (batch.ts): a Sonar that caps pages at 100 still gives 1,000 ids a request. */
export const ID_PAGES_PER_REQUEST = 10;

/**
 * The snapshot folders a snapshot is made of, itself first and its full base last, following
 * `since`. All live side by side under the same root.
 */
export function snapshotChain(dir: string): string[] {
  const chain = [path.resolve(dir)];
  for (let since = readManifest(dir).since; since; since = readManifest(chain[chain.length - 1]).since) {
    const next = path.resolve(path.dirname(chain[0]), since);
    if (chain.includes(next)) throw new Error(`Snapshot ${path.basename(dir)}: the since chain loops at ${since}`);
    if (!fs.existsSync(path.join(next, MANIFEST)))
      throw new Error(`Snapshot ${path.basename(chain[chain.length - 1])} builds on ${since}, which is not in ${path.dirname(chain[0])}`);
    chain.push(next);
  }
  return chain;
}

export const newSnapshotId = timeId;

export function readManifest(dir: string): SnapshotManifest {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`No snapshot at ${dir} (no ${MANIFEST})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotManifest;
}

function writeManifest(dir: string, m: SnapshotManifest): void {
  // Write then rename, so a crash never leaves a half-written manifest.
  const tmp = path.join(dir, `${MANIFEST}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(m, null, 2));
  fs.renameSync(tmp, path.join(dir, MANIFEST));
}

const isSelective = (s: AccountSelection | undefined): s is AccountSelection =>
  !!s && (!!s.accountIds?.length || !!s.statuses?.length || !!s.activatedFrom || !!s.activatedTo || s.limit !== undefined);

/** Reference tables first, then accounts, then members after their parents. */
function tableOrder(only?: SnapshotTable[]): SnapshotTable[] {
  const members = [...new Set(ACCOUNT_MEMBERS.map((m) => m.table))];
  const reference = SNAPSHOT_TABLES.filter((t) => t !== 'accounts' && !MEMBER_TABLES.has(t));
  const order = [...reference, 'accounts' as const, ...members];
  return only ? order.filter((t) => only.includes(t)) : order;
}

export async function takeSnapshot(opts: SnapshotOptions): Promise<SnapshotManifest> {
  const id = opts.id ?? newSnapshotId();
  const dir = path.join(opts.root, id);
  fs.mkdirSync(dir, { recursive: true });
  const order = tableOrder(opts.tables);
  const selection = isSelective(opts.selection) ? opts.selection : null;

  let manifest: SnapshotManifest;
  if (fs.existsSync(path.join(dir, MANIFEST))) {
    manifest = readManifest(dir);
    if (manifest.status === 'complete') throw new Error(`Snapshot ${id} is already complete; choose another id`);
  } else {
    manifest = {
      format: 'sonar-snapshot/1',
      id,
      sonar_url: opts.sonarUrl,
      started_at: new Date().toISOString(),
      finished_at: null,
      status: 'running',
      since: opts.since ?? null,
      selection,
      tables: Object.fromEntries(
        order.map((t) => [
          t,
          {
            status: 'pending',
            count: 0,
            bytes: 0,
            units_done: 0,
            units_total: null,
            records_per_page: null,
            started_at: null,
            finished_at: null,
            ms: 0,
            high_water_mark: null,
          },
        ]),
      ),
    };
    writeManifest(dir, manifest);
  }
  // A resumed snapshot keeps the choices it was started with.
  const since = manifest.since;
  const sel = manifest.selection;
  const base = since ? readManifest(path.join(opts.root, since)) : null;

  for (const table of Object.keys(manifest.tables) as SnapshotTable[]) {
    const progress = manifest.tables[table];
    if (progress.status === 'done') continue;
    const file = path.join(dir, `${table}.jsonl`);
    // Drop whatever was written after the last recorded safe point.
    if (fs.existsSync(file)) fs.truncateSync(file, progress.bytes);
    const started = Date.now() - progress.ms;
    progress.status = 'running';
    progress.started_at ??= new Date().toISOString();
    if (base && !READ_WHOLE.has(table)) progress.since_mark ??= deltaMark(base.tables[table], opts.clockMarginMs);
    const hwmSearch = progress.since_mark
      ? { datetime_fields: [{ attribute: 'updated_at', search_value: progress.since_mark, operator: 'GTE' }] }
      : null;

    const write = (records: Array<Record<string, unknown>>) => {
      const text = records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
      if (text) fs.appendFileSync(file, text);
      progress.bytes += Buffer.byteLength(text);
      progress.count += records.length;
      for (const r of records) {
        const u = r.updated_at as string | undefined;
        if (u && (!progress.high_water_mark || Date.parse(u) > Date.parse(progress.high_water_mark))) progress.high_water_mark = u;
      }
      progress.units_done++;
      progress.ms = Date.now() - started;
      writeManifest(dir, manifest);
      opts.onProgress?.({ table, done: progress.units_done, total: progress.units_total, count: progress.count, finished: false });
    };
    fs.appendFileSync(file, '');

    const links = ACCOUNT_MEMBERS.filter((l) => l.table === table);
    if (sel && (table === 'accounts' || links.length)) {
      const chunks =
        table === 'accounts' ? await accountSearches(opts.client, sel, hwmSearch) : memberChunks(links, dir, opts.root, since, hwmSearch);
      progress.units_total = chunks.length;
      const seen = new Set<string>();
      for (let i = progress.units_done; i < chunks.length; i++) {
        const rows = await opts.client.fetchAll<Record<string, unknown>>(SNAPSHOT_QUERIES[table], table, { search: chunks[i] });
        // One record can be reached through two links (an IP owned by the account and by its RADIUS login).
        const fresh = rows.filter((r) => !seen.has(r.id as string) && seen.add(r.id as string));
        await withLinkIds(opts.client, table, fresh);
        write(table === 'accounts' && sel.limit !== undefined ? fresh.slice(0, Math.max(0, sel.limit - progress.count)) : fresh);
      }
    } else {
      const pages = opts.client.pages<Record<string, unknown>>(SNAPSHOT_QUERIES[table], table, hwmSearch ? { search: [hwmSearch] } : {}, {
        fromPage: progress.units_done + 1,
        recordsPerPage: progress.records_per_page ?? undefined,
      });
      for await (const page of pages) {
        progress.records_per_page = page.page_info.records_per_page;
        progress.units_total = page.page_info.total_pages;
        if (page.page_info.page > page.page_info.total_pages) break;
        write(await withLinkIds(opts.client, table, page.entities));
      }
    }
    progress.high_water_mark ??= base?.tables[table]?.high_water_mark ?? null;
    progress.status = 'done';
    progress.finished_at = new Date().toISOString();
    progress.ms = Date.now() - started;
    writeManifest(dir, manifest);
    opts.onProgress?.({ table, done: progress.units_done, total: progress.units_total, count: progress.count, finished: true });
  }
  if (since && !sel) {
    manifest.deleted = {};
    const started = Date.now();
    const check = { ms: 0, pages: 0, requests: 0, ids_listed: 0 };
    const sent = opts.client.stats.requests;
    // The tables side by side: each listing is a few requests, each waiting on Sonar's latency.
    const tables = DELETION_CHECKED.filter((t) => t in manifest.tables);
    const listed = await Promise.all(tables.map((t) => deletedIds(opts.client, t, dir, opts.root, since)));
    tables.forEach((table, i) => {
      manifest.deleted![table] = listed[i].gone;
      check.ids_listed += listed[i].live;
      check.pages += listed[i].pages;
    });
    check.requests = opts.client.stats.requests - sent;
    manifest.deletion_check = { ...check, ms: Date.now() - started };
  }
  manifest.status = 'complete';
  manifest.finished_at = new Date().toISOString();
  writeManifest(dir, manifest);
  return manifest;
}

/**
 * A many-to-many relation (`LINK_LISTS`) as Sonar answers it, a nested connection, turned into
 * the ids it links, in place: the first page came with the record, the later ones are asked for
 * here, record by record, with the page size the server used for the first.
 */
async function withLinkIds(client: SonarClient, table: string, records: Array<Record<string, unknown>>) {
  for (const field of Object.keys(LINK_LISTS[table] ?? {})) {
    for (const r of records) {
      const conn = r[field] as { entities: Array<{ id: string }>; page_info: { total_pages: number; records_per_page: number } } | null;
      const ids = (conn?.entities ?? []).map((e) => String(e.id));
      if (conn && conn.page_info.total_pages > 1) {
        const pages = client.pages<{ id: string }>(
          LINK_PAGE_QUERIES[table][field],
          `${table}.entities.0.${field}`,
          { id: r.id },
          {
            fromPage: 2,
            recordsPerPage: conn.page_info.records_per_page,
          },
        );
        for await (const page of pages) {
          if (page.page_info.page > page.page_info.total_pages) break;
          ids.push(...page.entities.map((e) => String(e.id)));
        }
      }
      r[field] = ids;
    }
  }
  return records;
}

/**
 * Ids the chain holds for `table` that Sonar no longer lists: deleted there. One id-only listing
 * of the table (a page per `records_per_page` ids); archived accounts are listed, so they are not
 * mistaken for deleted ones. A selective snapshot is not checked: its chain holds only some ids.
 */
async function deletedIds(
  client: SonarClient,
  table: keyof typeof ID_QUERIES,
  dir: string,
  root: string,
  since: string,
): Promise<{ gone: string[]; live: number; pages: number }> {
  const live = new Set<string>();
  let pages = 0;
  // Ids only, so ask for large pages, ten to a request: at Sonar's 400 requests a minute a 10,000-account cutover's
  // listings at 100 a page, one a request, cost half a minute's budget. A server that caps the size says so, and the
  // pages follow what it used.
  for await (const page of client.batchedPages<{ id: string }>(ID_QUERIES[table], table, {
    recordsPerPage: ID_PAGE_SIZE,
    perRequest: ID_PAGES_PER_REQUEST,
  })) {
    pages++;
    for (const r of page.entities) live.add(String(r.id));
  }
  // Found by an earlier delta already: reported once, where it was found.
  const earlier = new Set(snapshotChain(path.join(root, since)).flatMap((d) => readManifest(d).deleted?.[table] ?? []));
  const known = [...parentIds(table, dir, root, since)].filter((id) => !earlier.has(id));
  return { gone: known.filter((id) => !live.has(id)).sort((a, b) => Number(a) - Number(b)), live: live.size, pages };
}

/** The `search` arguments that select accounts, one per unit of work. */
async function accountSearches(client: SonarClient, sel: AccountSelection, hwm: object | null): Promise<unknown[][]> {
  const common: Record<string, unknown[]> = {};
  const dates = [
    ...(sel.activatedFrom ? [{ attribute: 'activation_date', search_value: sel.activatedFrom, operator: 'GTE' }] : []),
    ...(sel.activatedTo ? [{ attribute: 'activation_date', search_value: sel.activatedTo, operator: 'LTE' }] : []),
  ];
  if (dates.length) common.date_fields = dates;
  if (hwm) Object.assign(common, hwm);
  let statusIds: Array<string | null> = [null];
  if (sel.statuses?.length) {
    const all = await client.fetchAll<{ id: string; name: string }>(SNAPSHOT_QUERIES.account_statuses, 'account_statuses');
    statusIds = sel.statuses.map((s) => {
      const hit = all.find((x) => x.id === s || x.name.toLowerCase() === s.toLowerCase());
      if (!hit) throw new Error(`Unknown account status "${s}". Known: ${all.map((x) => x.name).join(', ')}`);
      return hit.id;
    });
  }
  const clause = (extra: Record<string, unknown>) => ({ ...common, ...extra });
  const withStatus = (ints: unknown[]) =>
    statusIds.map((sid) =>
      clause({ integer_fields: [...ints, ...(sid ? [{ attribute: 'account_status_id', operator: 'EQ', search_value: sid }] : [])] }),
    );
  if (sel.accountIds?.length) {
    return chunk(sel.accountIds, ID_CHUNK).map((ids) =>
      ids.flatMap((id) => withStatus([{ attribute: 'id', operator: 'EQ', search_value: id }])),
    );
  }
  return [withStatus([])];
}

/** For each member link, chunks of parent ids turned into `search` arguments. */
function memberChunks(links: MemberLink[], dir: string, root: string, since: string | null, hwm: object | null): unknown[][] {
  return links.flatMap((link) =>
    chunk([...parentIds(link.parent, dir, root, since)], ID_CHUNK).map((ids) =>
      memberSearch(link, ids).map((clause) => (hwm ? { ...(clause as object), ...hwm } : clause)),
    ),
  );
}

/** Ids of a parent table in this snapshot and, for an incremental one, in the snapshots it builds on. */
function parentIds(table: string, dir: string, root: string, since: string | null): Set<string> {
  const dirs = [dir];
  for (let s = since; s; s = readManifest(dirs[dirs.length - 1]).since) dirs.push(path.join(root, s));
  const ids = new Set<string>();
  for (const d of dirs) {
    const file = path.join(d, `${table}.jsonl`);
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line) ids.add((JSON.parse(line) as { id: string }).id);
  }
  return ids;
}
