/**
 * The load's commands (`migrate.ts single|batch|all`, and register-external): the load notebooks
 * replayed under one run id, the summary printed after a run, and register-external (a record
 * made by hand in Splynx, mapped to its Sonar source).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config.js';
import { entity } from '../entities/index.js';
import { renderText } from '../frames/show.js';
import { Ledger } from '../ledger/index.js';
import { projectPath } from '../paths.js';
import { PHASES } from '../entities/types.js';
import { replayNotebooks } from '../replay/cli.js';
import { claimRunId } from '../run-id.js';
import { errorCounts, runDirOf } from '../cli/run-folder.js';
import { usage } from '../cli/usage.js';
import { writeRunReport } from '../report/index.js';
import { SplynxError } from '../splynx/client.js';
import { preflightReplay } from './preflight-command.js';
import { ledgerPath, splynxApi } from './session.js';
import { summaryRows, type RunReport } from './run.js';
import type { RouterSummary } from '../entities/service-router.js';
import { splitErrors } from './accepted.js';

/** Error rows shown on the terminal with their error ids; the rest are in errors.csv. */
const ERRORS_SHOWN = 10;

/** Prints the run's summary and error count, the run folder last (unless `folder` is false); answers the exit code. */
export function printRunSummary(runId: string, replayCode: number, { folder = true } = {}): number {
  const dir = runDirOf(runId);
  const file = path.join(dir, 'report.json');
  if (!fs.existsSync(file)) {
    console.error(`migrate: run ${runId} wrote no report`);
    if (folder) console.log(dir);
    return replayCode || 1;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
  console.log(
    renderText(summaryRows(report), {
      title: `${report.dry_run ? 'Dry run' : 'Run'} ${report.run_id}: ${report.phases.join(', ')}`,
      maxRows: 0,
    }),
  );
  printErrorRows(report);
  const excluded = report.excluded ?? [];
  if (excluded.length)
    console.log(
      `${excluded.length} records not migrated by decision (data/exclusions.csv; the excluded column above, each with its reason in report.json).`,
    );
  if (report.handover) console.log(`Handover: Splynx bills from ${report.handover.date} (${report.handover.source}).`);
  if (report.access) console.log(accessLine(report.access));
  if (report.stopped)
    console.log('Stopped at the first error; fix it and run the same command again to resume (or add --no-stop-on-error).');
  if (folder) console.log(dir);
  // Errors the analyst accepted do not fail the command; a new one does.
  return replayCode || (splitErrors(report.errors).fresh.length ? 1 : 0);
}

/** The error lines of a run's summary: new and accepted apart, and the accepted ones resolved. */
export function errorLines(report: RunReport): string[] {
  const { fresh, accepted } = splitErrors(report.errors);
  const lines: string[] = [];
  if (!report.errors.length) lines.push('No errors.');
  else if (!accepted.length) lines.push(`${fresh.length} errors (${errorCounts(fresh)}): see errors.csv`);
  else
    lines.push(
      `${report.errors.length} errors: ${fresh.length} new${fresh.length ? ` (${errorCounts(fresh)})` : ''}, ` +
        `${accepted.length} accepted (in accepted-errors.csv, with their reasons): see errors.csv`,
    );
  const resolved = report.resolved?.length ?? 0;
  if (resolved) lines.push(`${resolved} accepted error${resolved === 1 ? '' : 's'} resolved: the record now loads (see report.json).`);
  return lines;
}

/** The subscriber-access summary in one line: counts and the analyst's choices, never a credential. */
export function accessLine(a: NonNullable<RunReport['access']>): string {
  const s = a.internet_services;
  const rules = Object.entries(a.pairing)
    .map(([rule, n]) => `${n} ${rule}`)
    .join(', ');
  return (
    `Access: internet services with their Sonar RADIUS login ${s.sonar_radius}${rules ? ` (${rules})` : ''}, generated ${s.generated} (passwords in data/secrets/), ` +
    `not migrated ${s.not_migrated}, in the error table ${s.errors}. Portal: login ${a.portal.login_scheme}` +
    `${a.portal.login_scheme === 'contact_username' ? ` (${a.portal.contact_usernames} contact usernames)` : ''}, password ${a.portal.password === 'generate' ? 'generated (data/secrets/)' : a.portal.password}.` +
    (a.routers ? ` ${routerLine(a.routers)}` : '')
  );
}

/** Which router the internet services are on, and why the others have none (never an error). */
export function routerLine(r: RouterSummary): string {
  const without = Object.entries(r.without)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  return (
    `Routers: ${r.with_router} of ${r.with_router + Object.values(r.without).reduce((n, x) => n + (x ?? 0), 0)} DATA services on the router of their serving site` +
    (without ? `, router_id 0 for ${without}` : '') +
    (r.several.length ? ` (services with several router sites are listed in report.json, access.routers.several)` : '') +
    '.'
  );
}

/** The first error rows with their error ids (the ones to quote, and to grep log.jsonl for), then the counts, new and accepted apart. */
export function printErrorRows(report: RunReport): void {
  if (report.errors.length) {
    const accepted = report.errors.some((e) => e.accepted);
    console.log(
      renderText(report.errors.slice(0, ERRORS_SHOWN), {
        title: `Errors (${report.errors.length}${report.errors.length > ERRORS_SHOWN ? `, the first ${ERRORS_SHOWN}` : ''}; each error id is in log.jsonl)`,
        columns: ['error_id', 'entity', 'source_id', 'category', 'message', ...(accepted ? ['accepted'] : [])],
        maxRows: 0,
        maxCellWidth: 100,
      }),
    );
  }
  for (const line of errorLines(report)) console.log(line);
}

export async function registerExternalCommand(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args,
      options: { entity: { type: 'string' }, 'sonar-id': { type: 'string' }, 'splynx-id': { type: 'string' } },
    }).values;
  } catch (e) {
    console.error(`migrate: ${(e as Error).message}`);
    return 2;
  }
  if (!v.entity || !v['sonar-id'] || !/^\d+$/.test(v['splynx-id'] ?? '')) {
    console.error('migrate: register-external needs --entity E --sonar-id S --splynx-id T (a Splynx id is a number)');
    return 2;
  }
  let settings;
  let mod;
  try {
    settings = loadSettings();
    mod = entity(v.entity);
  } catch (e) {
    console.error(`migrate: ${(e as Error).message}`);
    return 2;
  }
  // A mapping to a record that does not exist would make every dependant fail later, far from here.
  if (!mod.createPath && !mod.attachTo) {
    try {
      await splynxApi(settings).get(`${mod.endpoint}/${v['splynx-id']}`);
    } catch (e) {
      const status = e instanceof SplynxError ? e.status : undefined;
      console.error(
        status === 404
          ? `migrate: Splynx has no ${mod.name} ${v['splynx-id']} (${mod.endpoint}/${v['splynx-id']})`
          : `migrate: cannot check ${mod.name} ${v['splynx-id']} in Splynx: ${(e as Error).message}`,
      );
      return 1;
    }
  }
  const ledger = new Ledger(ledgerPath(settings));
  try {
    ledger.registerExternal(mod.name, v['sonar-id'], v['splynx-id']!);
    console.log(`${mod.name}: Sonar ${v['sonar-id']} is Splynx ${v['splynx-id']} (external). Later runs refer to it and never create it.`);
    return 0;
  } catch (e) {
    console.error(`migrate: ${(e as Error).message}`);
    return 1;
  } finally {
    ledger.close();
  }
}

