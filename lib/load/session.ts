/**
 * What a load notebook (03–07) needs, in a few calls: the cleaned dataset, the Splynx client, the
 * ledger, a run with its progress line, and the checks that stop a headless run when it must.
 * The notebooks' parameters arrive as plain strings and flags, so the replay can set them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveHandover, type Handover } from '../billing/handover.js';
import { secretValues, type Settings } from '../config.js';
import { loadCleanedRecords, UNUSED_BY_LOAD } from '../frames/load.js';
import { progress } from '../frames/show.js';
import { Ledger } from '../ledger/index.js';
import { dataPath } from '../paths.js';
import { findSnapshot } from '../sonar/extract.js';
import { newRunId } from '../run-id.js';
import { SplynxApi } from '../splynx/client.js';
import { ENTITIES, MAPPING_SPECS, PHASES, type Phase, type Row } from '../entities/index.js';
import { transformContext } from './context.js';
import { runMigration, summaryRows, type RunReport } from './run.js';
import { RUN_DIR_ENV } from '../replay/runner.js';

/** In a replay's run folder: the mapping tables and the rows that still need a decision (`migrate.ts rehearse` reads it). */
export const MAPPINGS_FILE = 'mappings.json';
import { readExcluded, type ExcludedRecord } from './excluded.js';

export interface LoadParams {
  /** Empty: a run id of its own (the replay passes its own). */
  runId?: string;
  /** Empty: the newest cleaned dataset. */
  snapshotId?: string;
  phases: string;
  accounts?: string;
  statuses?: string;
  activeOnly?: boolean;
  limit?: number;
  dryRun?: boolean;
  stopOnError?: boolean;
  includeDependencies?: boolean;
  includeMembers?: boolean;
  /** `YYYY-MM-DD`; empty: the HANDOVER_DATE setting, else the snapshot's date. */
  handoverDate?: string;
}

export interface Session {
  settings: Settings;
  api: SplynxApi;
  ledger: Ledger;
  tables: Record<string, Row[]>;
  cleanedId: string;
  /** The first day Splynx bills (lib/billing/handover.ts). */
  handover: Handover;
  /** Records the analyst excluded (not in `tables`), reported by the run as excluded. */
  excluded: ExcludedRecord[];
}

export function splynxApi(settings: Settings): SplynxApi {
  return new SplynxApi({
    url: settings.SPLYNX_URL,
    key: settings.SPLYNX_API_KEY,
    secret: settings.SPLYNX_API_SECRET,
    auth: settings.SPLYNX_AUTH,
    concurrency: settings.SPLYNX_CONCURRENCY,
    timeoutMs: settings.REQUEST_TIMEOUT_MS,
    maxRetries: settings.MAX_RETRIES,
    retryBaseMs: settings.RETRY_BASE_MS,
  });
}

export const ledgerPath = (settings: Settings) => dataPath(settings.DATA_DIR, 'ledger.sqlite');
export const mappingsDir = (settings: Settings) => dataPath(settings.DATA_DIR, 'mappings');

