/**
 * The verdict: one row per entity (and one for the money check), every difference once, and the
 * two files in the run folder: `verify.json` (everything) and `verify.csv` (the differences, one
 * per line, to work through). Both are scrubbed of every configured secret before they are
 * written; they hold record values (names, e-mails, amounts), never credentials.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { scrubSecrets } from '../config.js';
import type { CountRow } from './counts.js';
import type { FieldPass } from './fields.js';
import type { FirstBillCheck, FirstBillFigures, FirstBillRow } from './first-bill.js';
import type { MoneyCheck, MoneyRow } from './money.js';
import type { Difference } from './types.js';
import type { ExplainedRow } from './explained.js';
import type { ExcludedRow } from '../load/excluded.js';

export interface VerdictRow {
  entity: string;
  sonar: number | string;
  snapshot: number | string;
  selected: number | string;
  /** Excluded by the analyst's decision: explained, so not a difference. */
  excluded?: number | string;
  done: number | string;
  failed: number | string;
  pending: number | string;
  splynx: number | string;
  compared: number;
  differences: number;
  verdict: 'ok' | 'differs' | 'skipped';
  note: string;
}

export interface VerifyResult {
  run_id: string;
  snapshot_id: string;
  started_at: string;
  finished_at: string;
  /** Records read back per entity (0: all). */
  sample: number;
  seed: number;
  /** The entities verified (all when the list was not narrowed). */
  entities: string[];
  reconciled: boolean;
  verdicts: VerdictRow[];
  differences: Difference[];
  money: { customers: number; differing: number; skipped?: string; rows: MoneyRow[] };
  /** Splynx's first bill per customer against Sonar's next (lib/verify/first-bill.ts): the figures, and the rows that are not plainly ok. */
  first_bill?: (FirstBillFigures & { source: string; rows: FirstBillRow[] }) | { skipped: string };
  /** The Sonar ids each entity's sample compared. */
  sampled: Record<string, string[]>;
  /** What was found and is explained, not a difference: failed records whose error the analyst accepted, with the reason. */
  explained?: ExplainedRow[];
  /** Records not migrated by the analyst's decision, per entity, with the reason: explained, not differences. */
  excluded?: ExcludedRow[];
  /**
   * A scoped verify (`--changed-only`, cutover's): records read one by one and first bills only for the accounts Sonar
   * changed since `since` (lib/verify/scope.ts); `unchanged_records` were left as the last full verify found them.
   */
  scope?: { since: string; changed_accounts: number; unchanged_records: number; unchanged_customers: number };
}

const unchangedNote = (n: number) => (n ? [`${n} of unchanged accounts not read again (scoped to what Sonar changed)`] : []);

export const MONEY_ROW = 'money (per customer)';
export const FIRST_BILL_ROW = 'first bill (per customer)';
const NA = '—';

/** Every difference once: the counts and the field check may both notice a missing record. */
export function dedupe(differences: Difference[]): Difference[] {
  const seen = new Set<string>();
  return differences.filter((d) => {
    const key = `${d.entity}|${d.sonar_id}|${d.splynx_id}|${d.field}`;
    return !seen.has(key) && seen.add(key);
  });
}

