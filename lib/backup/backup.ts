/**
 * The backup itself: introspect, discover, then page every table into the store, one table at a
 * time, writing each page with its progress in one transaction.
 *
 * - Resumable: a backup that stopped (crash, Ctrl-C, a table that failed) is continued by running
 *   it again on the same store. Finished tables are not fetched again; a table that was half done
 *   carries on from its next page with the page size the server used before. If that size or the
 *   table's query changed in between, that table starts again from page 1 (upserts by id make
 *   that safe, and the rows of the old shape are cleared first).
 * - Fault tolerant: a table that fails (GraphQL error, retries exhausted) is recorded as failed
 *   and the backup carries on; only a rejected token stops everything, as no table could succeed.
 * - Honest: the summary lists every table with its records, pages and status, every skipped root
 *   query with the reason, and every failure.
 */
import type { GraphQLSchema } from 'graphql';
import { SonarError, type SonarClient } from '../sonar/client.js';
import { discoverTables, type Discovery, type SkippedQuery, type TablePlan } from './discover.js';
import { introspectSchema } from './introspect.js';
import { pagesOf } from './pager.js';
import { emptyProgress, type BackupStore, type StoredRow, type TableProgress, type TableStatus } from './store.js';
import { timeId } from '../run-id.js';

export const BACKUP_FORMAT = 'sonar-graphql-backup/1';

export interface BackupOptions {
  client: SonarClient;
  /** Recorded in the store, and checked on resume: a backup never mixes two instances. */
  sonarUrl: string;
  store: BackupStore;
  /** Given for a new backup; a resumed one keeps its own. */
  id?: string;
  include?: string[];
  exclude?: string[];
  /** At most this many records per table. */
  sample?: number;
  /** See selection.ts. Default 0. */
  depth?: number;
  /** Page size to ask for (the server may use less). Default 100. */
  recordsPerPage?: number;
  /** Page requests kept in flight per table. Default 4. */
  lookahead?: number;
  /** Stops the backup cleanly between pages; it can be resumed later. */
  signal?: AbortSignal;
  onEvent?: (e: BackupEvent) => void;
  /** Applied to every error message before it is stored or reported (token, database password). */
  scrub?: (text: string) => string;
  /** Only tests pass this, to skip the introspection request. */
  schema?: GraphQLSchema;
}

export type BackupEvent =
  | { type: 'discovered'; discovery: Discovery; resumed: boolean }
  | { type: 'table-start'; table: string; fromPage: number }
  | { type: 'page'; table: string; page: number; totalPages: number; records: number }
  | {
      type: 'table-end';
      table: string;
      status: TableStatus;
      records: number;
      pages: number;
      error?: string;
      alreadyDone?: boolean;
      restarted?: string;
    };

export interface TableSummary {
  table: string;
  status: TableStatus;
  records: number;
  pages: number;
  total_pages: number | null;
  /** What the server reported; differs from `records` only with a sample, or if data changed. */
  total_count: number | null;
  error?: string;
}

export interface BackupResult {
  id: string;
  /** complete: every table done; failed: some failed; interrupted: stopped by the signal. */
  status: 'complete' | 'failed' | 'interrupted';
  location: string;
  resumed: boolean;
  tables: TableSummary[];
  skipped: SkippedQuery[];
  discovery: Discovery;
  ms: number;
}

/** Options that conflict with the backup being resumed, or names unknown to the schema: exit code 2. */
export class BackupUsageError extends Error {
  override name = 'BackupUsageError';
}

const now = () => new Date().toISOString();

