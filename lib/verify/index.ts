/**
 * Verification: does Splynx hold what Sonar held? Counts (counts.ts), every record field by field
 * (fields.ts), and money per customer (money.ts), ending in one verdict (report.ts). It only
 * reads: the ledger through a read-only handle, Splynx and Sonar through GET and HEAD.
 *
 * notebooks/08-verify.ipynb runs the steps one cell at a time; `scripts/migrate.ts verify`
 * replays that notebook. runVerify does all of it in one call (tests, scripts).
 */
import path from 'node:path';
import { secretValues } from '../config.js';
import { ENTITIES, type EntityModule } from '../entities/index.js';
import { progress } from '../frames/show.js';
import { dataPath } from '../paths.js';
import { countEntity, sonarDifferences, sonarTotals, type CountRow, type EntityCount } from './counts.js';
export { countTable } from './counts.js';
import { checkFields, type FieldPass } from './fields.js';
import { checkFirstBill, type FirstBillCheck } from './first-bill.js';
import { checkMoney, type MoneyCheck } from './money.js';
import { buildResult, writeVerifyFiles, type VerifyResult } from './report.js';
import type { VerifySession } from './session.js';
import type { Difference, VerifyOptions } from './types.js';
import { acceptedErrorsFile, readAcceptedErrors } from '../load/accepted.js';
import { explainAccepted, type ExplainedRow } from './explained.js';
export type { ExplainedRow } from './explained.js';

export { openVerify, type VerifySession } from './session.js';
export {
  assertReconciled,
  readVerifyFile,
  summaryLine,
  writeVerifyFiles,
  MONEY_ROW,
  EXPLAINED_COLUMNS,
  type VerifyResult,
  type VerdictRow,
} from './report.js';
export type { Difference, VerifyOptions } from './types.js';
export { firstBillLines, type FirstBillCheck, type FirstBillFigures, type FirstBillRow } from './first-bill.js';

/** The entities to verify, in load order: all, or those named (comma-separated). */
export function entitiesToVerify(names: string | string[] = ''): EntityModule[] {
  const wanted = (Array.isArray(names) ? names : names.split(',')).map((n) => n.trim()).filter(Boolean);
  const unknown = wanted.filter((n) => !ENTITIES.some((e) => e.name === n));
  if (unknown.length) throw new Error(`Unknown entity ${unknown.join(', ')}. Known: ${ENTITIES.map((e) => e.name).join(', ')}`);
  return wanted.length ? ENTITIES.filter((e) => wanted.includes(e.name)) : ENTITIES;
}

/** The money check concerns customers, their services and their finance. */
const MONEY_ENTITIES = new Set(['customers', 'internet_services', 'recurring_services', 'voice_services', 'invoices', 'payments']);
export const moneyApplies = (mods: EntityModule[]) => mods.some((m) => MONEY_ENTITIES.has(m.name));

export interface CountsResult {
  rows: CountRow[];
  byEntity: Map<string, EntityCount>;
  sonarDifferences: Difference[];
  differences: Difference[];
  /** Failed records whose error the analyst accepted: explained, so not among the differences. */
  explained: ExplainedRow[];
}

/** Counts for each entity; with `full`, every census is also listed (the field check then reads from it). */
export async function reconcileCounts(s: VerifySession, mods: EntityModule[], opts: { full: boolean }): Promise<CountsResult> {
  const bar = progress('Counts');
  const totals = await sonarTotals(
    s,
    mods.map((m) => m.source),
  );
  // Entities side by side: each is a few sequential pages, and the Splynx client bounds what is in flight.
  let done = 0;
  const counted = await Promise.all(
    mods.map(async (mod) => {
      const c = await countEntity(s, mod, { full: opts.full, sonarTotals: totals });
      bar.update(++done, mods.length, mod.name);
      return [mod.name, c] as const;
    }),
  );
  const byEntity = new Map<string, EntityCount>(counted);
  const rows = [...byEntity.values()].map((c) => c.row);
  const { differences, explained } = explainAccepted(
    [...byEntity.values()].flatMap((c) => c.differences),
    readAcceptedErrors(acceptedErrorsFile(s.settings.DATA_DIR)),
    s.ledger,
    secretValues(s.settings),
  );
  bar.done(
    `${mods.length} entities, ${differences.length} count differences${explained.length ? `, ${explained.length} accepted errors explained` : ''}`,
  );
  return { rows, byEntity, sonarDifferences: sonarDifferences(s, totals), differences, explained };
}

