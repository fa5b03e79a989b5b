/**
 * Reading one Sonar value the way Splynx needs it, or refusing the record with a TransformError
 * that names the field. The clean/ helpers throw plain errors, which the loader would file as
 * "unexpected"; a bad amount or date in a source record is the analyst's to fix, so it must land
 * in the error table as a transformation problem with a suggestion instead.
 */
import { centsToDecimal } from '../clean/money.js';
import { checkDate, toSplynxDatetime } from '../clean/datetime.js';
import { TransformError, type Row } from './types.js';

/** An integer number of cents (Sonar money), or a TransformError. */
export function wholeCents(row: Row, field: string, what: string): number {
  const v = row[field];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TransformError(
      `${what} ${row.id}: ${field} ${JSON.stringify(v)} is not a whole number of cents`,
      field,
      `Correct ${field} on ${what} ${row.id} in Sonar and take a new snapshot`,
    );
  }
  return n;
}

/** Cents → Splynx's decimal string, through the one money helper (never a float). */
export function decimal(cents: number): string {
  return centsToDecimal(cents)!;
}

/** A Sonar `Date` (`YYYY-MM-DD`), checked to be a calendar day. */
export function sonarDate(row: Row, field: string, what: string): string {
  try {
    const d = checkDate(row[field] as string | null);
    if (d) return d;
  } catch {
    // reported below with the record and field
  }
  throw new TransformError(
    `${what} ${row.id}: ${field} ${JSON.stringify(row[field] ?? null)} is not a date`,
    field,
    `Set ${field} on ${what} ${row.id} in Sonar`,
  );
}

/** A Sonar `Datetime` as Splynx's naive local `YYYY-MM-DD HH:MM:SS` in the instance's timezone. */
export function localDatetime(row: Row, field: string, what: string, timezone: string): string {
  try {
    const dt = toSplynxDatetime(row[field] as string | null, timezone);
    if (dt) return dt;
  } catch {
    // reported below with the record and field
  }
  throw new TransformError(
    `${what} ${row.id}: ${field} ${JSON.stringify(row[field] ?? null)} is not a timestamp with an offset`,
    field,
    `Correct ${field} on ${what} ${row.id} in Sonar`,
  );
}

/** Splynx ticket messages keep the date and the time in two fields. */
export function splitDatetime(dt: string): { date: string; time: string } {
  return { date: dt.slice(0, 10), time: dt.slice(11, 19) };
}

/** Rows sorted by Sonar id, numerically, so generated payloads never depend on table order. */
export function byId(a: Row, b: Row): number {
  return Number(a.id) - Number(b.id) || String(a.id).localeCompare(String(b.id));
}
