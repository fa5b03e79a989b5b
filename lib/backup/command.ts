/**
 * `migrate.ts backup`: the command-line face of the GraphQL-only backup. Parses the flags, reads
 * the Sonar settings, picks the store, runs the backup with progress on stderr and the summary on
 * stdout, and turns the outcome into an exit code. Every line it prints is scrubbed of the token
 * and the database password first.
 *
 * Exit codes: 0 complete, 1 some tables failed (or the backup could not run), 2 bad usage or
 * settings (including a rejected token), 130 interrupted (Ctrl-C; run again to resume).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SettingsError } from '../config.js';
import { dataPath } from '../paths.js';
import { SonarClient, SonarError } from '../sonar/client.js';
import { BackupUsageError, newBackupId, runBackup } from './backup.js';
import { discoverTables, DiscoveryError } from './discover.js';
import { introspectSchema } from './introspect.js';
import { PostgresBackupStore } from './postgres-store.js';
import { makeScrubber, redactUrl, urlPassword } from './redact.js';
import { discoveryText, progressLine, summaryText } from './report.js';
import { loadBackupSettings, type BackupSettings } from './settings.js';
import { SqliteBackupStore } from './sqlite-store.js';
import type { BackupStore } from './store.js';

export const USAGE = `usage: migrate.ts backup [options]
GraphQL-only backup of a Sonar instance: every list query found by introspection, paged into
one table per query (id, data JSON, updated_at). Settings: SONAR_URL, SONAR_API_KEY (.env or env).

  --include a,b          only these root queries
  --exclude c,d          all but these root queries
  --sample N             at most N records per table
  --depth N              to-one relations to follow (0 = the record's own scalar fields, default;
                         1 adds each related object's scalars, ...). Nested lists are never inlined:
                         each is its own table.
  --out FILE             SQLite file to write (default data/backups/sonar-<timestamp>.sqlite);
                         with --database-url, the PostgreSQL schema name (default sonar_backup_<timestamp>)
  --database-url URL     write to PostgreSQL (postgres://user:password@host/db) instead of SQLite
  --resume FILE|ID       continue an interrupted backup (a file, an id, or a schema name);
                         re-running with the same --out does the same
  --list                 show which tables would be backed up, and which are skipped and why
  -h, --help             this text

Exit codes: 0 complete, 1 some tables failed, 2 bad usage or settings, 130 interrupted (resumable).`;

export interface CommandIo {
  env?: NodeJS.ProcessEnv;
  envFile?: string;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Stops the backup as Ctrl-C would (tests). */
  signal?: AbortSignal;
}

const MAX_DEPTH = 5;

interface Parsed {
  include?: string[];
  exclude?: string[];
  sample?: number;
  depth?: number;
  databaseUrl?: string;
  out?: string;
  resume?: string;
  list: boolean;
  help: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        include: { type: 'string' },
        exclude: { type: 'string' },
        sample: { type: 'string' },
        depth: { type: 'string' },
        'database-url': { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const names = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!list.length) throw new UsageError(`--${flag} needs a comma-separated list of root query names`);
    return list;
  };
  const int = (v: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max)
      throw new UsageError(`--${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${v}"`);
    return Number(v);
  };
  const p: Parsed = {
    include: names(values.include, 'include'),
    exclude: names(values.exclude, 'exclude'),
    sample: int(values.sample, 'sample', 1),
    depth: int(values.depth, 'depth', 0, MAX_DEPTH),
    databaseUrl: values['database-url'],
    out: values.out,
    resume: values.resume,
    list: values.list ?? false,
    help: values.help ?? false,
  };
  if (p.out !== undefined && p.resume !== undefined)
    throw new UsageError('give --out or --resume, not both (re-running with the same --out resumes)');
  if (p.databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(p.databaseUrl))
    throw new UsageError('--database-url must be a postgres:// or postgresql:// URL');
  return p;
}

