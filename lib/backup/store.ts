/**
 * Where a backup is written: one table per root query, rows keyed by the Sonar id, plus two meta
 * tables (`_backup_info`, `_backup_tables`) that make it resumable. SQLite and PostgreSQL both
 * implement this one small interface, so the backup logic does not know which it writes to.
 *
 * The key rule for resume: a page's rows and the progress that says "page N is done" are written
 * in one transaction (`writePage`). After a crash the store says exactly which pages are safe, and
 * because rows are upserted by id, writing a page again can never duplicate a record.
 */

export type TableStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface TableProgress {
  table: string;
  status: TableStatus;
  /** Pages safely stored, counted from page 1 with `records_per_page`. */
  pages_done: number;
  total_pages: number | null;
  /** The page size the server said it used; page numbers only mean something with it. */
  records_per_page: number | null;
  /** What the server reported on the last page read. */
  total_count: number | null;
  /** Rows in the table. */
  records: number;
  /** Hash of the query text the pages were read with (see query.ts). */
  query_hash: string | null;
  /** Why the table failed or was skipped. */
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface StoredRow {
  /** The Sonar id, as text (Int64Bit ids are strings on the wire). */
  id: string;
  /** The record exactly as the API returned it, as JSON text. */
  data: string;
  /** The record's own `updated_at` from Sonar, when it has one; useful for incremental work later. */
  updated_at: string | null;
}

export interface BackupStore {
  /** Where it writes, fit to print (a database password is masked). */
  readonly location: string;
  /** Whether a backup is already there (to resume), checked without creating anything. */
  exists(): Promise<boolean>;
  /** Creates the meta tables if they are not there. */
  open(): Promise<void>;
  getInfo(): Promise<Record<string, string>>;
  setInfo(entries: Record<string, string>): Promise<void>;
  progress(): Promise<TableProgress[]>;
  saveProgress(p: TableProgress): Promise<void>;
  /** Creates the table if needed; with `empty`, removes any rows (a restart of that table). */
  prepareTable(table: string, empty: boolean): Promise<void>;
  /** Upserts a page's rows and saves the progress, atomically. */
  writePage(table: string, rows: StoredRow[], progress: TableProgress): Promise<void>;
  count(table: string): Promise<number>;
  /** Every row, in id order, for verification and tests. */
  rows(table: string): Promise<Array<{ id: string; data: unknown; updated_at: string | null }>>;
  close(): Promise<void>;
}

export const INFO_TABLE = '_backup_info';
export const PROGRESS_TABLE = '_backup_tables';

export const PROGRESS_COLUMNS = [
  'table_name',
  'status',
  'pages_done',
  'total_pages',
  'records_per_page',
  'total_count',
  'records',
  'query_hash',
  'error',
  'started_at',
  'finished_at',
] as const;

/** Progress as a row of the meta table (`table` is a reserved word in SQL, hence `table_name`). */
export function progressRow(p: TableProgress): unknown[] {
  return [
    p.table,
    p.status,
    p.pages_done,
    p.total_pages,
    p.records_per_page,
    p.total_count,
    p.records,
    p.query_hash,
    p.error,
    p.started_at,
    p.finished_at,
  ];
}

export function progressFromRow(r: Record<string, unknown>): TableProgress {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    table: String(r.table_name),
    status: r.status as TableStatus,
    pages_done: Number(r.pages_done ?? 0),
    total_pages: n(r.total_pages),
    records_per_page: n(r.records_per_page),
    total_count: n(r.total_count),
    records: Number(r.records ?? 0),
    query_hash: (r.query_hash as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    started_at: (r.started_at as string | null) ?? null,
    finished_at: (r.finished_at as string | null) ?? null,
  };
}

export const emptyProgress = (table: string): TableProgress => ({
  table,
  status: 'pending',
  pages_done: 0,
  total_pages: null,
  records_per_page: null,
  total_count: null,
  records: 0,
  query_hash: null,
  error: null,
  started_at: null,
  finished_at: null,
});

/** Table names come from GraphQL field names; anything else never reaches SQL. */
export function quoteIdent(name: string): string {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) throw new Error(`Not a safe table name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}
