/**
 * Calendar days and Splynx billing periods. A day is a whole number (days since 1970-01-01, UTC),
 * so day counts and ranges are exact integers and no time zone or daylight-saving shift can move a
 * date. Splynx limits the billing day to 1–28 (finance_settings.md, "Billing day"), so a period
 * start exists in every month and month arithmetic never overflows.
 */

export type Day = number;

const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD` → a day; undefined for anything else, including Splynx's "not set" `0000-00-00`. */
export function parseDay(s: unknown): Day | undefined {
  const m = typeof s === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null;
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

export const addDays = (day: Day, n: number): Day => day + n;

/**
 * The first day of the billing period `shift` periods after the one that contains `day`.
 * "Billing day is … the start of the billing period (for one month). … 10 means billing from 10th
 * to the 9th of the next month." (finance_settings.md)
 */
export function periodStart(day: Day, billingDay: number, shift = 0): Day {
  const d = new Date(day * MS_PER_DAY);
  const month = d.getUTCMonth() - (d.getUTCDate() < billingDay ? 1 : 0) + shift;
  return Date.UTC(d.getUTCFullYear(), month, billingDay) / MS_PER_DAY;
}

/** The billing period containing `day`, first and last day included. */
export function periodOf(day: Day, billingDay: number): { from: Day; to: Day } {
  return { from: periodStart(day, billingDay), to: periodStart(day, billingDay, 1) - 1 };
}
