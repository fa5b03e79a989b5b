/**
 * Gathering what the dirty-data check reads, from a migration run either way: through the
 * notebooks (the scenario) or in this process (the tests, and the clean baseline the scenario
 * compares with). The in-process path calls what the notebooks call: notebook 02's cleaning
 * (cleanSnapshot plus issuesForReview) and the load notebooks' runMigration over every phase,
 * going on past errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cleanSnapshot, mergeIssues, type Change, type Issue } from '../clean/snapshot.js';
import { SERVICE_MODULES } from '../entities/customer-services.js';
import { customers } from '../entities/customers.js';
import { MAPPING_SPECS, type Row } from '../entities/index.js';
import { readJsonl } from '../frames/load.js';
import { issuesForReview } from '../frames/profile/index.js';
import { Ledger } from '../ledger/index.js';
import { transformContext } from '../load/context.js';
import { runMigration, type RunReport } from '../load/run.js';
import { generateIsp } from '../sandbox/generator/index.js';
import { startSplynxSandbox } from '../sandbox/splynx/server.js';
import { SplynxApi } from '../splynx/client.js';
import type { ErrorRow } from '../load/errors.js';
import type { DirtyEvidence, FirstBillFinding } from './dirty.js';
import { checkFirstBill } from '../verify/first-bill.js';
import type { TransformContext } from '../entities/types.js';
import type { SonarDataset } from '../sandbox/dataset.js';
import { randomBytes } from 'node:crypto';

type SplynxRow = Record<string, unknown> & { additional_attributes?: Record<string, string> };

/** Splynx's customers and services keyed by the Sonar id they carry. */
export async function splynxViews(api: SplynxApi): Promise<Pick<DirtyEvidence, 'customers' | 'services'>> {
  const bySonarId = (rows: SplynxRow[], prefix = '') =>
    new Map(rows.filter((r) => r.additional_attributes?.sonar_id).map((r) => [`${prefix}${r.additional_attributes!.sonar_id}`, r]));
  const services = new Map<string, Record<string, unknown>>();
  for (const mod of Object.values(SERVICE_MODULES))
    for (const [k, v] of bySonarId(await api.get<SplynxRow[]>(mod.endpoint), `${mod.name}:`)) services.set(k, v);
  return { customers: bySonarId(await api.get<SplynxRow[]>(customers.endpoint)), services };
}

/** Verify's first-bill check over Splynx as the run left it, by Sonar account id. */
export async function firstBillFindings(
  api: SplynxApi,
  tables: Record<string, Row[]>,
  ctx: TransformContext,
): Promise<Map<string, FirstBillFinding>> {
  const check = await checkFirstBill({ api, tables, ctx });
  const out = new Map<string, FirstBillFinding>();
  for (const r of check.rows) out.set(r.account_id, { decision: r.decision, verdict: r.verdict, fields: [], note: r.note });
  for (const d of check.differences) out.get(d.sonar_id)?.fields.push(d.field);
  return out;
}

export interface InProcessRun {
  cleaned: Record<string, Row[]>;
  changes: Change[];
  issues: Issue[];
  report: RunReport;
  ledger: Ledger;
}

/** Notebook 02's cleaning and every load phase, in this process, against `api`. */
export async function migrateInProcess(raw: Record<string, Row[]>, api: SplynxApi, dir: string): Promise<InProcessRun> {
  const cleaned = cleanSnapshot(raw, { defaultCountry: 'US' });
  const issues = mergeIssues(cleaned.issues, issuesForReview(raw, { defaultCountry: 'US' }));
  const ledger = new Ledger(path.join(dir, 'ledger.sqlite'));
  const report = await runMigration(api, ledger, cleaned.tables, {
    runId: 'in-process',
    runDir: path.join(dir, 'runs', 'in-process'),
    mappingsDir: path.join(dir, 'mappings'),
    secretsDir: path.join(dir, 'secrets'),
    timezone: 'UTC',
    stopOnError: false,
  });
  return { cleaned: cleaned.tables, changes: cleaned.changes, issues, report, ledger };
}

/** The error table of the same ISP without dirt, migrated in this process into a Splynx of its own. */
export async function baselineErrors(opts: { accounts: number; seed: number; dir: string }): Promise<RunReport['errors']> {
  const dataset = generateIsp({ accounts: opts.accounts, seed: opts.seed, dirtyRate: 0 });
  const key = `baseline-${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const splynx = await startSplynxSandbox({ apiKey: key, apiSecret: secret });
  try {
    const api = new SplynxApi({ url: splynx.url, key, secret, retryBaseMs: 10 });
    fs.mkdirSync(opts.dir, { recursive: true });
    const run = await migrateInProcess(dataset.tables as unknown as Record<string, Row[]>, api, opts.dir);
    run.ledger.close();
    return run.report.errors;
  } finally {
    await splynx.close();
  }
}

/** The evidence of an in-process run (tests). */
export async function inProcessEvidence(
  dataset: SonarDataset,
  run: InProcessRun,
  api: SplynxApi,
  baseline: RunReport['errors'],
  mappingsDir: string,
): Promise<DirtyEvidence> {
  const ctx = transformContext({
    tables: run.cleaned,
    ledger: run.ledger,
    timezone: 'UTC',
    handoverDate: run.report.handover?.date,
    mappingsDir,
    mappingSpecs: MAPPING_SPECS,
  });
  return {
    marks: dataset.dirty,
    raw: dataset.tables as unknown as Record<string, Row[]>,
    ctx,
    changes: run.changes,
    issues: run.issues,
    errors: run.report.errors as ErrorRow[],
    loaded: (entity, id) => run.ledger.splynxId(entity, id),
    ...(await splynxViews(api)),
    baselineErrors: baseline,
    firstBill: await firstBillFindings(api, run.cleaned, ctx),
  };
}

/** The evidence of a run through the notebooks: the cleaned folder holds changes and issues. */
export async function notebookEvidence(opts: {
  dataset: SonarDataset;
  cleanedDir: string;
  cleaned: Record<string, Row[]>;
  ledger: Ledger;
  report: RunReport;
  api: SplynxApi;
  baseline: RunReport['errors'];
  mappingsDir: string;
}): Promise<DirtyEvidence> {
  const ctx = transformContext({
    tables: opts.cleaned,
    ledger: opts.ledger,
    timezone: 'UTC',
    handoverDate: opts.report.handover?.date,
    mappingsDir: opts.mappingsDir,
    mappingSpecs: MAPPING_SPECS,
  });
  return {
    marks: opts.dataset.dirty,
    raw: opts.dataset.tables as unknown as Record<string, Row[]>,
    ctx,
    changes: (await readJsonl(path.join(opts.cleanedDir, 'changes.jsonl'))) as unknown as Change[],
    issues: (await readJsonl(path.join(opts.cleanedDir, 'issues.jsonl'))) as unknown as Issue[],
    errors: opts.report.errors as ErrorRow[],
    loaded: (entity, id) => opts.ledger.splynxId(entity, id),
    ...(await splynxViews(opts.api)),
    baselineErrors: opts.baseline,
    firstBill: await firstBillFindings(opts.api, opts.cleaned, ctx),
  };
}
