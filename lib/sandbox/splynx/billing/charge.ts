/**
 * The charge engine behind `POST admin/finance/to-bill/{customer_id}--preview|--generate`: what
 * Splynx would charge one customer's services on a billing run. Pure: plain data in, charge lines
 * out, nothing read from or written to the store (to-bill.ts does both).
 *
 * The rules and where each comes from (splynx/docs paths under files/en/; blueprint `L…`):
 * - Periods: the billing day (1–28) starts each one-month period; "10 means billing from 10th to
 *   the 9th of the next month" (configuration/finance/finance_settings/finance_settings.md).
 * - A service is charged from its start date, the first period prorated from the start date to its
 *   end; periods not yet charged since then are all charged on the next run: start 15 March,
 *   billing day 1, a March invoice covers 15–31 March, a first invoice made in April covers
 *   15 March – 30 April (same file, examples A and B).
 * - How far a run charges (`period` of "ToBill Create", L4978: 0 postpay, 1–12 months prepay):
 *   prepay through the end of `period` periods starting with the one that contains toBillDate;
 *   postpay through the end of the period before it (the blueprint's example, L4500+: date
 *   2017-12-01, from 2017-10-22 to 2017-11-30).
 * - Already charged: days inside `period_from`…`period_to` of a debit transaction that names the
 *   service (`service_id` + `service_type`) are not charged again; one without them covers nothing
 *   (operations.md "Charged periods are transactions", notes §4.7).
 * - Statuses (customer_management/customer_services/customer_services.md): see `billable` below.
 * - An end date stops billing after that day, and the period that contains it is charged in full:
 *   start 2022-01-01, end 2022-01-25, "charged up to 2022-01-31" (same file, point 6).
 * - Price: the service's own `unit_price` times `quantity`. A service created without one took its
 *   tariff's price then (service-price.ts), so 0 is a free service — the rule lib/verify/money.ts
 *   uses for a service's month.
 * - Tax: the tariff's `tax_id` rate (admin/config/taxes), else its `vat_percent`; `with_vat` means
 *   the price already includes it ("Price with VAT", L1485).
 *
 * Rounding: money is integer ten-thousandths of the currency (Splynx's decimal(19,4)) until a line
 * amount is made, then whole cents, half away from zero. A partial period costs
 * price × uncovered days ÷ days of that period (a 31-day period's day is price ÷ 31, as in the
 * plan-change example of customer_services.md), rounded to the cent per unit and per period;
 * a whole period costs exactly the price. The line's net is that per-unit amount × quantity; its tax
 * is net × rate, rounded to the cent (or, with VAT included, net = total ÷ (1 + rate), rounded).
 *
 * One debit line per service and per run of consecutive uncharged days, as Splynx's own answers
 * show one line from the start date through the last charged day (example B; blueprint L4500+).
 */
import { formatDay, parseDay, periodOf, periodStart, type Day } from './calendar.js';

export type ServiceKind = 'internet' | 'custom' | 'voice';
export const SERVICE_KINDS: readonly ServiceKind[] = ['internet', 'custom', 'voice'];

export interface ChargeTariff {
  price: number;
  /** The tariff's price includes the tax. */
  with_vat: boolean;
  tax_percent: number;
  tax_id: number;
  /** Transaction category for its charges. */
  category: number;
}

export interface ChargeService {
  kind: ServiceKind;
  id: number;
  status: string;
  description: string;
  quantity: number;
  unit: string;
  unit_price: number;
  start_date: string;
  end_date: string;
  tariff: ChargeTariff;
}

/** A transaction as far as "already charged" goes. */
export interface ChargedTransaction {
  type: string;
  service_id: number;
  service_type: string;
  period_from: string;
  period_to: string;
}

export interface ChargeInput {
  /** Customer billing `billing_date`. */
  billingDay: number;
  /** Customer billing `enabled`: "enables/disables billing for the customer" (finance_settings.md). */
  billingEnabled: boolean;
  services: ChargeService[];
  transactions: ChargedTransaction[];
}

export interface ChargeRequest {
  toBillDate: string;
  transactionDate: string;
  /** 0 postpay, 1–12 months prepaid. */
  period: number;
}

export interface ChargeLine {
  kind: ServiceKind;
  service_id: number;
  description: string;
  quantity: number;
  unit: string;
  from: string;
  to: string;
  days: number;
  /** The transaction date. */
  date: string;
  /** Net price per unit in ten-thousandths (what the transaction's `price` holds). */
  price4: number;
  tax_percent: number;
  tax_id: number;
  category: number;
  net_cents: number;
  tax_cents: number;
  total_cents: number;
}

/** Integer a ÷ b (b > 0) rounded half away from zero. */
export function roundDiv(a: number, b: number): number {
  const q = Math.floor((2 * Math.abs(a) + b) / (2 * b));
  return a < 0 ? -q : q;
}

const toTenThousandths = (n: number) => Math.round(n * 10_000);

/**
 * Whether a service's status lets it be charged at all (customer_services.md, "Status"):
 * - active: billed;
 * - disabled: "end date has to be reached or configured for the system to stop accounting for
 *   it"; "the service with Disable status but without End date is still accounted by billing"
 *   (point 6) — so billed, its end date (if any) stopping it like any other;
 * - stopped: "if changed to a stopped status, the system will stop accounting for it" ("End
 *   date"), a temporary pause;
 * - pending: the waiting period of a planned change, before the new service starts;
 * - hidden: the API's name for "Archived", which the docs give to stop charging (point 6).
 */
