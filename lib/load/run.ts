/**
 * A migration run: the chosen phases' entities in order, through the exactly-once loader, with
 * the selection (all, a batch, one customer), dependencies and members pulled in when asked, and
 * a report and error table written to the run folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { scrubSecrets } from '../config.js';
import { ENTITIES, MAPPING_SPECS, PHASES, type EntityModule, type Phase, type Row } from '../entities/index.js';
import { ensureSonarIdFields } from '../entities/sonar-id.js';
import { portalSummary } from '../entities/portal-access.js';
import { accessSummary, type AccessSummary } from '../entities/service-access.js';
import type { Ledger } from '../ledger/index.js';
import { secrets, SECRETS_FOLDER } from '../secrets/index.js';
import { accountOwner } from '../sonar/relations.js';
import type { SplynxApi } from '../splynx/client.js';
import { transformContext } from './context.js';
import { loadEntity, type EntityOutcome, type OutcomeCounts } from './entity.js';
import { excludedOf, type ExcludedRecord, type ExcludedRow } from './excluded.js';
import { preflightLoad } from './preflight.js';
import { errorId, type ErrorRow } from './errors.js';
import { RUN_LOG, RunLog } from './run-log.js';
import { readAcceptedErrors, type AcceptedError } from './accepted.js';
import { writePreview } from './preview.js';
import { runScheduled } from './schedule.js';
import type { TransformContext } from '../entities/types.js';

/** The phases whose records belong to one account. */
const CUSTOMER_PHASES = new Set<Phase>(['customers', 'finance', 'support']);

export interface RunOptions {
  runId: string;
  /** Where report.json and errors.csv go. */
  runDir: string;
  mappingsDir: string;
  timezone: string;
  /** The first day Splynx bills (lib/billing/handover.ts); default today in `timezone`. */
  handoverDate?: string;
  /** Where the handover date came from, for the report. */
  handoverSource?: string;
  phases?: Phase[];
  /** Only these Sonar account ids (single, batch). */
  accountIds?: string[];
  dryRun?: boolean;
  stopOnError?: boolean;
  includeDependencies?: boolean;
  includeMembers?: boolean;
  update?: boolean;
  /** Requests in flight against Splynx (the client's own limit; default 8). */
  concurrency?: number;
  /**
   * Load independent entities side by side (lib/load/schedule.ts). Default: on when concurrency
   * is above 1; off, entities go one after another in plan order, as the seed tool did.
   */
  pipeline?: boolean;
  secrets?: string[];
  /** The analyst's accepted errors (lib/load/accepted.ts); default `<runDir>/../../accepted-errors.csv`, null for none. */
  acceptedErrorsFile?: string | null;
  /** Records the analyst excluded (the cleaned dataset's `excluded`): reported per entity, never loaded. */
  excluded?: readonly ExcludedRecord[];
  /** The secrets store's folder for this run (lib/secrets); default `<runDir>/../../secrets`. */
  secretsDir?: string;
  onProgress?(p: { entity: string; done: number; total: number; failed: number }): void;
}

export interface RunReport {
  run_id: string;
  dry_run: boolean;
  phases: Phase[];
  started_at: string;
  finished_at: string;
  stopped: boolean;
  /** The first day Splynx bills instead of Sonar, and where that date came from (absent: a run that loaded nothing). */
  handover?: { date: string; source: string };
  entities: Record<string, OutcomeCounts & { excluded?: number }>;
  /** Subscriber access: where internet service logins come from, and the portal decisions (counts, never a credential). */
  access?: AccessSummary;
  /** Each row with its stable error id (lib/load/errors.ts), the same in errors.csv and log.jsonl. */
  errors: Array<ReportError>;
  /** Accepted errors whose record now loads (lib/load/accepted.ts). */
  resolved?: AcceptedError[];
  /** Requests spent learning what Splynx held before loading (counts and listing pages, lib/load/listing.ts). */
  listing_requests?: number;
  /** Records not migrated by the analyst's decision (data/exclusions.csv), per entity, with the reason: never errors. */
  excluded?: ExcludedRow[];
  /** Records changed in Sonar that Splynx cannot update (notes, extra contacts, invoices): to edit by hand. */
  not_updated?: Array<{ entity: string; source_id: string; splynx_id: string }>;
}