/** A PostgreSQL schema per backup: ids like 20260102-030405Z become sonar_backup_20260102_030405z. */
const schemaFor = (id: string) => `sonar_backup_${id.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;

/** The store to write, and whether the user asked to resume (then the backup must already exist). */
function chooseStore(p: Parsed, s: BackupSettings, id: string): { store: BackupStore; mustExist: boolean } {
  if (p.databaseUrl) {
    // --out names the schema; --resume takes a schema name as printed, or a backup id.
    const target = p.out ?? p.resume;
    const schema = !target ? schemaFor(id) : p.out || /^[a-z_][a-z0-9_]*$/.test(target) ? target : schemaFor(target);
    if (!/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new UsageError(`"${schema}" is not a usable PostgreSQL schema name (lower-case letters, digits, _)`);
    return { store: new PostgresBackupStore(p.databaseUrl, schema), mustExist: p.resume !== undefined };
  }
  if (p.resume !== undefined) {
    const candidates = [p.resume, dataPath(s.DATA_DIR, 'backups', `sonar-${p.resume}.sqlite`), dataPath(s.DATA_DIR, 'backups', p.resume)];
    const file = candidates.find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!file) throw new UsageError(`--resume ${p.resume}: no backup file there, nor as ${path.relative(process.cwd(), candidates[1])}`);
    return { store: new SqliteBackupStore(file), mustExist: true };
  }
  return { store: new SqliteBackupStore(p.out ?? dataPath(s.DATA_DIR, 'backups', `sonar-${id}.sqlite`)), mustExist: false };
}

export async function backupCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const say = io.stdout ?? ((l: string) => process.stdout.write(`${l}\n`));
  const warnRaw = io.stderr ?? ((l: string) => process.stderr.write(`${l}\n`));

  // A database URL may sit anywhere in argv (even as a stray positional that parseArgs quotes back
  // in its error), so its password is scrubbed from every line from the very start.
  const argvSecrets = argv
    .map((a) => a.replace(/^--[\w-]+=/, ''))
    .filter((a) => /^[a-z][\w+.-]*:\/\/[^/]*@/i.test(a))
    .flatMap(urlPassword);
  let p: Parsed;
  try {
    p = parse(argv);
  } catch (e) {
    warnRaw(makeScrubber(argvSecrets)(`backup: ${(e as Error).message}\n${USAGE}`));
    return 2;
  }
  if (p.help) {
    say(USAGE);
    return 0;
  }

  let settings: BackupSettings;
  try {
    settings = loadBackupSettings({ env: io.env, envFile: io.envFile });
  } catch (e) {
    warnRaw(makeScrubber(argvSecrets)(`backup: ${e instanceof SettingsError ? e.message : (e as Error).message}`));
    return 2;
  }
  const scrub = makeScrubber([settings.SONAR_API_KEY, ...urlPassword(p.databaseUrl), ...argvSecrets]);
  const say2 = (l: string) => say(scrub(l));
  const warn = (l: string) => warnRaw(scrub(l));

  const client = new SonarClient({
    url: settings.SONAR_URL,
    token: settings.SONAR_API_KEY,
    concurrency: settings.SONAR_CONCURRENCY,
    ratePerMinute: settings.SONAR_RATE_LIMIT_PER_MINUTE,
    timeoutMs: settings.REQUEST_TIMEOUT_MS,
    maxRetries: settings.MAX_RETRIES,
    retryBaseMs: settings.RETRY_BASE_MS,
    recordsPerPage: settings.SONAR_RECORDS_PER_PAGE,
  });

  if (p.list) {
    try {
      say2(discoveryText(discoverTables(await introspectSchema(client), { depth: p.depth, include: p.include, exclude: p.exclude })));
      return 0;
    } catch (e) {
      return failure(e, warn);
    }
  }

  // One id names both the new backup and where it goes (file or schema).
  const id = newBackupId();
  let chosen: { store: BackupStore; mustExist: boolean };
  try {
    chosen = chooseStore(p, settings, id);
  } catch (e) {
    return failure(e, warn);
  }
  const { store } = chosen;

  // Ctrl-C stops between pages, so what is stored is consistent and the run can be resumed.
  const controller = new AbortController();
  const onSigint = () => {
    warn('backup: interrupted; finishing the page in hand…');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  const signal = io.signal ? AbortSignal.any([io.signal, controller.signal]) : controller.signal;

  try {
    if (chosen.mustExist && !(await store.exists())) throw new UsageError(`--resume ${p.resume}: there is no backup at ${store.location}`);
    warn(`backup: ${redactUrl(settings.SONAR_URL)} → ${store.location}`);
    const result = await runBackup({
      client,
      sonarUrl: settings.SONAR_URL,
      store,
      id,
      include: p.include,
      exclude: p.exclude,
      sample: p.sample,
      depth: p.depth,
      recordsPerPage: settings.SONAR_RECORDS_PER_PAGE,
      lookahead: settings.SONAR_CONCURRENCY,
      signal,
      scrub,
      onEvent: (e) => {
        const line = progressLine(e);
        if (line) warn(line);
      },
    });
    say2(summaryText(result));
    if (result.status === 'interrupted') {
      const again = store instanceof PostgresBackupStore ? `--database-url … --resume ${store.schema}` : `--resume ${store.location}`;
      warn(`backup: interrupted; run again with ${again} to continue where it stopped`);
      return 130;
    }
    return result.status === 'complete' ? 0 : 1;
  } catch (e) {
    return failure(e, warn);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await store.close().catch(() => undefined);
  }
}

/** One plain line for anything that stopped the whole backup, and its exit code. */
function failure(e: unknown, warn: (l: string) => void): number {
  const err = e as Error;
  if (e instanceof SonarError && e.category === 'authentication') {
    warn(`backup: ${err.message}`);
    return 2;
  }
  if (e instanceof UsageError || e instanceof BackupUsageError || e instanceof DiscoveryError) {
    warn(`backup: ${err.message}`);
    return 2;
  }
  warn(`backup: failed: ${err?.message ?? String(e)}`);
  return 1;
}