/** The cleaned dataset of the named snapshot, or of the newest one that has been cleaned. */
export async function openSession(settings: Settings, snapshotId = ''): Promise<Session> {
  const id = snapshotId || findSnapshot(settings).manifest.id;
  const dir = dataPath(settings.DATA_DIR, 'clean', id);
  if (!fs.existsSync(path.join(dir, 'manifest.json')))
    throw new Error(
      `Snapshot ${id} has not been cleaned: run migrate.ts clean (notebook 02) first, or the whole workbook with migrate.ts rehearse`,
    );
  return {
    settings,
    api: splynxApi(settings),
    ledger: new Ledger(ledgerPath(settings)),
    tables: await loadCleanedRecords(dir, { omit: UNUSED_BY_LOAD }),
    cleanedId: id,
    handover: resolveHandover(settings, id),
    excluded: await readExcluded(dir),
  };
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function parsePhases(s: string): Phase[] {
  const phases = list(s);
  const bad = phases.filter((p) => !(PHASES as string[]).includes(p));
  if (bad.length) throw new Error(`Unknown phase ${bad.join(', ')}. Phases: ${PHASES.join(', ')}`);
  return phases as Phase[];
}

/**
 * The accounts a run takes: listed ids, or all filtered by status (name or id) and "active only"
 * (status mapped to active, not archived), cut to a limit. Null means every account.
 */
export function selectAccounts(session: Session, p: LoadParams): string[] | null {
  const ids = list(p.accounts);
  const statuses = list(p.statuses).map((s) => s.toLowerCase());
  if (!ids.length && !statuses.length && !p.activeOnly && !p.limit) return null;
  const byName = new Map((session.tables.account_statuses ?? []).map((s) => [String(s.id), String(s.name).toLowerCase()]));
  const ctx = transformContext({
    tables: session.tables,
    ledger: session.ledger,
    timezone: session.settings.TIMEZONE,
    mappingsDir: mappingsDir(session.settings),
    mappingSpecs: MAPPING_SPECS,
  });
  let accounts = session.tables.accounts ?? [];
  if (ids.length) {
    const known = new Set(accounts.map((a) => String(a.id)));
    const missing = ids.filter((id) => !known.has(id));
    const excluded = missing.flatMap((id) => session.excluded.filter((e) => e.table === 'accounts' && e.sonar_id === id));
    if (excluded.length)
      throw new Error(`Account ${excluded.map((e) => `${e.sonar_id} is excluded (${e.reason})`).join('; ')}: see data/exclusions.csv`);
    if (missing.length) throw new Error(`No account ${missing.join(', ')} in the cleaned dataset ${session.cleanedId}`);
    accounts = accounts.filter((a) => ids.includes(String(a.id)));
  }
  if (statuses.length)
    accounts = accounts.filter(
      (a) => statuses.includes(String(a.account_status_id)) || statuses.includes(byName.get(String(a.account_status_id)) ?? ''),
    );
  if (p.activeOnly) {
    const mapping = ctx.mapping('account-status');
    accounts = accounts.filter((a) => !a.archived_at && safe(() => mapping.lookup(a.account_status_id)) === 'active');
  }
  if (p.limit) accounts = accounts.slice(0, p.limit);
  return accounts.map((a) => String(a.id));
}

const safe = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/** Runs the phases with a live progress line (rate, ETA, errors), and writes the report. */
export async function loadPhases(session: Session, p: LoadParams): Promise<RunReport> {
  const runId = p.runId || newRunId();
  const phases = parsePhases(p.phases);
  const accountIds = selectAccounts(session, p);
  const bar = progress(`${p.dryRun ? 'Dry run' : 'Load'} ${phases.join(', ')}`);
  // Entities load side by side (lib/load/schedule.ts): the bar counts the records of those started so far.
  const started = Date.now();
  const seen = new Map<string, { done: number; total: number; failed: number }>();
  const report = await runMigration(session.api, session.ledger, session.tables, {
    runId,
    runDir: dataPath(session.settings.DATA_DIR, 'runs', runId),
    mappingsDir: mappingsDir(session.settings),
    timezone: session.settings.TIMEZONE,
    ...handoverOf(session, p),
    phases,
    accountIds: accountIds ?? undefined,
    dryRun: p.dryRun,
    stopOnError: p.stopOnError ?? true,
    includeDependencies: p.includeDependencies,
    includeMembers: p.includeMembers,
    concurrency: session.settings.SPLYNX_CONCURRENCY,
    secrets: secretValues(session.settings),
    excluded: session.excluded,
    onProgress: ({ entity, done, total, failed }) => {
      seen.set(entity, { done, total, failed });
      const all = [...seen.values()].reduce((a, e) => ({ done: a.done + e.done, total: a.total + e.total, failed: a.failed + e.failed }), {
        done: 0,
        total: 0,
        failed: 0,
      });
      const busy = [...seen].filter(([, e]) => e.done < e.total).map(([name]) => name);
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? all.done / secs : 0;
      const eta = rate > 0 ? Math.round((all.total - all.done) / rate) : 0;
      bar.update(
        all.done,
        all.total,
        `${busy.join(', ') || entity}: ${rate.toFixed(1)}/s, ETA ${eta}s, ${all.failed} error${all.failed === 1 ? '' : 's'}`,
      );
    },
  });
  const counts = Object.values(report.entities).reduce((a, e) => ({ created: a.created + e.created, failed: a.failed + e.failed }), {
    created: 0,
    failed: 0,
  });
  bar.done(`${counts.created} ${p.dryRun ? 'would be created' : 'created'}, ${counts.failed} failed`);
  return report;
}

export { summaryRows };

/** The run's handover: the notebook's parameter, else the session's (the setting, else the snapshot's date). */
function handoverOf(session: Session, p: LoadParams): { handoverDate: string; handoverSource: string } {
  if (p.handoverDate) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(p.handoverDate)) throw new Error(`handoverDate "${p.handoverDate}" is not a date (YYYY-MM-DD)`);
    return { handoverDate: p.handoverDate, handoverSource: 'the handoverDate parameter' };
  }
  return { handoverDate: session.handover.date, handoverSource: session.handover.source };
}