export async function runBackup(opts: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const scrub = opts.scrub ?? ((s: string) => s);
  const { store, client } = opts;
  const emit = (e: BackupEvent) => opts.onEvent?.(e);

  // Introspect first: a rejected token or an unreachable instance then leaves no half-made store.
  const schema = opts.schema ?? (await introspectSchema(client));
  await store.open().catch((e: Error) => {
    throw new Error(`cannot open ${store.location}: ${scrub(e.message)}`);
  });
  const info = await store.getInfo();
  const resumed = Boolean(info.id);
  const settings = reconcile(info, opts);

  let discovery: Discovery;
  try {
    discovery = discoverTables(schema, settings);
  } catch (e) {
    throw new BackupUsageError((e as Error).message);
  }
  emit({ type: 'discovered', discovery, resumed });

  const id = info.id ?? opts.id ?? newBackupId();
  await store.setInfo({
    format: BACKUP_FORMAT,
    id,
    sonar_url: opts.sonarUrl,
    depth: String(settings.depth),
    sample: settings.sample === undefined ? '' : String(settings.sample),
    include: (settings.include ?? []).join(','),
    exclude: (settings.exclude ?? []).join(','),
    started_at: info.started_at ?? now(),
    status: 'running',
    skipped: JSON.stringify(discovery.skipped),
    link_connections_not_backed_up: JSON.stringify(discovery.linkConnections),
  });

  const known = new Map((await store.progress()).map((p) => [p.table, p]));
  for (const s of discovery.skipped) {
    await store.saveProgress({ ...emptyProgress(s.table), status: 'skipped', error: s.reason });
  }

  const summaries: TableSummary[] = [];
  let interrupted = false;
  for (const plan of discovery.tables) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    const outcome = await backupTable(plan, known.get(plan.table), { ...opts, scrub, emit, sample: settings.sample });
    summaries.push(outcome.summary);
    if (outcome.interrupted) {
      interrupted = true;
      break;
    }
  }
  // Tables not reached because of an interruption still belong in the summary, as pending or as
  // far as an earlier run got.
  for (const plan of discovery.tables.slice(summaries.length)) {
    const p = known.get(plan.table) ?? emptyProgress(plan.table);
    summaries.push(summaryOf(p));
  }

  const failed = summaries.some((s) => s.status === 'failed');
  const status = interrupted ? 'interrupted' : failed ? 'failed' : 'complete';
  await store.setInfo({ status: status === 'complete' ? 'complete' : 'incomplete', finished_at: now() });
  return {
    id,
    status,
    location: store.location,
    resumed,
    tables: summaries,
    skipped: discovery.skipped,
    discovery,
    ms: Date.now() - started,
  };
}

/** The settings a run uses: a resumed backup keeps its depth and sample; a new value is an error. */
function reconcile(info: Record<string, string>, opts: BackupOptions) {
  const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : undefined);
  if (!info.id) return { depth: opts.depth ?? 0, sample: opts.sample, include: opts.include, exclude: opts.exclude };
  if (info.format && info.format !== BACKUP_FORMAT)
    throw new BackupUsageError(`The store holds a ${info.format} backup, not ${BACKUP_FORMAT}`);
  if (info.sonar_url && info.sonar_url !== opts.sonarUrl) {
    throw new BackupUsageError(
      `Backup ${info.id} was taken from ${info.sonar_url}, not ${opts.sonarUrl}; start a new backup instead of resuming it`,
    );
  }
  const depth = Number(info.depth ?? 0);
  const sample = info.sample ? Number(info.sample) : undefined;
  if (opts.depth !== undefined && opts.depth !== depth)
    throw new BackupUsageError(`Backup ${info.id} was taken with --depth ${depth}; resume it with the same depth (or start a new backup)`);
  if (opts.sample !== undefined && opts.sample !== sample) {
    throw new BackupUsageError(
      `Backup ${info.id} was taken with ${sample === undefined ? 'no --sample' : `--sample ${sample}`}; resume it the same way (or start a new backup)`,
    );
  }
  // Include/exclude may change on resume (e.g. add a table); default to what the backup had.
  return { depth, sample, include: opts.include ?? list(info.include), exclude: opts.exclude ?? list(info.exclude) };
}

interface TableContext extends BackupOptions {
  scrub: (s: string) => string;
  emit: (e: BackupEvent) => void;
}

