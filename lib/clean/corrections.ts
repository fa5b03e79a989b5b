/**
 * The analyst's corrections: a value changed in the workbook, not in Sonar. One row is one cell:
 * table, Sonar id, field, the value Sonar had when the correction was made, the new value, a
 * reason, and when it was made. They live in `data/corrections/*.csv` (the analyst's files, like
 * the mapping tables: a run only reads them) and are applied by cleanSnapshot after the automatic
 * cleaning, so notebook 02, its headless replay and the cutover delta apply them alike.
 *
 * A correction is checked against every snapshot it meets:
 * - **applied** when Sonar still has the recorded value (a new snapshot, a delta: it lasts);
 * - **stale** when Sonar has changed the value since (or deleted the record): not applied, listed with both values;
 * - **refused** when its table, record or field does not exist, or the new value does not fit the
 *   field's type (lib/frames/columns.ts), with a message naming its file and line;
 * - **superseded** when a later row corrects the same cell.
 *
 * Cells are text in the file: empty means no value (null), lists are JSON, dates ISO.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readAnalystRows, writeAnalystRows } from './analyst-rows.js';
import { COLUMN_SPECS, isKnownTable, type ColumnKind } from '../frames/columns.js';
import { isoDate, isoInstant, toCell } from '../frames/convert.js';
import { SECRET_NAME } from '../frames/show.js';
import { REFERENCES } from '../sonar/relations.js';
import type { Change, Row, Tables } from './snapshot.js';

export const CORRECTION_COLUMNS = ['table', 'sonar_id', 'field', 'sonar_had', 'new_value', 'reason', 'made_at'] as const;

export interface CorrectionRow {
  table: string;
  sonar_id: string;
  field: string;
  /** What Sonar had when the correction was made, as cell text. */
  sonar_had: string;
  new_value: string;
  reason: string;
  /** ISO time the correction was made. */
  made_at: string;
  /** Where the row was read, for messages: `corrections.csv line 3`. */
  source?: string;
}

export type CorrectionStatus = 'applied' | 'stale' | 'refused' | 'superseded';

export interface CorrectionOutcome extends Omit<CorrectionRow, 'source'> {
  source: string;
  status: CorrectionStatus;
  /** What the snapshot has now, as cell text (for a stale row: beside `sonar_had`). */
  snapshot_has: string;
  message: string;
}

/** The file the notebook helper writes; the analyst may keep others beside it. */
export const CORRECTIONS_FILE = 'corrections.csv';

/** Fields no correction may touch: a record's identity and Sonar's own bookkeeping. */
const FIXED = new Set(['id', 'sonar_unique_id', 'created_at', 'updated_at', '_version']);

const KIND_WORD: Record<ColumnKind, string> = {
  id: 'an id',
  text: 'text',
  int: 'a whole number',
  float: 'a number',
  boolean: 'true or false',
  date: 'a date (YYYY-MM-DD)',
  datetime: 'a time (ISO 8601)',
  list: 'a JSON list',
};

/** The kind of a field of a table, or undefined when the table has no such field. */
export function fieldKind(table: string, field: string, records: readonly Row[] = []): ColumnKind | undefined {
  if (isKnownTable(table) && field in COLUMN_SPECS[table]) return COLUMN_SPECS[table][field];
  return records.some((r) => field in r) ? 'text' : undefined;
}

/** A cell of the file as the value it stands for, by the field's kind; undefined when it does not fit. */
export function parseValue(kind: ColumnKind, text: string): unknown {
  if (text === '') return null;
  if (kind === 'list') {
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }
  const cell = toCell(kind, text);
  if (cell === undefined) return undefined;
  // Sonar's wire form: dates stay text as written, numbers and booleans are themselves.
  return cell instanceof Date ? text : cell;
}

/** A value as cell text, in a canonical form so that equal values are equal text (`1500`, `2024-03-01T07:00:00Z`). */
export function valueText(kind: ColumnKind, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (kind === 'list') return Array.isArray(v) ? JSON.stringify(v) : String(v);
  const cell = toCell(kind, v);
  if (cell === undefined || cell === null) return typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (cell instanceof Date) return kind === 'date' ? isoDate(cell) : isoInstant(cell);
  // A frame holds floats as float32: compare at that precision, or every coordinate would look edited.
  if (kind === 'float' && typeof cell === 'number') return String(Number(Math.fround(cell).toPrecision(7)));
  return String(cell);
}

/** Every correction in `dir` (`*.csv`, by name), each with the file and line it came from. */
export function readCorrections(dir: string): CorrectionRow[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  return files.flatMap((f) => readCorrectionFile(path.join(dir, f)));
}

function readCorrectionFile(file: string): CorrectionRow[] {
  // Free text is kept as typed: a trailing space may be the correction itself.
  return readAnalystRows(file, CORRECTION_COLUMNS, { verbatim: ['new_value', 'sonar_had'] }) as CorrectionRow[];
}

/** Writes the rows of one file of the folder (the helper's own), whole, through a temporary file. */
export function writeCorrectionFile(file: string, rows: CorrectionRow[]): void {
  writeAnalystRows(file, CORRECTION_COLUMNS, rows);
}

