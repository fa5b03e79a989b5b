/**
 * Sonar `Datetime` (ISO 8601 with an offset) to Splynx's naive `YYYY-MM-DD HH:MM:SS`. Splynx has
 * no offset, so the instant must be written in the timezone the Splynx instance runs in, or
 * every timestamp moves by hours.
 */
import { format, isValid, parseISO } from 'date-fns';
import { TZDate } from '@date-fns/tz';

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

function parseInstant(input: string): Date {
  if (!/([zZ]|[+-]\d{2}:?\d{2})$/.test(input.trim())) throw new Error(`"${input}" has no UTC offset, so its instant is unknown`);
  const d = parseISO(input.trim());
  if (!isValid(d)) throw new Error(`"${input}" is not an ISO 8601 datetime`);
  return d;
}

/** "2024-03-10T01:30:00-06:00" in "America/New_York" → "2024-03-10 03:30:00". */
export function toSplynxDatetime(input: string | null | undefined, timezone: string): string | null {
  if (input === null || input === undefined || input === '') return null;
  if (!isValidTimezone(timezone)) throw new Error(`Unknown timezone "${timezone}"`);
  return format(new TZDate(parseInstant(input).getTime(), timezone), 'yyyy-MM-dd HH:mm:ss');
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