async function backupTable(
  plan: TablePlan,
  before: TableProgress | undefined,
  ctx: TableContext,
): Promise<{ summary: TableSummary; interrupted: boolean }> {
  const { store, client, scrub, emit } = ctx;
  let p: TableProgress = before ? { ...before } : emptyProgress(plan.table);
  let restarted: string | undefined;

  if (p.status === 'done' && p.query_hash === plan.query.hash) {
    // Finished in an earlier run: not fetched again.
    emit({ type: 'table-end', table: plan.table, status: 'done', records: p.records, pages: p.pages_done, alreadyDone: true });
    return { summary: summaryOf(p), interrupted: false };
  }
  if (p.query_hash && p.query_hash !== plan.query.hash) restarted = 'its query changed (depth or schema)';

  try {
    const empty = Boolean(restarted) || p.pages_done === 0;
    if (restarted || p.status === 'skipped') p = emptyProgress(plan.table);
    await store.prepareTable(plan.table, empty && Boolean(before));
    p = { ...p, status: 'running', query_hash: plan.query.hash, error: null, started_at: p.started_at ?? now(), finished_at: null };
    await store.saveProgress(p);

    for (let attempt = 0; ; attempt++) {
      const fromPage = p.pages_done + 1;
      emit({ type: 'table-start', table: plan.table, fromPage });
      const asked = p.records_per_page ?? Math.min(ctx.recordsPerPage ?? 100, ctx.sample ?? Infinity);
      let sizeChanged = false;
      for await (const page of pagesOf(client, plan.query.text, plan.table, {
        fromPage,
        recordsPerPage: asked,
        sample: ctx.sample,
        lookahead: ctx.lookahead ?? 4,
        signal: ctx.signal,
      })) {
        const size = page.page_info.records_per_page;
        if (page.page > 1 && p.records_per_page !== null && size !== p.records_per_page) {
          // Page numbers from the earlier run mean other records now: start this table again.
          sizeChanged = true;
          break;
        }
        const rows = toRows(page.entities, ctx.sample === undefined ? undefined : ctx.sample - (page.page - 1) * size);
        p = {
          ...p,
          // A resumed table that shrank meanwhile answers past its end with nothing: not a page done.
          pages_done: page.page <= page.page_info.total_pages ? page.page : p.pages_done,
          records_per_page: size,
          total_pages: page.page_info.total_pages,
          total_count: page.page_info.total_count ?? null,
        };
        await store.writePage(plan.table, rows, p);
        emit({ type: 'page', table: plan.table, page: page.page, totalPages: page.page_info.total_pages, records: rows.length });
      }
      if (!sizeChanged) break;
      if (attempt > 0) throw new Error('the server keeps changing its page size');
      restarted = `the server's page size changed from ${p.records_per_page}`;
      p = { ...emptyProgress(plan.table), status: 'running', query_hash: plan.query.hash, started_at: p.started_at };
      await store.prepareTable(plan.table, true);
      await store.saveProgress(p);
    }

    p.records = await store.count(plan.table);
    if (!isComplete(p, ctx.sample)) {
      // The pager only stops early when the signal fired: leave the table running, to resume.
      await store.saveProgress(p);
      emit({ type: 'table-end', table: plan.table, status: 'running', records: p.records, pages: p.pages_done, restarted });
      return { summary: summaryOf(p), interrupted: true };
    }
    p = { ...p, status: 'done', finished_at: now() };
    await store.saveProgress(p);
    emit({ type: 'table-end', table: plan.table, status: 'done', records: p.records, pages: p.pages_done, restarted });
    return { summary: summaryOf(p), interrupted: false };
  } catch (e) {
    // A rejected token fails every table the same way: stop and say so once.
    if (e instanceof SonarError && e.category === 'authentication') throw e;
    const error = scrub(e instanceof Error ? e.message : String(e));
    p = { ...p, status: 'failed', error, finished_at: now() };
    p.records = await store.count(plan.table).catch(() => p.records);
    await store.saveProgress(p).catch(() => undefined);
    emit({ type: 'table-end', table: plan.table, status: 'failed', records: p.records, pages: p.pages_done, error });
    return { summary: summaryOf(p), interrupted: false };
  }
}

/**
 * A page's records as rows keyed by Sonar id, the JSON exactly as the API sent it. A record seen
 * twice in one page keeps its last copy (a single upsert statement may not touch a row twice).
 */
export function toRows(entities: Array<Record<string, unknown> | null>, keep?: number): StoredRow[] {
  const list = entities.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object');
  const kept = keep === undefined ? list : list.slice(0, Math.max(0, keep));
  const byId = new Map<string, StoredRow>();
  for (const e of kept) {
    if (e.id === null || e.id === undefined) throw new Error('a record came back without an id');
    const updated = typeof e.updated_at === 'string' ? e.updated_at : null;
    byId.set(String(e.id), { id: String(e.id), data: JSON.stringify(e), updated_at: updated });
  }
  return [...byId.values()];
}

/** Every page the table has (or the sample needs) is stored. */
function isComplete(p: TableProgress, sample: number | undefined): boolean {
  if (p.total_pages === null || p.records_per_page === null) return false;
  const needed = sample === undefined ? p.total_pages : Math.min(p.total_pages, Math.ceil(sample / p.records_per_page));
  return p.pages_done >= needed;
}

function summaryOf(p: TableProgress): TableSummary {
  return {
    table: p.table,
    status: p.status,
    records: p.records,
    pages: p.pages_done,
    total_pages: p.total_pages,
    total_count: p.total_count,
    ...(p.error ? { error: p.error } : {}),
  };
}

/** `20260102-030405Z`, the same shape as snapshot ids, so files sort by time. */
export const newBackupId = timeId;