export function buildResult(parts: {
  runId: string;
  snapshotId: string;
  startedAt: string;
  sample: number;
  seed: number;
  counts: CountRow[];
  sonarDifferences: Difference[];
  countDifferences: Difference[];
  fields: FieldPass[];
  money?: MoneyCheck;
  firstBill?: FirstBillCheck;
  handoverSource?: string;
  explained?: ExplainedRow[];
  excluded?: ExcludedRow[];
  scope?: { since: string; accounts: ReadonlySet<string> } | null;
}): VerifyResult {
  const explained = parts.explained ?? [];
  const differences = dedupe([
    ...parts.sonarDifferences,
    ...parts.countDifferences,
    ...parts.fields.flatMap((f) => f.differences),
    ...(parts.money?.differences ?? []),
    ...(parts.firstBill?.differences ?? []),
  ]);
  const sonarOff = new Map(parts.sonarDifferences.map((d) => [d.entity, d]));
  const verdicts: VerdictRow[] = parts.counts.map((c) => {
    const own = differences.filter((d) => d.entity === c.entity).length + (sonarOff.has(c.source) ? 1 : 0);
    const table = sonarOff.get(c.source);
    return {
      entity: c.entity,
      sonar: c.sonar ?? NA,
      snapshot: c.snapshot,
      selected: c.selected,
      excluded: c.excluded ?? 0,
      done: c.done,
      failed: c.failed,
      pending: c.pending,
      splynx: c.splynx ?? NA,
      compared: parts.fields.find((f) => f.entity === c.entity)?.compared ?? 0,
      differences: own,
      verdict: own ? 'differs' : 'ok',
      note: [
        ...unchangedNote(parts.fields.find((f) => f.entity === c.entity)?.unchanged ?? 0),
        ...(table ? [`Sonar has ${c.sonar} ${c.source} now, the snapshot ${c.snapshot}`] : []),
        ...(c.note ? [c.note] : []),
        ...explainedNote(explained.filter((x) => x.entity === c.entity).length),
      ].join('; '),
    };
  });
  if (parts.money) {
    const m = parts.money;
    verdicts.push({
      entity: MONEY_ROW,
      sonar: NA,
      snapshot: NA,
      selected: NA,
      excluded: NA,
      done: NA,
      failed: NA,
      pending: NA,
      splynx: NA,
      compared: m.customers,
      differences: m.differences.length,
      verdict: m.skipped ? 'skipped' : m.differences.length ? 'differs' : 'ok',
      note: m.skipped ?? 'services a month (unit price × quantity) and opening balance, in cents',
    });
  }
  if (parts.firstBill) {
    const f = parts.firstBill;
    const explained = Object.entries(f.explained).map(([r, n]) => `${r} ${n}`);
    verdicts.push({
      entity: FIRST_BILL_ROW,
      sonar: NA,
      snapshot: NA,
      selected: NA,
      excluded: NA,
      done: NA,
      failed: NA,
      pending: NA,
      splynx: NA,
      compared: f.customers,
      differences: f.differences.length,
      verdict: f.differences.length ? 'differs' : 'ok',
      note: `${f.unchanged !== undefined ? `changed accounts only (${f.unchanged} unchanged); ` : ''}handover ${f.handover}; ${f.billed} billed (periods ${f.periods_matching}, amounts ${f.amounts_matching}, equal ${f.totals_equal}${explained.length ? `, explained: ${explained.join(', ')}` : ''}); ${f.not_billed_charged_nothing}/${f.not_billed} not billed charged nothing`,
    });
  }
  return {
    run_id: parts.runId,
    snapshot_id: parts.snapshotId,
    started_at: parts.startedAt,
    finished_at: new Date().toISOString(),
    ...(parts.scope
      ? {
          scope: {
            since: parts.scope.since,
            changed_accounts: parts.scope.accounts.size,
            unchanged_records: parts.fields.reduce((n, f) => n + (f.unchanged ?? 0), 0),
            unchanged_customers: parts.firstBill?.unchanged ?? 0,
          },
        }
      : {}),
    sample: parts.sample,
    seed: parts.seed,
    entities: parts.counts.map((c) => c.entity),
    reconciled: differences.length === 0,
    verdicts,
    differences,
    money: parts.money
      ? {
          customers: parts.money.customers,
          differing: parts.money.rows.filter((r) => r.services_difference_cents || r.balance_difference_cents).length,
          skipped: parts.money.skipped,
          rows: parts.money.rows.filter((r) => r.services_difference_cents || r.balance_difference_cents),
        }
      : { customers: 0, differing: 0, skipped: 'not part of the entities verified', rows: [] },
    first_bill: parts.firstBill
      ? (({ rows, differences: _d, ...figures }) => ({
          ...figures,
          source: parts.handoverSource ?? '',
          rows: rows.filter((r) => r.verdict !== 'ok' && r.verdict !== 'not billed'),
        }))(parts.firstBill)
      : { skipped: 'not part of the entities verified' },
    sampled: Object.fromEntries(parts.fields.filter((f) => f.sampled.length).map((f) => [f.entity, f.sampled])),
    explained,
    excluded: parts.excluded ?? [],
  };
}

const explainedNote = (n: number) => (n ? [`${n} failed with an accepted error (explained)`] : []);

export const EXPLAINED_COLUMNS = ['entity', 'sonar_id', 'error_id', 'reason', 'found'] as const;

export const DIFFERENCE_COLUMNS = ['check', 'entity', 'sonar_id', 'splynx_id', 'field', 'expected', 'found'] as const;

/** Writes verify.json and verify.csv into the run folder; answers their paths. */
export function writeVerifyFiles(runDir: string, result: VerifyResult, secrets: string[]): { json: string; csv: string } {
  fs.mkdirSync(runDir, { recursive: true });
  const json = path.join(runDir, 'verify.json');
  const csv = path.join(runDir, 'verify.csv');
  fs.writeFileSync(json, scrubSecrets(JSON.stringify(result, null, 2), secrets));
  fs.writeFileSync(csv, scrubSecrets(stringify(result.differences, { header: true, columns: [...DIFFERENCE_COLUMNS] }), secrets));
  return { json, csv };
}

export function readVerifyFile(runDir: string): VerifyResult | null {
  const file = path.join(runDir, 'verify.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as VerifyResult) : null;
}

/** One line for the end of a verification. */
export function summaryLine(r: VerifyResult): string {
  const explained = r.explained?.length ? `; ${r.explained.length} accepted error${r.explained.length === 1 ? '' : 's'} explained` : '';
  const n = r.excluded?.length ?? 0;
  const excluded =
    (n ? ` ${n} excluded record${n === 1 ? '' : 's'} explained by decision (data/exclusions.csv).` : '') +
    (r.scope
      ? ` Scoped to the ${r.scope.changed_accounts} accounts Sonar changed since ${r.scope.since}: ${r.scope.unchanged_records} records and ${r.scope.unchanged_customers} first bills of unchanged accounts not read again (a full migrate.ts verify checks them).`
      : '');
  if (r.reconciled)
    return `Reconciled: ${r.verdicts.length} checks, no differences${r.sample ? ` (a sample of ${r.sample} per entity)` : ''}${explained}.${excluded}`;
  const by = r.differences.reduce<Record<string, number>>((m, d) => ((m[d.check] = (m[d.check] ?? 0) + 1), m), {});
  return `Not reconciled: ${r.differences.length} difference${r.differences.length === 1 ? '' : 's'} (${Object.entries(by)
    .map(([c, n]) => `${n} ${c}`)
    .join(', ')})${explained}: see verify.csv.${excluded}`;
}

/** Stops the notebook (and so a headless run, with a non-zero exit) when anything does not reconcile. */
export function assertReconciled(r: VerifyResult): void {
  if (!r.reconciled) throw new Error(summaryLine(r));
}
