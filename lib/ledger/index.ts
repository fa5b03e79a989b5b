/**
 * The migration ledger: one SQLite row per migrated record (entity + Sonar id → Splynx id), the
 * state it is in, and a hash of the payload last sent. It is what makes a load exactly-once:
 *
 * - a row is marked `pending` (and committed to disk) *before* the write to Splynx;
 * - the Splynx id is recorded *after* it;
 * - a `pending` row found later means the outcome is unknown: the loader looks the record up in
 *   Splynx by its natural key before deciding to write again (see lib/load).
 *
 * Every state change is also appended to `events`, so a run can be audited afterwards.
 *
 * A rollback (lib/rollback) marks a record `deleting` before its DELETE and `deleted` after: a
 * `deleting` row may or may not still be in Splynx (the loader settles it by natural key like a
 * `pending` one), and a `deleted` row is like an unknown one (its Splynx id is cleared).
 *
 * Group commit: a commit with `synchronous = FULL` waits for the disk, and better-sqlite3 waits on
 * the event loop, so one commit per state change stalls every request in flight (the profile of a
 * load at concurrency 8 showed most of its busy time there). While grouping (`startGrouping`),
 * writes join one open transaction. A writer that must be on disk before it acts (a `pending` mark
 * before its POST) awaits `durable()`, which commits the group at the next turn of the event loop,
 * with every write made in this turn. Other writes (an id recorded, a failure) ride along with the
 * next such commit, or are committed at most LAZY_COMMIT_MS later: losing them in a crash is safe,
 * the record stays `pending` and the next run settles it by its natural key.
 *
 * With Splynx answering at once (a rehearsal on the sandbox), records reach their `pending` mark
 * one or two per turn, so a commit per turn was still a disk sync per record: the profile of a
 * load at latency 0 had a sixth of its time in COMMIT. `startGrouping(target)` lets a commit wait
 * a few turns (at most GATHER_MS) until `target` writers wait on it, one sync for all of them.
 *
 * And the sync itself no longer stalls the event loop: while grouping, SQLite commits without
 * waiting for the disk (`synchronous = NORMAL`), and the ledger then syncs the WAL file itself
 * with an asynchronous fsync (libuv's thread pool) before any waiter may go on. A commit is on disk
 * exactly when it would have been with `synchronous = FULL` (which in WAL mode is that same sync of
 * the WAL after each commit); the requests in flight meanwhile are answered, not held up.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const STATES = ['pending', 'created', 'updated', 'skipped', 'failed', 'external', 'deleting', 'deleted'] as const;
export type RecordState = (typeof STATES)[number];

/** States whose Splynx id must not be referred to: not there yet, or being (or already) deleted. */
const UNRESOLVED = new Set<RecordState>(['pending', 'failed', 'deleting', 'deleted']);

