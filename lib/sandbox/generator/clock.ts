/**
 * Dates for the synthetic ISP. Instants are epoch milliseconds; business dates are the epoch
 * milliseconds of a UTC midnight, so arithmetic never depends on the machine's timezone.
 * Datetimes are written the way a Sonar instance in America/Chicago writes them: local time with
 * its offset, which changes with daylight saving time (a migration must not assume one offset).
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.25 * DAY_MS;

const dstWindows = new Map<number, [number, number]>();

/** US rule since 2007: second Sunday of March 02:00 CST to first Sunday of November 02:00 CDT. */
function dstWindow(year: number): [number, number] {
  let window = dstWindows.get(year);
  if (!window) {
    const march1 = new Date(Date.UTC(year, 2, 1)).getUTCDay();
    const november1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const secondSundayOfMarch = 1 + ((7 - march1) % 7) + 7;
    const firstSundayOfNovember = 1 + ((7 - november1) % 7);
    window = [Date.UTC(year, 2, secondSundayOfMarch, 8), Date.UTC(year, 10, firstSundayOfNovember, 7)];
    dstWindows.set(year, window);
  }
  return window;
}

function chicagoOffsetMinutes(ms: number): number {
  const [start, end] = dstWindow(new Date(ms).getUTCFullYear());
  return ms >= start && ms < end ? -300 : -360;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Built with `join` so the result is one flat string: template concatenation would leave a tree
 * of string fragments per timestamp, which costs hundreds of megabytes at 100,000 accounts.
 */
export function formatDatetime(ms: number): string {
  const offset = chicagoOffsetMinutes(ms);
  const local = Math.floor(ms / 1000) + offset * 60;
  const days = Math.floor(local / 86400);
  const seconds = local - days * 86400;
  const [y, m, d] = civilFromDays(days);
  return [
    y,
    '-',
    two(m),
    '-',
    two(d),
    'T',
    two(Math.floor(seconds / 3600)),
    ':',
    two(Math.floor(seconds / 60) % 60),
    ':',
    two(seconds % 60),
    offset === -300 ? '-05:00' : '-06:00',
  ].join('');
}

/** Gregorian year, month and day of a count of days since 1970-01-01 (Howard Hinnant's algorithm). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** The local (Chicago) calendar day of an instant, as a business date. */
export function localDay(ms: number): number {
  const local = ms + chicagoOffsetMinutes(ms) * MINUTE_MS;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
}

export function localTime(ms: number): string {
  return new Date(ms + chicagoOffsetMinutes(ms) * MINUTE_MS).toISOString().slice(11, 19);
}

export function formatDate(day: number): string {
  const [y, m, d] = civilFromDays(Math.floor(day / DAY_MS));
  return [y, '-', two(m), '-', two(d)].join('');
}

export function addDays(day: number, days: number): number {
  return day + days * DAY_MS;
}

/** Same day of month `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: number, months: number, dayOfMonth = new Date(day).getUTCDate()): number {
  const d = new Date(day);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const f = new Date(first);
  const lastDay = new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(f.getUTCFullYear(), f.getUTCMonth(), Math.min(dayOfMonth, lastDay));
}

/**
 * The first day strictly after `day` that falls on `dayOfMonth`, clamped to the month's last day:
 * an account billed on the 31st is billed on 30 April and 28 (or 29) February, as Sonar does.
 */
export function nextDayOfMonth(day: number, dayOfMonth: number): number {
  const d = new Date(day);
  const thisMonth = addMonths(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), 0, dayOfMonth);
  return thisMonth > day ? thisMonth : addMonths(thisMonth, 1, dayOfMonth);
}

export function monthsBetween(fromDay: number, toDay: number): number {
  const a = new Date(fromDay);
  const b = new Date(toDay);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
}