export async function reconcileFields(
  s: VerifySession,
  mods: EntityModule[],
  counts: CountsResult,
  opts: { sample: number; seed: number },
): Promise<FieldPass[]> {
  const bar = progress(opts.sample ? `Fields (a sample of ${opts.sample} per entity)` : 'Fields (every record)');
  const out: FieldPass[] = [];
  for (const [i, mod] of mods.entries()) {
    bar.update(i, mods.length, mod.name);
    out.push(await checkFields(s, mod, counts.byEntity, opts));
  }
  bar.done(
    `${out.reduce((n, f) => n + f.compared, 0)} records compared, ${out.reduce((n, f) => n + f.differences.length, 0)} field differences`,
  );
  return out;
}

export async function reconcileMoney(s: VerifySession, mods: EntityModule[]): Promise<MoneyCheck | undefined> {
  return moneyApplies(mods) ? checkMoney(s) : undefined;
}

/** The first-bill check concerns customers, their services and the billing coverage. */
const FIRST_BILL_ENTITIES = new Set([
  'customers',
  'customer_billing',
  'internet_services',
  'recurring_services',
  'voice_services',
  'billing_coverage',
]);

/** Splynx's first bill per customer against Sonar's next one (lib/verify/first-bill.ts); undefined when no verified entity concerns it. */
export async function reconcileFirstBill(s: VerifySession, mods: EntityModule[]): Promise<FirstBillCheck | undefined> {
  if (!mods.some((m) => FIRST_BILL_ENTITIES.has(m.name))) return undefined;
  const bar = progress('First bill (a preview per customer)');
  const check = await checkFirstBill({ api: s.api, tables: s.tables, ctx: s.ctx, accounts: s.scope?.accounts });
  bar.done(`${check.customers} customers, ${check.differing} with unexplained differences`);
  return check;
}

/** Puts the parts together and writes verify.json / verify.csv into `data/runs/<runId>/`. */
export function finishVerify(
  s: VerifySession,
  parts: {
    runId: string;
    startedAt: string;
    sample: number;
    seed: number;
    counts: CountsResult;
    fields: FieldPass[];
    money?: MoneyCheck;
    firstBill?: FirstBillCheck;
  },
): { result: VerifyResult; runDir: string } {
  const result = buildResult({
    runId: parts.runId,
    snapshotId: s.snapshotId,
    startedAt: parts.startedAt,
    sample: parts.sample,
    seed: parts.seed,
    counts: parts.counts.rows,
    sonarDifferences: parts.counts.sonarDifferences,
    countDifferences: parts.counts.differences,
    fields: parts.fields,
    money: parts.money,
    firstBill: parts.firstBill,
    handoverSource: s.handover.source,
    explained: parts.counts.explained,
    excluded: [...parts.counts.byEntity.values()].flatMap((c) => c.excluded),
    scope: s.scope,
  });
  const runDir = dataPath(s.settings.DATA_DIR, 'runs', parts.runId);
  writeVerifyFiles(runDir, result, secretValues(s.settings));
  return { result, runDir };
}

/** The whole verification in one call. */
export async function runVerify(s: VerifySession, opts: VerifyOptions & { runId: string }): Promise<VerifyResult & { run_dir: string }> {
  const startedAt = new Date().toISOString();
  const mods = entitiesToVerify(opts.entities ?? []);
  const sample = opts.sample ?? 0;
  const seed = opts.seed ?? 1;
  const counts = await reconcileCounts(s, mods, { full: !sample });
  const fields = await reconcileFields(s, mods, counts, { sample, seed });
  const money = await reconcileMoney(s, mods);
  const firstBill = await reconcileFirstBill(s, mods);
  const { result, runDir } = finishVerify(s, { runId: opts.runId, startedAt, sample, seed, counts, fields, money, firstBill });
  return { ...result, run_dir: path.resolve(runDir) };
}