/** Stops the notebook (and a headless run) when the run stopped at an error, saying how to go on. */
export function assertFinished(report: RunReport): void {
  if (!report.stopped) return;
  // The first error nobody accepted stopped it (a preflight refusal has no acceptance to look for).
  const first = report.errors.find((e) => !e.accepted) ?? report.errors[0];
  throw new Error(
    `Stopped at the first error (${first.entity} ${first.source_id}, ${first.category}): ${first.message}\n` +
      `Fix it (${first.suggestion}), then run again: the ledger resumes where this run stopped. ` +
      `Or go on past errors with --no-stop-on-error (stopOnError = false).`,
  );
}

/** Every entity the given phases load, for a table of what a notebook covers. */
export function entitiesOf(phases: string): Array<{ entity: string; phase: string; from: string; to: string; depends_on: string }> {
  const chosen = new Set(parsePhases(phases));
  return ENTITIES.filter((e) => chosen.has(e.phase)).map((e) => ({
    entity: e.name,
    phase: e.phase,
    from: e.source,
    to: e.endpoint,
    depends_on: e.dependsOn.join(', '),
  }));
}

/** Proposes every mapping table the entities read (adding rows only for values not seen before) and lists them. */
export function proposeMappings(session: Session): {
  tables: Array<{ mapping: string; file: string; rows: number; added: number }>;
  problems: Array<{ mapping: string; sonar_id: string; sonar_value: string; problem: string }>;
} {
  const ctx = transformContext({
    tables: session.tables,
    ledger: session.ledger,
    timezone: session.settings.TIMEZONE,
    mappingsDir: mappingsDir(session.settings),
    mappingSpecs: MAPPING_SPECS,
  });
  const tables: Array<{ mapping: string; file: string; rows: number; added: number }> = [];
  const problems: Array<{ mapping: string; sonar_id: string; sonar_value: string; problem: string }> = [];
  for (const e of ENTITIES) {
    for (const m of e.mappings ?? []) {
      const table = ctx.mapping(m.name);
      const { added } = table.propose(m.propose(ctx));
      tables.push({ mapping: m.name, file: path.relative(process.cwd(), table.file), rows: table.all().length, added: added.length });
      for (const p of table.problems())
        problems.push({ mapping: m.name, sonar_id: p.row.sonar_id, sonar_value: p.row.sonar_value, problem: p.message });
    }
  }
  // Replayed headlessly, the run folder keeps what needs a decision, so a rehearsal can stop before loading.
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir) fs.writeFileSync(path.join(runDir, MAPPINGS_FILE), JSON.stringify({ tables, problems }, null, 2));
  return { tables, problems };
}

/** The rows of one mapping table, for review. */
export function mappingRows(session: Session, name: string) {
  const ctx = transformContext({
    tables: session.tables,
    ledger: session.ledger,
    timezone: session.settings.TIMEZONE,
    mappingsDir: mappingsDir(session.settings),
    mappingSpecs: MAPPING_SPECS,
  });
  return ctx.mapping(name).all();
}