/** Each load notebook and the phases it runs. */
const LOAD_NOTEBOOKS = [
  { file: '04-load-foundation.ipynb', phases: ['foundation'] },
  { file: '05-load-network.ipynb', phases: ['network'] },
  { file: '06-load-inventory.ipynb', phases: ['inventory'] },
  { file: '07-load-customers.ipynb', phases: ['customers', 'finance', 'support'] },
];

const LOAD_OPTIONS = {
  phases: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'stop-on-error': { type: 'boolean' },
  'no-stop-on-error': { type: 'boolean' },
  'include-dependencies': { type: 'boolean' },
  'include-members': { type: 'boolean' },
  'snapshot-id': { type: 'string' },
  'log-level': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'customer-id': { type: 'string' },
  'customer-ids': { type: 'string' },
  status: { type: 'string' },
  'active-only': { type: 'boolean' },
  'include-inactive': { type: 'boolean' },
  limit: { type: 'string' },
  'handover-date': { type: 'string' },
} as const;

const parseLoad = (args: string[]) => parseArgs({ args, options: LOAD_OPTIONS }).values;

/** What a load command replays: its phases and the notebooks' parameters. */
export interface LoadInvocation {
  phases: string[];
  /** Parameters of every load notebook. */
  params: string[];
  /** Parameters of 07-load-customers only (the selection of accounts). */
  customerParams: string[];
  echo: boolean;
}