/** An error row of a report; `error_id` is absent only in reports written before error ids. */
export interface ReportError {
  error_id?: string;
  entity: string;
  source_id: string;
  category: string;
  message: string;
  fields: string;
  suggestion: string;
  /** When the analyst accepted the error (lib/load/accepted.ts), the reason; '' for a new error. */
  accepted?: string;
}

/** The columns of errors.csv, the error id first: the one a support engineer quotes. */
export const ERROR_COLUMNS = ['error_id', 'entity', 'source_id', 'category', 'message', 'fields', 'suggestion', 'accepted'] as const;

/** Error rows as the report and errors.csv hold them: scrubbed, each with its error id. */
export function withErrorIds(rows: ErrorRow[], scrub: (s: string) => string = (s) => s): Array<ErrorRow & { error_id: string }> {
  return rows.map((e) => {
    const row = { ...e, message: scrub(e.message), fields: scrub(e.fields) };
    return { error_id: errorId(row), ...row };
  });
}

/** Entities selected by phase, plus (with includeDependencies) what they depend on. */
export function plan(opts: Pick<RunOptions, 'phases' | 'includeDependencies' | 'includeMembers' | 'accountIds'>): EntityModule[] {
  const phases = new Set(opts.phases ?? PHASES);
  const chosen = new Set(ENTITIES.filter((e) => phases.has(e.phase)).map((e) => e.name));
  // A batch of customers brings what belongs to them (services, notes, invoices, tickets) only when asked.
  if (opts.accountIds && !opts.includeMembers)
    for (const e of ENTITIES) if (CUSTOMER_PHASES.has(e.phase) && e.name !== 'customers') chosen.delete(e.name);
  if (opts.includeDependencies) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const e of ENTITIES) if (chosen.has(e.name)) for (const d of e.dependsOn) if (!chosen.has(d)) (chosen.add(d), (grew = true));
    }
  }
  return ENTITIES.filter((e) => chosen.has(e.name));
}

/** Which source records of an entity a batch run touches: those of the selected accounts. */
function selection(
  mod: EntityModule,
  tables: Record<string, Row[]>,
  accounts: Set<string> | null,
  ctx: TransformContext,
): Set<string> | undefined {
  if (!accounts) return undefined;
  if (mod.source === 'accounts') return accounts;
  if (!CUSTOMER_PHASES.has(mod.phase)) return undefined;
  const owner = (r: Row): string | null => (mod.accountOf ? mod.accountOf(r, ctx) : accountOwner(mod.source, r));
  return new Set(
    (tables[mod.source] ?? [])
      .filter((r) => {
        const a = owner(r);
        return a !== null && accounts.has(a);
      })
      .map((r) => String(r.id)),
  );
}

