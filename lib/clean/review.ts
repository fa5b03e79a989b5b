/**
 * The analyst's decisions from a notebook, in a line or two: a correction of one value, the
 * changed cells of an edited danfo frame as corrections, an exclusion. Each is checked at once
 * against the snapshot (a refusal throws, naming what is wrong) and written to the analyst's files
 * under `data/` (corrections: `data/corrections/corrections.csv`; exclusions:
 * `data/exclusions.csv`). Recording the same cell or record again replaces its row, so a cell run
 * twice does not pile up rows. Notebook 02 then applies them through cleanSnapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { frameToRecords } from '../frames/load.js';
import type { DataFrame } from '../frames/danfo.js';
import { dataPath } from '../paths.js';
import { readManifest, snapshotChain } from '../sonar/snapshot.js';
import {
  CORRECTIONS_FILE,
  fieldKind,
  readCorrections,
  refusal,
  valueText,
  writeCorrectionFile,
  type CorrectionOutcome,
  type CorrectionRow,
} from './corrections.js';
import {
  EXCLUSIONS_FILE,
  planExclusions,
  readExclusions,
  writeExclusions,
  type ExclusionOutcome,
  type ExclusionRow,
} from './exclusions.js';
import type { CleanResult, Tables } from './snapshot.js';

export const correctionsDir = (dataDir: string) => dataPath(dataDir, 'corrections');
export const exclusionsFile = (dataDir: string) => dataPath(dataDir, EXCLUSIONS_FILE);

/**
 * The analyst's corrections and exclusions as they are on disk, for cleanSnapshot's options; with
 * the snapshot's folder, also the ids its chain found deleted in Sonar (a decision about one is stale).
 */
export function readDecisions(
  dataDir: string,
  snapshotDir?: string,
): { corrections: CorrectionRow[]; exclusions: ExclusionRow[]; deleted: Record<string, string[]> } {
  const deleted: Record<string, string[]> = {};
  if (snapshotDir)
    for (const layer of snapshotChain(snapshotDir))
      for (const [table, ids] of Object.entries(readManifest(layer).deleted ?? {})) deleted[table] = [...(deleted[table] ?? []), ...ids];
  return { corrections: readCorrections(correctionsDir(dataDir)), exclusions: readExclusions(exclusionsFile(dataDir)), deleted };
}

/** Fields a frame may carry that are never corrections. */
const FIXED = new Set(['id', 'sonar_unique_id', 'created_at', 'updated_at', '_version']);

export class Review {
  /** The cleaned tables with the excluded records back in: what an exclusion is checked against. */
  private readonly whole: Tables;
  private readonly cleanedTables: Tables;

  constructor(
    readonly dataDir: string,
    /** The snapshot as read: "Sonar had" comes from here. */
    private readonly raw: Tables,
    cleaned?: Pick<CleanResult, 'tables' | 'excluded'>,
  ) {
    this.cleanedTables = cleaned?.tables ?? raw;
    const back: Tables = { ...this.cleanedTables };
    for (const e of cleaned?.excluded ?? []) back[e.table] = [...(back[e.table] ?? []), e.record];
    this.whole = back;
  }

  /** Records one corrected value: `review.correct('accounts', '1042', 'name', 'Acme Ltd', 'typo in Sonar')`. */
  correct(table: string, sonarId: string | number, field: string, value: unknown, reason: string): CorrectionRow {
    const records = this.raw[table] ?? [];
    const kind = fieldKind(table, field, records) ?? 'text';
    const record = records.find((r) => String(r.id) === String(sonarId));
    const row: CorrectionRow = {
      table,
      sonar_id: String(sonarId),
      field,
      sonar_had: valueText(kind, record?.[field]),
      new_value: typeof value === 'string' && kind !== 'list' ? value : valueText(kind, value),
      reason: needReason(reason),
      made_at: new Date().toISOString(),
    };
    const refused = refusal(row, this.raw);
    if (refused) throw new Error(`correction refused: ${refused}`);
    const file = path.join(correctionsDir(this.dataDir), CORRECTIONS_FILE);
    const rows = fs.existsSync(file) ? readCorrections(path.dirname(file)).filter((r) => r.source?.startsWith(`${CORRECTIONS_FILE} `)) : [];
    const same = (r: CorrectionRow) => r.table === row.table && r.sonar_id === row.sonar_id && r.field === row.field;
    const kept = rows.filter((r) => !same(r)).map(({ source: _s, ...r }) => r);
    writeCorrectionFile(file, [...kept, row]);
    return row;
  }