/** Why a correction cannot be applied to these tables (the raw snapshot), or null when it can. */
export function refusal(row: CorrectionRow, raw: Tables): string | null {
  const where = row.source ? `${row.source}: ` : '';
  const name = `${row.table} ${row.sonar_id} ${row.field}`;
  if (!row.table || !row.sonar_id || !row.field) return `${where}a correction needs a table, a Sonar id and a field`;
  if (!isKnownTable(row.table) && !(row.table in raw)) return `${where}no table "${row.table}" in the snapshot`;
  const records = raw[row.table] ?? [];
  if (FIXED.has(row.field)) return `${where}${name}: "${row.field}" is Sonar's own and cannot be corrected`;
  const kind = fieldKind(row.table, row.field, records);
  if (!kind) return `${where}${row.table} has no field "${row.field}"`;
  const record = records.find((r) => String(r.id) === row.sonar_id);
  if (!record) return `${where}no ${row.table} record ${row.sonar_id} in the snapshot`;
  const value = parseValue(kind, row.new_value);
  if (value === undefined) return `${where}${name}: "${row.new_value}" is not ${KIND_WORD[kind]}`;
  // A corrected reference must point at a record that exists, or the load fails far from here.
  const target = REFERENCES[row.table]?.[row.field];
  const to = typeof target === 'string' ? target : target?.({ ...record, [row.field]: value });
  if (to && value !== null && !to.startsWith('?') && raw[to] && !raw[to].some((r) => String(r.id) === String(value)))
    return `${where}${name}: no ${to} record ${String(value)} to point at`;
  return null;
}

const cellKey = (r: Pick<CorrectionRow, 'table' | 'sonar_id' | 'field'>) => `${r.table}\0${r.sonar_id}\0${r.field}`;

/**
 * Applies the corrections to the cleaned tables (returned as new tables; neither input changes),
 * checking each against the raw snapshot: the value Sonar had must still be there.
 */
export function applyCorrections(
  cleaned: Tables,
  raw: Tables,
  rows: readonly CorrectionRow[],
  /** Ids Sonar deleted since an earlier snapshot of the chain: a correction of one is stale, not refused. */
  deleted: Record<string, readonly string[]> = {},
): { tables: Tables; outcomes: CorrectionOutcome[]; changes: Change[] } {
  if (!rows.length) return { tables: cleaned, outcomes: [], changes: [] };
  const last = new Map(rows.map((r, i) => [cellKey(r), i]));
  const rawById = indexer(raw);
  const cleanById = indexer(cleaned);
  const copies = new Map<string, Row>();
  const outcomes: CorrectionOutcome[] = [];
  const changes: Change[] = [];

  rows.forEach((row, i) => {
    // A credential (a RADIUS password) is applied, but never repeated in what is shown or kept for review.
    const secret = SECRET_NAME.test(row.field);
    const base = { ...row, source: row.source ?? '', ...(secret ? { sonar_had: '***', new_value: '***' } : {}) };
    const kind = fieldKind(row.table, row.field, raw[row.table] ?? []);
    const rawRecord = rawById(row.table, row.sonar_id);
    const has = kind && rawRecord ? valueText(kind, rawRecord[row.field]) : '';
    const out = (status: CorrectionStatus, message: string) =>
      outcomes.push({ ...base, status, snapshot_has: secret ? '***' : has, message });
    if (!rawRecord && deleted[row.table]?.includes(row.sonar_id))
      return out(
        'stale',
        `${row.source ? `${row.source}: ` : ''}Sonar deleted ${row.table} ${row.sonar_id} since the correction; delete the row`,
      );
    const refused = refusal(row, raw);
    if (refused) return out('refused', refused);
    if (last.get(cellKey(row)) !== i) return out('superseded', `a later row corrects ${row.table} ${row.sonar_id} ${row.field} again`);
    if (valueText(kind!, parseValue(kind!, row.sonar_had)) !== has)
      return out(
        'stale',
        secret
          ? `Sonar changed ${row.field} since the correction. Not applied: correct it again, or delete the row`
          : `Sonar changed ${row.field} since the correction: it had "${row.sonar_had}", now "${has}". Not applied: correct it again, or delete the row`,
      );
    const key = `${row.table}\0${row.sonar_id}`;
    let record = copies.get(key);
    if (!record) copies.set(key, (record = { ...(cleanById(row.table, row.sonar_id) ?? rawRecord!) }));
    const before = record[row.field] ?? null;
    const after = parseValue(kind!, row.new_value);
    record[row.field] = after;
    changes.push({
      entity: row.table,
      source_id: row.sonar_id,
      field: row.field,
      before: secret ? '***' : before,
      after: secret ? '***' : after,
      rule: `correction: ${row.reason}`,
    });
    out('applied', valueText(kind!, before) === valueText(kind!, after) ? 'applied (cleaning had already made it so)' : 'applied');
  });

  // Only the tables with a corrected record are copied, and only their corrected records replaced.
  const tables: Tables = { ...cleaned };
  for (const table of new Set([...copies.keys()].map((k) => k.split('\0')[0])))
    tables[table] = (cleaned[table] ?? []).map((r) => copies.get(`${table}\0${String(r.id)}`) ?? r);
  return { tables, outcomes, changes };
}

/** Looks records up by table and id, indexing a table the first time it is asked for. */
function indexer(tables: Tables): (table: string, id: string) => Row | undefined {
  const idx = new Map<string, Map<string, Row>>();
  return (table, id) => {
    let m = idx.get(table);
    if (!m) idx.set(table, (m = new Map((tables[table] ?? []).map((r) => [String(r.id), r]))));
    return m.get(id);
  };
}