export async function runMigration(api: SplynxApi, ledger: Ledger, tables: Record<string, Row[]>, opts: RunOptions): Promise<RunReport> {
  const started = new Date().toISOString();
  const entities = plan(opts);
  // Secrets the entities issue (first passwords) go to <DATA_DIR>/secrets (git-ignored), one file per kind and run.
  secrets.configure({ dir: opts.secretsDir ?? path.resolve(opts.runDir, '..', '..', SECRETS_FOLDER), runId: opts.runId });
  ledger.startRun(opts.runId, { phases: opts.phases ?? PHASES, accountIds: opts.accountIds ?? null, dryRun: !!opts.dryRun });
  // A dry run spans notebooks (foundation, then customers): what one would create must resolve in the next.
  const dryRunFile = path.join(opts.runDir, 'dry-run-created.json');
  const dryRunCreated = new Set<string>(
    opts.dryRun && fs.existsSync(dryRunFile) ? (JSON.parse(fs.readFileSync(dryRunFile, 'utf8')) as string[]) : [],
  );
  const accepted = readAcceptedErrors(
    opts.acceptedErrorsFile === undefined ? path.resolve(opts.runDir, '..', '..', 'accepted-errors.csv') : opts.acceptedErrorsFile,
  );
  const scrub = (s: string) => scrubSecrets(s, opts.secrets ?? []);
  const log = new RunLog(path.join(opts.runDir, RUN_LOG), opts.runId, scrub);
  const ctx = transformContext({
    tables,
    ledger,
    timezone: opts.timezone,
    handoverDate: opts.handoverDate,
    mappingsDir: opts.mappingsDir,
    mappingSpecs: MAPPING_SPECS,
    dryRunCreated,
  });
  for (const e of entities) for (const m of e.mappings ?? []) ctx.mapping(m.name).propose(m.propose(ctx));
  // The key's permissions, before the first write: a run that would stop half-way writes nothing.
  const denied = await preflightLoad(api, entities, { dryRun: opts.dryRun });
  const blocked = denied.length > 0 && !opts.dryRun;
  log.errorRows(denied);
  // Every request sent again goes in the run log, against the record it was for.
  const previousRetry = api.onRetry;
  api.onRetry = (r) => log.retry(r);
  if (!opts.dryRun && !blocked) await ensureSonarIdFields(api);

  // With dependencies included, a batch's parents come along too.
  let accounts = opts.accountIds ? new Set(opts.accountIds.map(String)) : null;
  if (accounts && opts.includeDependencies) {
    for (let grew = true; grew;) {
      grew = false;
      for (const id of [...accounts]) {
        const parent = ctx.byId('accounts', id)?.parent_account_id;
        if (parent && !accounts.has(String(parent))) (accounts.add(String(parent)), (grew = true));
      }
    }
  }

  const concurrency = opts.concurrency ?? 8;
  const pipeline = opts.pipeline ?? concurrency > 1;
  // The first entity to stop at an error halts the others: none starts another record.
  const halt = new AbortController();
  // State changes commit in groups (lib/ledger): one disk sync per turn of the event loop, not per record.
  // A commit gathers the pending marks of as many records as there are request slots.
  ledger.startGrouping(concurrency);
  let outcomes: EntityOutcome[];
  try {
    outcomes = await runScheduled(
      blocked ? [] : entities,
      (mod) =>
        loadEntity(mod, tables[mod.source] ?? [], ctx, api, ledger, {
          dryRun: opts.dryRun,
          stopOnError: opts.stopOnError ?? true,
          update: opts.update,
          // Twice as many records open as request slots: while one record writes its ledger
          // mark between two requests, another has its request queued, so no slot idles.
          concurrency: pipeline ? concurrency * 2 : concurrency,
          halt,
          only: selection(mod, tables, accounts, ctx),
          dryRunCreated,
          onProgress: opts.onProgress,
          onOutcome: (o) => log.outcome(o),
          isAccepted: (row) => !!accepted.of({ ...row, message: scrub(row.message) }),
        }),
      { pipeline, halted: () => halt.signal.aborted },
    );
  } finally {
    ledger.stopGrouping();
    api.onRetry = previousRetry;
    log.close();
  }
  const stopped = blocked || halt.signal.aborted || outcomes.some((o) => o.stopped);
  // A batch names its accounts, and an excluded account cannot be among them: only a whole run reports exclusions.
  const excluded = accounts
    ? []
    : outcomes.flatMap((o) =>
        excludedOf(
          entities.find((e) => e.name === o.entity)!,
          opts.excluded ?? [],
          ctx,
        ),
      );
  const all = [...denied, ...outcomes.flatMap((o) => o.errors)];
  const errors = accepted.mark(withErrorIds(all, scrub));
  // Resolved: an accepted error of an entity this run loaded, whose record is now in Splynx (or would be, in a dry run).
  const loaded = (entity: string, id: string) =>
    ['created', 'updated', 'skipped', 'external'].includes(ledger.get(entity, id)?.state ?? '') || dryRunCreated.has(`${entity}:${id}`);
  const resolved = accepted.resolved(
    outcomes.map((o) => o.entity),
    errors,
    loaded,
  );
  const report: RunReport = {
    run_id: opts.runId,
    dry_run: !!opts.dryRun,
    phases: opts.phases ?? PHASES,
    started_at: started,
    finished_at: new Date().toISOString(),
    stopped,
    handover: { date: ctx.handoverDate, source: opts.handoverSource ?? (opts.handoverDate ? 'given' : `today (${opts.timezone})`) },
    entities: Object.fromEntries(
      outcomes.map((o) => [
        o.entity,
        {
          selected: o.selected,
          created: o.created,
          updated: o.updated,
          skipped: o.skipped,
          adopted: o.adopted,
          failed: o.failed,
          // Only where there are any: a run without exclusions keeps its report's shape.
          ...(excluded.some((x) => x.entity === o.entity) ? { excluded: excluded.filter((x) => x.entity === o.entity).length } : {}),
        },
      ]),
    ),
    ...(entities.some((e) => e.name === 'internet_services' || e.name === 'customers')
      ? { access: accessSummary(ctx, portalSummary(ctx)) }
      : {}),
    errors,
    listing_requests: outcomes.reduce((n, o) => n + o.listingRequests, 0),
    not_updated: outcomes.flatMap((o) => o.notUpdated.map((r) => ({ entity: o.entity, ...r }))),
    resolved,
    excluded,
  };
  fs.mkdirSync(opts.runDir, { recursive: true });
  if (opts.dryRun) fs.writeFileSync(dryRunFile, JSON.stringify([...dryRunCreated]));
  // What a dry run would send, beside what Sonar holds (lib/load/preview.ts): a sample, and every record that would fail.
  if (opts.dryRun)
    writePreview(opts.runDir, {
      entities: entities.filter((e) => e.name in report.entities),
      tables,
      ctx,
      errors,
      secrets: opts.secrets ?? [],
    });
  const whole = mergeWithEarlier(path.join(opts.runDir, 'report.json'), report);
  fs.writeFileSync(path.join(opts.runDir, 'report.json'), JSON.stringify(whole, null, 2));
  fs.writeFileSync(path.join(opts.runDir, 'errors.csv'), stringify(whole.errors, { header: true, columns: [...ERROR_COLUMNS] }));
  ledger.finishRun({ stopped, entities: report.entities, errors: errors.length });
  return report;
}