/** Checks the options of single, batch or all; answers what to replay, or what is wrong. */
export function parseLoadArgs(command: 'single' | 'batch' | 'all', args: string[]): LoadInvocation | { problem: string } {
  let v: ReturnType<typeof parseLoad>;
  try {
    v = parseLoad(args);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  const misplaced = (flag: string, ok: boolean) =>
    !ok && v[flag as keyof typeof v] !== undefined ? `--${flag} does not go with ${command}` : null;
  const problem =
    misplaced('customer-id', command === 'single') ??
    misplaced('customer-ids', command === 'batch') ??
    misplaced('status', command === 'all') ??
    misplaced('active-only', command === 'all') ??
    misplaced('include-inactive', command === 'all') ??
    misplaced('limit', command === 'all') ??
    (command === 'single' && !/^\d+$/.test(v['customer-id'] ?? '') ? 'single needs --customer-id with a Sonar account id' : null) ??
    (command === 'batch' && !/^\d+(\s*,\s*\d+)*$/.test(v['customer-ids'] ?? '') ? 'batch needs --customer-ids "1,2,3"' : null) ??
    (v['active-only'] && v['include-inactive'] ? '--active-only and --include-inactive contradict each other' : null) ??
    (v['stop-on-error'] && v['no-stop-on-error'] ? '--stop-on-error and --no-stop-on-error contradict each other' : null) ??
    (v.limit !== undefined && !/^\d+$/.test(v.limit) ? `--limit must be a whole number, got "${v.limit}"` : null) ??
    (v['handover-date'] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v['handover-date'])
      ? `--handover-date must be a date, YYYY-MM-DD, got "${v['handover-date']}"`
      : null) ??
    (v['log-level'] && !['error', 'warn', 'info', 'debug'].includes(v['log-level'])
      ? `--log-level must be error, warn, info or debug`
      : null);
  if (problem) return { problem };

  const defaults = command === 'all' ? PHASES : ['customers', 'finance', 'support'];
  const phases = v.phases
    ? v.phases
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
    : defaults;
  const unknown = phases.filter((p) => !(PHASES as string[]).includes(p));
  if (unknown.length) return { problem: `unknown phase ${unknown.join(', ')}; phases are ${PHASES.join(', ')}` };

  const params = [
    `dryRun=${!!v['dry-run']}`,
    `stopOnError=${!v['no-stop-on-error']}`,
    `includeDependencies=${!!v['include-dependencies']}`,
    `includeMembers=${!!v['include-members']}`,
    ...(v['snapshot-id'] ? [`snapshotId=${v['snapshot-id']}`] : []),
  ];
  const accounts = command === 'single' ? v['customer-id'] : command === 'batch' ? v['customer-ids']!.replace(/\s+/g, '') : '';
  const customerParams = [
    ...(accounts ? [`accounts=${accounts}`] : []),
    ...(v.status ? [`statuses=${v.status}`] : []),
    ...(v['active-only'] ? ['activeOnly=true'] : []),
    ...(v.limit ? [`limit=${v.limit}`] : []),
    ...(v['handover-date'] ? [`handoverDate=${v['handover-date']}`] : []),
  ];
  const echo = (v['log-level'] ?? (v.verbose ? 'debug' : 'info')) === 'info' || v.verbose || v['log-level'] === 'debug';
  return { phases, params, customerParams, echo: !!echo };
}

/** Replays the load notebooks of the invocation's phases under one run id; answers the replay's exit code. */
export async function replayLoad(runId: string, inv: LoadInvocation): Promise<number> {
  if (!(await preflightReplay(runId, runDirOf(runId), inv))) return 1;
  let code = 0;
  for (const nb of LOAD_NOTEBOOKS) {
    const own = nb.phases.filter((p) => inv.phases.includes(p));
    if (!own.length) continue;
    const result = await replayNotebooks([projectPath('notebooks', nb.file)], {
      runId,
      echo: inv.echo,
      params: [...inv.params, `phases=${own.join(',')}`, ...(nb.file.startsWith('07') ? inv.customerParams : [])],
    });
    code = result.code;
    if (code !== 0) break;
  }
  await writeRunReport(runDirOf(runId));
  return code;
}

/** single, batch and all: the load notebooks, one run id, then the summary. */
export async function loadCommand(command: 'single' | 'batch' | 'all', args: string[]): Promise<number> {
  const inv = parseLoadArgs(command, args);
  if ('problem' in inv) return usage(inv.problem);
  const runId = claimRunId();
  return printRunSummary(runId, await replayLoad(runId, inv));
}