  /**
   * Records the cells of an edited frame of `table` that differ both from Sonar's value and from
   * the cleaned one: what the analyst changed. Columns the table does not have (derived ones) are
   * not corrections and are passed over. Answers the rows written.
   */
  correctFrame(table: string, frame: DataFrame, reason: string): CorrectionRow[] {
    const raw = new Map((this.raw[table] ?? []).map((r) => [String(r.id), r]));
    const clean = new Map((this.cleanedTables[table] ?? []).map((r) => [String(r.id), r]));
    const out: CorrectionRow[] = [];
    for (const rec of frameToRecords(table, frame)) {
      const id = String(rec.id ?? '');
      for (const [field, v] of Object.entries(rec)) {
        const kind = fieldKind(table, field, this.raw[table] ?? []);
        if (!kind || FIXED.has(field)) continue;
        const text = valueText(kind, v);
        if (text === valueText(kind, raw.get(id)?.[field]) || text === valueText(kind, clean.get(id)?.[field])) continue;
        out.push(this.correct(table, id, field, kind === 'list' ? v : text, reason));
      }
    }
    return out;
  }

  /** Records a "do not migrate" decision: `review.exclude('accounts', '1043', 'test account')`. Refused (thrown) when others depend on it. */
  exclude(table: string, sonarId: string | number, reason: string): ExclusionRow {
    const file = exclusionsFile(this.dataDir);
    const row: ExclusionRow = { table, sonar_id: String(sonarId), reason: needReason(reason), made_at: new Date().toISOString() };
    const others = readExclusions(file)
      .filter((r) => !(r.table === row.table && r.sonar_id === row.sonar_id))
      .map(({ source: _s, ...r }) => r);
    const plan = planExclusions(this.whole, [...others, row]);
    const mine = plan.outcomes[plan.outcomes.length - 1];
    if (mine.status === 'refused') throw new Error(`exclusion refused: ${mine.message}`);
    writeExclusions(file, [...others, row]);
    return row;
  }
}

/** The helper for a notebook: `const review = openReview(settings.DATA_DIR, raw, cleaned)`. */
export function openReview(dataDir: string, raw: Tables, cleaned?: Pick<CleanResult, 'tables' | 'excluded'>): Review {
  return new Review(dataDir, raw, cleaned);
}

function needReason(reason: string): string {
  if (!reason?.trim()) throw new Error('a decision needs a reason: say why, for whoever reviews the migration');
  return reason.trim();
}

/** The decisions that need someone: stale corrections (with both values) and refused rows. */
export function decisionsToReview(cleaned: Pick<CleanResult, 'corrections' | 'exclusions'>): Array<CorrectionOutcome | ExclusionOutcome> {
  return [...cleaned.corrections, ...cleaned.exclusions].filter((d) => d.status === 'stale' || d.status === 'refused');
}

/** Counts of the decisions' outcomes, one line: `corrections: 3 applied, 1 stale; exclusions: 2 (9 records)`. */
export function decisionSummary(cleaned: Pick<CleanResult, 'corrections' | 'exclusions' | 'excluded'>): string {
  const count = (list: Array<{ status: string }>) =>
    Object.entries(list.reduce<Record<string, number>>((m, d) => ((m[d.status] = (m[d.status] ?? 0) + 1), m), {}))
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || 'none';
  const members = cleaned.excluded.filter((e) => e.excluded_with).length;
  return `Corrections: ${count(cleaned.corrections)}. Exclusions: ${count(cleaned.exclusions)}; ${cleaned.excluded.length} records not migrated (${members} of them with the record they belong to).`;
}

/** Stops the notebook (and a headless replay, so the delta too) when a decision was refused: the file must be fixed first. */
export function assertDecisions(cleaned: Pick<CleanResult, 'corrections' | 'exclusions'>): void {
  const refused = [...cleaned.corrections, ...cleaned.exclusions].filter((d) => d.status === 'refused');
  if (!refused.length) return;
  throw new Error(
    `${refused.length} of the analyst's decisions were refused; fix or delete these rows, then run notebook 02 again:\n` +
      refused.map((d) => `- ${d.message}`).join('\n'),
  );
}