export interface LedgerRecord {
  entity: string;
  sonar_id: string;
  splynx_id: string | null;
  state: RecordState;
  payload_hash: string | null;
  natural_key: string | null;
  run_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface RunRow {
  run_id: string;
  started_at: string;
  finished_at: string | null;
  params: unknown;
  outcome: unknown;
}

const recordsTable = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  entity       TEXT NOT NULL,
  sonar_id     TEXT NOT NULL,
  splynx_id    TEXT,
  state        TEXT NOT NULL CHECK (state IN (${STATES.map((s) => `'${s}'`).join(', ')})),
  payload_hash TEXT,
  natural_key  TEXT,
  run_id       TEXT,
  error        TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (entity, sonar_id)
);
`;

const SCHEMA = `${recordsTable('records')}
CREATE UNIQUE INDEX IF NOT EXISTS records_splynx ON records (entity, splynx_id) WHERE splynx_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_pending ON records (entity) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  run_id     TEXT,
  entity     TEXT NOT NULL,
  sonar_id   TEXT NOT NULL,
  from_state TEXT,
  to_state   TEXT NOT NULL,
  splynx_id  TEXT,
  detail     TEXT
);
CREATE TABLE IF NOT EXISTS runs (
  run_id      TEXT PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  params      TEXT NOT NULL,
  outcome     TEXT
);
`;

/**
 * Changes to the schema of ledgers written by older versions, in order; `PRAGMA user_version`
 * says how many a file has had. A new file gets the current schema and skips them all.
 */
const MIGRATIONS: Array<(db: Database.Database) => void> = [
  // 1: states `deleting` and `deleted` (rollback). SQLite cannot change a CHECK constraint in
  // place, so the records table is rebuilt with the new one and its rows copied over.
  (db) => {
    db.exec(recordsTable('records_v1'));
    db.exec(
      'INSERT INTO records_v1 (entity, sonar_id, splynx_id, state, payload_hash, natural_key, run_id, error, created_at, updated_at) SELECT entity, sonar_id, splynx_id, state, payload_hash, natural_key, run_id, error, created_at, updated_at FROM records',
    );
    db.exec('DROP TABLE records');
    db.exec('ALTER TABLE records_v1 RENAME TO records');
  },
  // 2: the index on every record's state became one on the pending records only (the only ones
  // looked up by state): a record's every transition no longer moves it within an index.
  (db) => {
    db.exec('DROP INDEX IF EXISTS records_state');
  },
];

/** Brings an existing ledger's schema up to date (each step once, even with two processes opening it). */
function migrate(db: Database.Database): void {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'").get();
  db.transaction(() => {
    let version = db.pragma('user_version', { simple: true }) as number;
    if (!exists) version = MIGRATIONS.length;
    for (; version < MIGRATIONS.length; version++) MIGRATIONS[version](db);
    db.pragma(`user_version = ${version}`);
  }).immediate();
}

/** A stable hash of a payload: key order does not matter, so an unchanged record hashes the same. */
export function payloadHash(payload: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(payload)))
    .digest('hex');
}

/** How long a group with nobody waiting for it may stay open. */
const LAZY_COMMIT_MS = 100;
/** How long a commit may wait for more writers to join it; small next to any real Splynx's latency. */
const GATHER_MS = 1;

interface GroupWaiter {
  resolve(): void;
  reject(e: unknown): void;
}

interface CommitGroup {
  waiters: GroupWaiter[];
  /** A commit is scheduled for the next turn of the event loop. */
  soon: boolean;
  /** A commit is scheduled GATHER_MS after the first writer began to wait. */
  gathering?: NodeJS.Timeout;
  timer: NodeJS.Timeout;
}

export class Ledger {
  readonly db: Database.Database;
  private runId: string | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  /** Grouping on: writes join `group`, an open transaction committed on the next turn of the event loop. */
  private grouping = 0;
  private group: CommitGroup | null = null;
  /** Writers a commit waits for (at most GATHER_MS): the records a load has open at once. */
  private gatherTarget = 1;
  /** The WAL's fsync in flight, and the one queued after it for commits made meanwhile. */
  private syncing: Promise<void> | null = null;
  private syncNext: Promise<void> | null = null;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL with full sync: a `pending` mark must be on disk before the request that it guards is sent.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.commitGroup();
    if (this.grouping) this.db.pragma('synchronous = FULL');
    this.db.close();
  }

  /** One prepared statement per SQL text: preparing costs more than running these small ones. */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  /**
   * Writes from now on are committed in groups, once per turn of the event loop, instead of one
   * commit each. Calls nest; `stopGrouping` commits what is open when the last one ends. While
   * grouping, a write is on disk only once `durable()` has resolved.
   */
  startGrouping(target = 1): void {
    if (this.grouping++ === 0) this.db.pragma('synchronous = NORMAL');
    this.gatherTarget = Math.max(1, target);
  }

  stopGrouping(): void {
    if (this.grouping > 0 && --this.grouping === 0) {
      this.commitGroup();
      this.db.pragma('synchronous = FULL');
      // What rode along unsynced is on disk too when grouping ends, as it was before grouping.
      syncFileNow(this.walFile());
    }
  }

  private walFile(): string {
    return `${this.file}-wal`;
  }

  /** Resolves once the WAL is on disk with every commit made so far: one fsync for all who ask meanwhile. */
  private walSynced(): Promise<void> {
    if (!this.syncing) {
      const run = syncFile(this.walFile()).finally(() => {
        if (this.syncing === run) this.syncing = null;
      });
      this.syncing = run;
      return run;
    }
    // The sync in flight may have begun before this commit: one more after it covers it.
    this.syncNext ??= this.syncing.then(
      () => ((this.syncNext = null), this.walSynced()),
      () => ((this.syncNext = null), this.walSynced()),
    );
    return this.syncNext;
  }

  /** Resolves once every write made so far is on disk (at once when nothing is waiting to commit). */
  durable(): Promise<void> {
    const group = this.group;
    if (!group) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
    if (!group.soon && group.waiters.length >= this.gatherTarget) {
      group.soon = true;
      // After this turn's I/O callbacks, so every record that reached its write this turn joins in.
      setImmediate(() => this.group === group && this.commitGroup());
    } else if (!group.soon && !group.gathering) {
      // Fewer writers than the target wait: give the others GATHER_MS to join (a timer, no spinning:
      // the Splynx sandbox may share the machine's cores).
      group.gathering = setTimeout(() => this.group === group && this.commitGroup(), GATHER_MS);
    }
    return waiting;
  }

  private openGroup(): void {
    if (this.group || !this.grouping) return;
    this.db.exec('BEGIN IMMEDIATE');
    const group: CommitGroup = {
      waiters: [],
      soon: false,
      timer: setTimeout(() => this.group === group && this.commitGroup(), LAZY_COMMIT_MS),
    };
    this.group = group;
  }

  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    clearTimeout(group.timer);
    clearTimeout(group.gathering);
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      // Nothing of the group is on disk: no waiter may go on to send what it guarded.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of group.waiters) w.reject(e);
      return;
    }
    if (!group.waiters.length) return;
    this.walSynced().then(
      () => group.waiters.forEach((w) => w.resolve()),
      (e: unknown) => group.waiters.forEach((w) => w.reject(e)),
    );
  }

  startRun(runId: string, params: unknown): void {
    this.runId = runId;
    this.commitGroup();
    this.db
      .prepare('INSERT OR REPLACE INTO runs (run_id, started_at, params) VALUES (?, ?, ?)')
      .run(runId, now(), JSON.stringify(params ?? {}));
  }

  finishRun(outcome: unknown): void {
    if (!this.runId) return;
    this.commitGroup();
    this.db.prepare('UPDATE runs SET finished_at = ?, outcome = ? WHERE run_id = ?').run(now(), JSON.stringify(outcome ?? {}), this.runId);
  }

  runs(): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at').all() as Array<Record<string, string>>).map((r) => ({
      run_id: r.run_id,
      started_at: r.started_at,
      finished_at: r.finished_at,
      params: JSON.parse(r.params),
      outcome: r.outcome ? JSON.parse(r.outcome) : null,
    }));
  }

  get(entity: string, sonarId: string): LedgerRecord | undefined {
    return this.sql('SELECT * FROM records WHERE entity = ? AND sonar_id = ?').get(entity, String(sonarId)) as LedgerRecord | undefined;
  }

  /** The Splynx id of a migrated record, for references from other records. */
  splynxId(entity: string, sonarId: string | number | null | undefined): string | null {
    if (sonarId === null || sonarId === undefined) return null;
    const r = this.get(entity, String(sonarId));
    return r && r.splynx_id && !UNRESOLVED.has(r.state) ? r.splynx_id : null;
  }

  /** Marks a record `pending` before its write; keeps a known Splynx id (an update is pending too). */
  markPending(entity: string, sonarId: string, payloadHash: string, naturalKey: string | null): void {
    this.transition(entity, sonarId, 'pending', { payload_hash: payloadHash, natural_key: naturalKey, error: null });
  }

  /** `payloadHash`: the payload Splynx now holds (undefined keeps the one recorded at `pending`). */
  markDone(
    entity: string,
    sonarId: string,
    state: 'created' | 'updated' | 'skipped' | 'external',
    splynxId: string | null,
    detail?: string,
    payloadHash?: string | null,
  ): void {
    this.transition(
      entity,
      sonarId,
      state,
      { splynx_id: splynxId, error: null, ...(payloadHash !== undefined ? { payload_hash: payloadHash } : {}) },
      detail,
    );
  }

  markFailed(entity: string, sonarId: string, error: string): void {
    this.transition(entity, sonarId, 'failed', { error }, error);
  }

  /** Maps a record made by hand (or found in Splynx) to its Sonar source, as sunbeam-migrate's register-external does. */
  registerExternal(entity: string, sonarId: string, splynxId: string, detail = 'registered by hand'): void {
    const clash = this.db
      .prepare('SELECT sonar_id FROM records WHERE entity = ? AND splynx_id = ? AND sonar_id != ?')
      .get(entity, String(splynxId), String(sonarId)) as { sonar_id: string } | undefined;
    if (clash) throw new Error(`${entity} Splynx id ${splynxId} is already mapped to Sonar id ${clash.sonar_id}`);
    // Remapping a record the migration already created would orphan that one in Splynx.
    const mine = this.get(entity, sonarId);
    if (mine?.splynx_id && mine.splynx_id !== String(splynxId) && mine.state !== 'failed') {
      throw new Error(
        `${entity} Sonar id ${sonarId} is already migrated as Splynx id ${mine.splynx_id} (${mine.state}); delete that record in Splynx first if the hand-made one should replace it`,
      );
    }
    this.transition(entity, sonarId, 'external', { splynx_id: String(splynxId), error: null, payload_hash: null }, detail);
  }

  /** Marks a record `deleting`, on disk, before its DELETE is sent (or while it waits to be removed by hand). */
  markDeleting(entity: string, sonarId: string, detail: string): void {
    this.transition(entity, sonarId, 'deleting', { error: null }, detail);
  }

  /**
   * Marks records `deleted`, all in one transaction: a record and those Splynx deleted with it
   * (its info, billing, notes) are gone together, so the ledger never says half of it is there.
   * The Splynx id is cleared (Splynx may hand it out again); the event keeps it.
   */
  markDeleted(records: Array<{ entity: string; sonarId: string; detail: string }>): void {
    this.db.transaction(() => {
      for (const r of records)
        this.transition(r.entity, r.sonarId, 'deleted', { splynx_id: null, payload_hash: null, error: null }, r.detail);
    })();
  }

  /** Puts back the state a record had before a rollback tried it (Splynx refused the delete: it is still there). */
  restoreState(entity: string, sonarId: string, detail: string): void {
    const last = this.db
      .prepare(
        "SELECT to_state FROM events WHERE entity = ? AND sonar_id = ? AND to_state NOT IN ('deleting', 'deleted') ORDER BY seq DESC LIMIT 1",
      )
      .get(entity, String(sonarId)) as { to_state: RecordState } | undefined;
    this.transition(entity, sonarId, last?.to_state ?? 'created', {}, detail);
  }

  /**
   * The event that last took each record to `created` (a POST answered, a lost answer settled by
   * natural key, an attach-only record's first PUT): which run created it, when, under which id.
   * A record coming back from `deleting` (a refused delete, or one a load found still there) was
   * not created again: its creation stays the earlier one.
   */
  creations(): Map<string, { run_id: string | null; seq: number; splynx_id: string | null }> {
    const rows = this.db
      .prepare(
        "SELECT entity, sonar_id, run_id, seq, splynx_id FROM events WHERE seq IN (SELECT MAX(seq) FROM events WHERE to_state = 'created' AND from_state IS NOT 'deleting' GROUP BY entity, sonar_id)",
      )
      .all() as Array<{ entity: string; sonar_id: string; run_id: string | null; seq: number; splynx_id: string | null }>;
    return new Map(rows.map((r) => [`${r.entity}:${r.sonar_id}`, { run_id: r.run_id, seq: r.seq, splynx_id: r.splynx_id }]));
  }

  pending(entity?: string): LedgerRecord[] {
    return (
      entity
        ? this.db.prepare("SELECT * FROM records WHERE state = 'pending' AND entity = ? ORDER BY rowid").all(entity)
        : this.db.prepare("SELECT * FROM records WHERE state = 'pending' ORDER BY rowid").all()
    ) as LedgerRecord[];
  }

  records(entity?: string): LedgerRecord[] {
    return (
      entity
        ? this.db.prepare('SELECT * FROM records WHERE entity = ? ORDER BY rowid').all(entity)
        : this.db.prepare('SELECT * FROM records ORDER BY rowid').all()
    ) as LedgerRecord[];
  }

  /** Records per entity and state, for reports. */
  counts(): Array<{ entity: string; state: RecordState; n: number }> {
    return this.db
      .prepare('SELECT entity, state, COUNT(*) AS n FROM records GROUP BY entity, state ORDER BY entity, state')
      .all() as Array<{ entity: string; state: RecordState; n: number }>;
  }

  events(entity?: string, sonarId?: string): Array<Record<string, unknown>> {
    if (entity && sonarId)
      return this.db.prepare('SELECT * FROM events WHERE entity = ? AND sonar_id = ? ORDER BY seq').all(entity, sonarId) as Array<
        Record<string, unknown>
      >;
    return this.db.prepare('SELECT * FROM events ORDER BY seq').all() as Array<Record<string, unknown>>;
  }

  private transition(entity: string, sonarId: string, to: RecordState, fields: Partial<LedgerRecord>, detail?: string): void {
    const id = String(sonarId);
    const t = now();
    const write = () => {
      const before = this.get(entity, id);
      // One positional statement per kind of change, whatever the fields: a field not given keeps its value.
      const keep = <K extends 'splynx_id' | 'payload_hash' | 'natural_key' | 'error'>(k: K) =>
        fields[k] !== undefined ? fields[k] : (before?.[k] ?? null);
      const splynxId = keep('splynx_id');
      if (before) {
        this.sql(
          'UPDATE records SET state = ?, run_id = ?, updated_at = ?, splynx_id = ?, payload_hash = ?, natural_key = ?, error = ? WHERE entity = ? AND sonar_id = ?',
        ).run(to, this.runId, t, splynxId, keep('payload_hash'), keep('natural_key'), keep('error'), entity, id);
      } else {
        this.sql(
          'INSERT INTO records (entity, sonar_id, splynx_id, state, payload_hash, natural_key, run_id, error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(entity, id, splynxId, to, keep('payload_hash'), keep('natural_key'), this.runId, keep('error'), t, t);
      }
      // A transition that clears the Splynx id (a rollback's `deleted`) keeps the old one in its event.
      const eventSplynxId = fields.splynx_id ?? before?.splynx_id ?? null;
      this.sql(
        'INSERT INTO events (at, run_id, entity, sonar_id, from_state, to_state, splynx_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(t, this.runId, entity, id, before?.state ?? null, to, eventSplynxId, detail ?? null);
    };
    this.openGroup();
    // Inside an open group the change needs no savepoint of its own: only its first statement can
    // be refused (a constraint), and a refused statement writes nothing. Otherwise, a transaction.
    if (this.group) write();
    else this.db.transaction(write)();
  }
}

const now = () => new Date().toISOString();

/** fsync of a file (the WAL), off the event loop. */
async function syncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function syncFileNow(file: string): void {
  if (!fs.existsSync(file)) return;
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
