/**
 * The default store: one SQLite file per backup (`data/backups/sonar-<id>.sqlite`), self-contained
 * and easy to copy, open with the sqlite3 shell, or query with SQLite's JSON functions
 * (`SELECT data ->> '$.name' FROM accounts`).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import {
  INFO_TABLE,
  PROGRESS_COLUMNS,
  PROGRESS_TABLE,
  progressFromRow,
  progressRow,
  quoteIdent,
  type BackupStore,
  type StoredRow,
  type TableProgress,
} from './store.js';

export class SqliteBackupStore implements BackupStore {
  readonly location: string;
  private db: Database.Database | null = null;

  constructor(readonly file: string) {
    this.location = file;
  }

  private get conn(): Database.Database {
    if (!this.db) throw new Error('SQLite backup store is not open');
    return this.db;
  }

  async exists(): Promise<boolean> {
    if (!fs.existsSync(this.file)) return false;
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      const t = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(INFO_TABLE);
      return Boolean(t && db.prepare(`SELECT 1 FROM ${INFO_TABLE} WHERE key = 'id'`).get());
    } finally {
      db.close();
    }
  }

  async open(): Promise<void> {
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    this.db = new Database(this.file);
    // WAL: a reader (the analyst's sqlite3 shell) does not block the backup. NORMAL sync is enough
    // here: a lost last transaction after a power cut only means that page is fetched again.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
        table_name TEXT PRIMARY KEY, status TEXT NOT NULL, pages_done INTEGER NOT NULL DEFAULT 0,
        total_pages INTEGER, records_per_page INTEGER, total_count INTEGER, records INTEGER NOT NULL DEFAULT 0,
        query_hash TEXT, error TEXT, started_at TEXT, finished_at TEXT
      );`);
  }

  async getInfo(): Promise<Record<string, string>> {
    const rows = this.conn.prepare(`SELECT key, value FROM ${INFO_TABLE}`).all() as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setInfo(entries: Record<string, string>): Promise<void> {
    const put = this.conn.prepare(
      `INSERT INTO ${INFO_TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.conn.transaction(() => {
      for (const [k, v] of Object.entries(entries)) put.run(k, v);
    })();
  }

  async progress(): Promise<TableProgress[]> {
    return (this.conn.prepare(`SELECT * FROM ${PROGRESS_TABLE} ORDER BY table_name`).all() as Array<Record<string, unknown>>).map(
      progressFromRow,
    );
  }

  async saveProgress(p: TableProgress): Promise<void> {
    this.putProgress(p);
  }

  private putProgress(p: TableProgress): void {
    const cols = PROGRESS_COLUMNS.join(', ');
    const updates = PROGRESS_COLUMNS.slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.conn
      .prepare(
        `INSERT INTO ${PROGRESS_TABLE} (${cols}) VALUES (${PROGRESS_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (table_name) DO UPDATE SET ${updates}`,
      )
      .run(...progressRow(p));
  }

  async prepareTable(table: string, empty: boolean): Promise<void> {
    const t = quoteIdent(table);
    this.conn.exec(
      `CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, data TEXT NOT NULL CHECK (json_valid(data)), updated_at TEXT, backed_up_at TEXT NOT NULL)`,
    );
    if (empty) this.conn.exec(`DELETE FROM ${t}`);
  }

  async writePage(table: string, rows: StoredRow[], progress: TableProgress): Promise<void> {
    const at = new Date().toISOString();
    const upsert = this.conn.prepare(
      `INSERT INTO ${quoteIdent(table)} (id, data, updated_at, backed_up_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, backed_up_at = excluded.backed_up_at`,
    );
    this.conn.transaction(() => {
      for (const r of rows) upsert.run(r.id, r.data, r.updated_at, at);
      this.putProgress(progress);
    })();
  }

  async count(table: string): Promise<number> {
    return (this.conn.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
  }

  async rows(table: string): Promise<Array<{ id: string; data: unknown; updated_at: string | null }>> {
    const rows = this.conn
      .prepare(`SELECT id, data, updated_at FROM ${quoteIdent(table)} ORDER BY CAST(id AS INTEGER), id`)
      .all() as Array<{ id: string; data: string; updated_at: string | null }>;
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) }));
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }
}
