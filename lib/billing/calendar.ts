/**
 * Splynx's billing calendar, as the migration must predict it: a day is a whole number (days since
 * 1970-01-01, UTC), so ranges and day counts are exact and no time zone can move a date. The rules
 * are Splynx's own (../shared/reference/splynx/operations.md, "Billing"): the billing day (1–28)
 * starts each one-month period ("10 means billing from the 10th to the 9th of the next month"),
 * and a partial period is charged by its days.
 */

export type Day = number;

const MS_PER_DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → a day; undefined for anything else, Splynx's "not set" `0000-00-00` included. */
export function parseDay(s: unknown): Day | undefined {
  const m = typeof s === 'string' ? DATE.exec(s) : null;
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (y === 0 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / MS_PER_DAY;
}

export function formatDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** A date `n` days after (or before) another, both `YYYY-MM-DD`. */
export function shiftDate(date: string, n: number): string {
  const day = parseDay(date);
  if (day === undefined) throw new Error(`"${date}" is not a date`);
  return formatDay(day + n);
}

export const dayOfMonth = (day: Day): number => new Date(day * MS_PER_DAY).getUTCDate();

/** The first day of the billing period `shift` periods after the one that contains `day`. */
export function periodStart(day: Day, billingDay: number, shift = 0): Day {
  const d = new Date(day * MS_PER_DAY);
  const month = d.getUTCMonth() - (d.getUTCDate() < billingDay ? 1 : 0) + shift;
  return Date.UTC(d.getUTCFullYear(), month, billingDay) / MS_PER_DAY;
}

/** The billing period containing `day`, first and last day included. */
export function periodOf(day: Day, billingDay: number): { from: Day; to: Day } {
  return { from: periodStart(day, billingDay), to: periodStart(day, billingDay, 1) - 1 };
}

/** The first day on or after `day` on which a billing period starts. */
export function nextPeriodStart(day: Day, billingDay: number): Day {
  const start = periodStart(day, billingDay);
  return start === day ? day : periodStart(day, billingDay, 1);
}

/** Integer a ÷ b (b > 0), half away from zero: how Splynx rounds money to the cent. */
export function roundDiv(a: number, b: number): number {
  const q = Math.floor((2 * Math.abs(a) + b) / (2 * b));
  return a < 0 ? -q : q;
}

/**
 * What one unit costs for the days `from`…`to` of one period (both inside it): the whole price for
 * a whole period, else price × days ÷ days of the period, to the cent.
 */
export function periodCents(priceCents: number, from: Day, to: Day, billingDay: number): number {
  const p = periodOf(from, billingDay);
  const days = to - from + 1;
  const periodDays = p.to - p.from + 1;
  return days === periodDays ? priceCents : roundDiv(priceCents * days, periodDays);
}

/** The calendar day of an instant in a timezone, `YYYY-MM-DD`. */
export function dayIn(instant: Date, timezone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export const todayIn = (timezone: string) => dayIn(new Date(), timezone);
