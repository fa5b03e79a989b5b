/**
 * Accepted errors: error rows the analyst reviewed after a rehearsal and decided to live with
 * ("no phone number: migrate without one"). They are kept in `<DATA_DIR>/accepted-errors.csv`,
 * the analyst's file like the mapping tables: a run reads it and never writes it; only
 * acceptErrors() adds rows, and only those it is given.
 *
 * A row keeps the error's identity (entity, Sonar id, category, message: errorIdentity() in
 * errors.ts) and a reason. A later error is "accepted" when its identity is in the file, and
 * "new" otherwise; the same record failing for another reason is a new error. Under
 * --stop-on-error only new errors stop a run. An accepted error whose record now loads is
 * "resolved" (reported, so the row can be taken out of the file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { dataPath } from '../paths.js';
import { configuredDataDir } from '../run-id.js';
import { errorId, errorIdentity, type ErrorRow } from './errors.js';

export const ACCEPTED_ERRORS_FILE = 'accepted-errors.csv';
const COLUMNS = ['error_id', 'entity', 'source_id', 'category', 'message', 'reason', 'accepted_at'] as const;

export interface AcceptedError {
  error_id: string;
  entity: string;
  source_id: string;
  category: string;
  message: string;
  reason: string;
  accepted_at: string;
}

type Identity = { entity: string; source_id: string; category: string; message: string };

/** An error row as a run reports it: its stable id, and the reason it was accepted ('' when it is new). */
export type ReviewedError = ErrorRow & { error_id: string; accepted: string };

/** `<DATA_DIR>/accepted-errors.csv` of the configured (or given) data folder. */
export const acceptedErrorsFile = (dataDir = configuredDataDir()) => dataPath(dataDir, ACCEPTED_ERRORS_FILE);

export class AcceptedErrors {
  private byIdentity = new Map<string, AcceptedError>();

  constructor(readonly file: string | null) {
    if (!file || !fs.existsSync(file)) return;
    const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as AcceptedError[];
    for (const [i, r] of rows.entries()) {
      if (!r.entity || !r.source_id || !r.category || !r.message || !String(r.reason ?? '').trim())
        throw new Error(`${file}, row ${i + 2}: an accepted error needs entity, source_id, category, message and a reason`);
      // The identity decides; the id is recomputed, so a hand-edited id cannot make two rows one.
      const row = { ...r, source_id: String(r.source_id), error_id: errorId(r) };
      this.byIdentity.set(errorIdentity(row), row);
    }
  }

  get size(): number {
    return this.byIdentity.size;
  }

  all(): AcceptedError[] {
    return [...this.byIdentity.values()];
  }

  /** The accepted row of an error, if it was accepted. */
  of(row: Identity): AcceptedError | undefined {
    return this.byIdentity.get(errorIdentity({ ...row, source_id: String(row.source_id) }));
  }

  /** Error rows with their id and, when accepted, the reason. */
  mark<T extends Identity>(rows: T[]): Array<T & { error_id: string; accepted: string }> {
    return rows.map((r) => ({ ...r, error_id: errorId(r), accepted: this.of(r)?.reason ?? '' }));
  }

  /**
   * Accepted errors of `entities` (those a run loaded) whose record had no error in `errors` and
   * now loads (`loaded`): the reason to accept them is gone.
   */
  resolved(entities: string[], errors: Identity[], loaded: (entity: string, sourceId: string) => boolean): AcceptedError[] {
    const ran = new Set(entities);
    const failing = new Set(errors.map((e) => `${e.entity}:${e.source_id}`));
    return this.all().filter((a) => ran.has(a.entity) && !failing.has(`${a.entity}:${a.source_id}`) && loaded(a.entity, a.source_id));
  }
}

/** The accepted errors of a file (none when it does not exist). */
export const readAcceptedErrors = (file: string | null = acceptedErrorsFile()) => new AcceptedErrors(file);

/**
 * Accepts error rows (from a run's report or errors.csv) with a reason: the notebooks' helper.
 * Rows already accepted keep their first reason. Answers how many were added and kept.
 *
 *   acceptErrors(report.errors.filter((e) => e.category === 'data' && e.entity === 'customer_contacts'), 'no phone: migrate without one');
 */
export function acceptErrors(
  rows: Identity[],
  reason: string,
  opts: { file?: string; at?: Date } = {},
): { added: number; kept: number; file: string } {
  if (!reason.trim()) throw new Error('acceptErrors needs a reason: say why these errors may stay');
  const file = opts.file ?? acceptedErrorsFile();
  const accepted = new AcceptedErrors(file);
  const at = (opts.at ?? new Date()).toISOString();
  const rowsOut = accepted.all();
  const seen = new Set(rowsOut.map((r) => errorIdentity(r)));
  let added = 0;
  for (const r of rows) {
    const row: AcceptedError = {
      error_id: errorId(r),
      entity: r.entity,
      source_id: String(r.source_id),
      category: r.category,
      message: r.message,
      reason: reason.trim(),
      accepted_at: at,
    };
    const key = errorIdentity(row);
    if (seen.has(key)) continue;
    seen.add(key);
    rowsOut.push(row);
    added++;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, stringify(rowsOut, { header: true, columns: [...COLUMNS] }));
  return { added, kept: rows.length - added, file };
}

/** Error rows counted apart: new (stop a run, fail the command) and accepted. */
export function splitErrors<T extends { accepted?: string }>(errors: T[]): { fresh: T[]; accepted: T[] } {
  return { fresh: errors.filter((e) => !e.accepted), accepted: errors.filter((e) => !!e.accepted) };
}

/** New, accepted and resolved errors of a run's report, for its summary line and report.json readers. */
export function errorReview(report: { errors: Array<{ accepted?: string; category: string }>; resolved?: unknown[] }): {
  new: number;
  accepted: number;
  resolved: number;
} {
  const { fresh, accepted } = splitErrors(report.errors);
  return { new: fresh.length, accepted: accepted.length, resolved: report.resolved?.length ?? 0 };
}
