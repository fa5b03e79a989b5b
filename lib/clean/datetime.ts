/**
 * Sonar `Datetime` (ISO 8601 with an offset) to Splynx's naive `YYYY-MM-DD HH:MM:SS`. Splynx has
 * no offset, so the instant must be written in the timezone the Splynx instance runs in, or
 * every timestamp moves by hours.
 */
import { format, isValid, parseISO } from 'date-fns';
import { TZDate, tzOffset } from '@date-fns/tz';

/** Answers by timezone name: building an Intl formatter for every timestamp was a hot spot of the load. */
const timezones = new Map<string, boolean>();

export function isValidTimezone(tz: string): boolean {
  let valid = timezones.get(tz);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      valid = true;
    } catch {
      valid = false;
    }
    timezones.set(tz, valid);
  }
  return valid;
}

/** Sonar's own form, which the engine parses exactly as parseISO does (and much faster). */
const PLAIN_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(input: string): Date {
  if (PLAIN_ISO.test(input)) {
    // The engine rolls 2024-02-30 over into March; parseISO refuses it, and so must this.
    const day = +input.slice(8, 10);
    if (day <= 28 || new Date(Date.UTC(+input.slice(0, 4), +input.slice(5, 7) - 1, day)).getUTCDate() === day) {
      const d = new Date(input);
      if (isValid(d)) return d;
    }
  }
  if (!/([zZ]|[+-]\d{2}:?\d{2})$/.test(input.trim())) throw new Error(`"${input}" has no UTC offset, so its instant is unknown`);
  const d = parseISO(input.trim());
  if (!isValid(d)) throw new Error(`"${input}" is not an ISO 8601 datetime`);
  return d;
}

/**
 * A timezone's offset (minutes) at an instant, remembered per 15-minute slice of time: a load
 * converts hundreds of thousands of timestamps, and asking Intl for each was its hottest spot.
 * A slice whose two ends disagree holds a change of offset and is never remembered.
 */
const SLICE_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetAt(timezone: string, ms: number): number {
  const slice = Math.floor(ms / SLICE_MS);
  const key = `${timezone}|${slice}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const start = tzOffset(timezone, new Date(slice * SLICE_MS));
  const end = tzOffset(timezone, new Date(slice * SLICE_MS + SLICE_MS - 1));
  if (start !== end) return tzOffset(timezone, new Date(ms));
  if (offsets.size >= 200_000) offsets.clear();
  offsets.set(key, start);
  return start;
}

/** "2024-03-10T01:30:00-06:00" in "America/New_York" → "2024-03-10 03:30:00". */
export function toSplynxDatetime(input: string | null | undefined, timezone: string): string | null {
  if (input === null || input === undefined || input === '') return null;
  if (!isValidTimezone(timezone)) throw new Error(`Unknown timezone "${timezone}"`);
  const ms = parseInstant(input).getTime();
  const offset = offsetAt(timezone, ms);
  const local = new Date(ms + offset * 60_000);
  const year = local.getUTCFullYear();
  // Whole-minute offsets in years 0–9999 (all of Sonar's): the wall clock is the shifted instant's UTC fields.
  if (Number.isInteger(offset) && year >= 0 && year <= 9999) return local.toISOString().slice(0, 19).replace('T', ' ');
  return format(new TZDate(ms, timezone), 'yyyy-MM-dd HH:mm:ss');
}

/** The date part of an instant, in the given timezone ("2024-01-01T02:00:00+00:00" is still Dec 31 in Chicago). */
export function toSplynxDate(input: string | null | undefined, timezone: string): string | null {
  const dt = toSplynxDatetime(input, timezone);
  return dt === null ? null : dt.slice(0, 10);
}

/** A Sonar `Date` is already `YYYY-MM-DD`; this only checks it is a real calendar day. */
export function checkDate(input: string | null | undefined): string | null {
  if (input === null || input === undefined || input === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!m || !d || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
    throw new Error(`"${input}" is not a calendar date (YYYY-MM-DD)`);
  }
  return input;
}
