/**
 * The PostgreSQL store (`--database-url postgres://…`): each backup is its own schema
 * (`sonar_backup_<id>`) in the given database, so several backups can sit side by side and one is
 * dropped with `DROP SCHEMA … CASCADE`. Records are JSONB, so they can be queried and indexed
 * (`SELECT data->>'name' FROM sonar_backup_x.accounts`).
 */
import pg from 'pg';
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
import { redactUrl } from './redact.js';

/** PostgreSQL silently truncates longer identifiers, which could merge two tables into one. */
const MAX_IDENT = 63;

export class PostgresBackupStore implements BackupStore {
  readonly location: string;
  private client: pg.Client | null = null;
  private readonly s: string;

  constructor(
    private readonly url: string,
    readonly schema: string,
  ) {
    if (schema.length > MAX_IDENT) throw new Error(`PostgreSQL schema name "${schema}" is longer than ${MAX_IDENT} characters`);
    this.s = quoteIdent(schema);
    this.location = `${redactUrl(url)} (schema ${schema})`;
  }

  private get conn(): pg.Client {
    if (!this.client) throw new Error('PostgreSQL backup store is not open');
    return this.client;
  }

  private t(table: string): string {
    if (table.length > MAX_IDENT) throw new Error(`table name "${table}" is longer than PostgreSQL's ${MAX_IDENT}-character limit`);
    return `${this.s}.${quoteIdent(table)}`;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'sonar-backup' });
    // pg emits 'error' on an idle client whose server went away; without a listener that is a crash.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async exists(): Promise<boolean> {
    const client = this.client ?? (await this.connect());
    try {
      const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [this.t(INFO_TABLE)]);
      if (!rows[0].t) return false;
      return (await client.query(`SELECT 1 FROM ${this.t(INFO_TABLE)} WHERE key = 'id'`)).rowCount! > 0;
    } finally {
      if (client !== this.client) await client.end();
    }
  }

  async open(): Promise<void> {
    // A failed connect leaves nothing open; only keep the client once it is connected.
    this.client = await this.connect();
    await this.conn.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
    await this.conn.query(`CREATE TABLE IF NOT EXISTS ${this.t(INFO_TABLE)} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    await this.conn.query(`CREATE TABLE IF NOT EXISTS ${this.t(PROGRESS_TABLE)} (
      table_name TEXT PRIMARY KEY, status TEXT NOT NULL, pages_done INTEGER NOT NULL DEFAULT 0,
      total_pages INTEGER, records_per_page INTEGER, total_count BIGINT, records BIGINT NOT NULL DEFAULT 0,
      query_hash TEXT, error TEXT, started_at TEXT, finished_at TEXT)`);
  }

  async getInfo(): Promise<Record<string, string>> {
    const { rows } = await this.conn.query<{ key: string; value: string }>(`SELECT key, value FROM ${this.t(INFO_TABLE)}`);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setInfo(entries: Record<string, string>): Promise<void> {
    const keys = Object.keys(entries);
    await this.conn.query(
      `INSERT INTO ${this.t(INFO_TABLE)} (key, value) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [keys, keys.map((k) => entries[k])],
    );
  }

  async progress(): Promise<TableProgress[]> {
    const { rows } = await this.conn.query(`SELECT * FROM ${this.t(PROGRESS_TABLE)} ORDER BY table_name`);
    return rows.map(progressFromRow);
  }

  async saveProgress(p: TableProgress): Promise<void> {
    const updates = PROGRESS_COLUMNS.slice(1)
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ');
    await this.conn.query(
      `INSERT INTO ${this.t(PROGRESS_TABLE)} (${PROGRESS_COLUMNS.join(', ')}) VALUES (${PROGRESS_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (table_name) DO UPDATE SET ${updates}`,
      progressRow(p),
    );
  }

  async prepareTable(table: string, empty: boolean): Promise<void> {
    const t = this.t(table);
    await this.conn.query(
      `CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, data JSONB NOT NULL, updated_at TEXT, backed_up_at TIMESTAMPTZ NOT NULL)`,
    );
    if (empty) await this.conn.query(`DELETE FROM ${t}`);
  }

  async writePage(table: string, rows: StoredRow[], progress: TableProgress): Promise<void> {
    const c = this.conn;
    await c.query('BEGIN');
    try {
      if (rows.length) {
        // One statement per page: arrays unnested server-side instead of a row-by-row round trip.
        await c.query(
          `INSERT INTO ${this.t(table)} (id, data, updated_at, backed_up_at)
           SELECT u.id, u.data::jsonb, u.updated_at, now() FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, data, updated_at)
           ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, backed_up_at = EXCLUDED.backed_up_at`,
          [rows.map((r) => r.id), rows.map((r) => r.data), rows.map((r) => r.updated_at)],
        );
      }
      await this.saveProgress(progress);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.conn.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.t(table)}`);
    return Number(rows[0].n);
  }

  async rows(table: string): Promise<Array<{ id: string; data: unknown; updated_at: string | null }>> {
    // Ids are decimal strings: order by length first so "10" sorts after "9".
    const { rows } = await this.conn.query<{ id: string; data: unknown; updated_at: string | null }>(
      `SELECT id, data, updated_at FROM ${this.t(table)} ORDER BY length(id), id`,
    );
    return rows;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end();
  }
}