/** The report as rows for a summary table. */
export function summaryRows(report: RunReport) {
  // The excluded column only when the run has exclusions, then on every row.
  const any = Object.values(report.entities).some((c) => c.excluded);
  return Object.entries(report.entities).map(([entity, c]) => ({
    entity,
    ...c,
    ...(any ? { excluded: c.excluded ?? 0 } : {}),
    // Of the failed, those whose error the analyst accepted (lib/load/accepted.ts).
    accepted: report.errors.filter((e) => e.entity === entity && e.accepted).length,
  }));
}

/**
 * One run may span several notebooks (foundation, network, …, each its own phases): the run
 * folder keeps one report for all of them.
 */
function mergeWithEarlier(file: string, report: RunReport): RunReport {
  if (!fs.existsSync(file)) return report;
  const earlier = JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
  if (earlier.run_id !== report.run_id) return report;
  return {
    ...report,
    started_at: earlier.started_at,
    phases: [...new Set([...earlier.phases, ...report.phases])],
    stopped: earlier.stopped || report.stopped,
    entities: { ...earlier.entities, ...report.entities },
    ...((report.access ?? earlier.access) ? { access: report.access ?? earlier.access } : {}),
    errors: [...earlier.errors.filter((e) => !(e.entity in report.entities)), ...report.errors],
    listing_requests: (earlier.listing_requests ?? 0) + (report.listing_requests ?? 0),
    not_updated: [...(earlier.not_updated ?? []).filter((e) => !(e.entity in report.entities)), ...(report.not_updated ?? [])],
    resolved: [...(earlier.resolved ?? []).filter((e) => !(e.entity in report.entities)), ...(report.resolved ?? [])],
    excluded: [...(earlier.excluded ?? []).filter((e) => !(e.entity in report.entities)), ...(report.excluded ?? [])],
  };
}