export function billable(status: string): boolean {
  return status === 'active' || status === 'disabled';
}

/** The last day a run charges: see the file header (`period`). */
export function chargeThrough(toBill: Day, billingDay: number, period: number): Day {
  return periodStart(toBill, billingDay, period) - 1;
}

/** Covered days of one service, as sorted, merged `[from, to]` ranges. */
function coveredRanges(service: ChargeService, transactions: ChargedTransaction[]): Array<[Day, Day]> {
  const ranges: Array<[Day, Day]> = [];
  for (const t of transactions) {
    if (t.type !== 'debit' || t.service_type !== service.kind || Number(t.service_id) !== service.id) continue;
    const from = parseDay(t.period_from);
    const to = parseDay(t.period_to);
    if (from !== undefined && to !== undefined && from <= to) ranges.push([from, to]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[Day, Day]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Runs of consecutive days in `[from, to]` that no range covers. */
function uncovered(from: Day, to: Day, covered: Array<[Day, Day]>): Array<[Day, Day]> {
  const runs: Array<[Day, Day]> = [];
  let next = from;
  for (const [a, b] of covered) {
    if (b < next) continue;
    if (a > to) break;
    if (a > next) runs.push([next, Math.min(a - 1, to)]);
    next = Math.max(next, b + 1);
    if (next > to) break;
  }
  if (next <= to) runs.push([next, to]);
  return runs;
}

/** Per-unit amount in cents for `[from, to]`: whole periods at the price, partial ones prorated by days. */
function runAmountCents(from: Day, to: Day, price4: number, billingDay: number): number {
  let cents = 0;
  for (let day = from; day <= to;) {
    const p = periodOf(day, billingDay);
    const segmentEnd = Math.min(p.to, to);
    const days = segmentEnd - day + 1;
    const periodDays = p.to - p.from + 1;
    cents += days === periodDays ? roundDiv(price4, 100) : roundDiv(price4 * days, periodDays * 100);
    day = segmentEnd + 1;
  }
  return cents;
}

/** What one run charges one service. */
export function chargeService(service: ChargeService, input: ChargeInput, request: ChargeRequest): ChargeLine[] {
  if (!billable(service.status)) return [];
  const start = parseDay(service.start_date);
  const toBill = parseDay(request.toBillDate);
  if (start === undefined || toBill === undefined) return [];
  let last = chargeThrough(toBill, input.billingDay, request.period);
  const end = parseDay(service.end_date);
  if (end !== undefined) {
    // A service that ended before it started never ran.
    if (end < start) return [];
    last = Math.min(last, periodOf(end, input.billingDay).to);
  }
  if (last < start) return [];

  const unitPrice4 = toTenThousandths(service.unit_price);
  const rate4 = toTenThousandths(service.tariff.tax_percent);
  const lines: ChargeLine[] = [];
  for (const [from, to] of uncovered(start, last, coveredRanges(service, input.transactions))) {
    const perUnit = runAmountCents(from, to, unitPrice4, input.billingDay);
    const amount = perUnit * service.quantity;
    const net = service.tariff.with_vat ? roundDiv(amount * 1_000_000, 1_000_000 + rate4) : amount;
    const tax = service.tariff.with_vat ? amount - net : roundDiv(net * rate4, 1_000_000);
    const price4 = service.tariff.with_vat ? (service.quantity ? roundDiv(net * 100, service.quantity) : 0) : perUnit * 100;
    lines.push({
      kind: service.kind,
      service_id: service.id,
      description: service.description,
      quantity: service.quantity,
      unit: service.unit,
      from: formatDay(from),
      to: formatDay(to),
      days: to - from + 1,
      date: request.transactionDate,
      price4,
      tax_percent: service.tariff.tax_percent,
      tax_id: service.tariff.tax_id,
      category: service.tariff.category,
      net_cents: net,
      tax_cents: tax,
      total_cents: net + tax,
    });
  }
  return lines;
}

/** Every line one run charges a customer, by service kind and id, in start-date order per service. */
export function chargeCustomer(input: ChargeInput, request: ChargeRequest): ChargeLine[] {
  if (!input.billingEnabled) return [];
  return input.services.flatMap((s) => chargeService(s, input, request));
}

/** One line as the to-bill answer shows it (blueprint L4500+): numbers as numbers, money to the cent. */
export function debitEntry(line: ChargeLine) {
  return {
    description: line.description,
    quantity: line.quantity,
    unit: line.unit,
    days: line.days,
    price: line.price4 / 10_000,
    tax_percent: line.tax_percent,
    total: line.total_cents / 100,
    date: line.date,
    from: line.from,
    to: line.to,
  };
}

export type DebitEntry = ReturnType<typeof debitEntry>;
export type ToBillResult = Record<ServiceKind, Record<string, { debit: DebitEntry[] }>>;

/** The `result` part of the to-bill answer; every kind is present, empty when nothing is charged. */
export function toBillResult(lines: ChargeLine[]): ToBillResult {
  const result: ToBillResult = { internet: {}, custom: {}, voice: {} };
  for (const l of lines) (result[l.kind][String(l.service_id)] ??= { debit: [] }).debit.push(debitEntry(l));
  return result;
}
