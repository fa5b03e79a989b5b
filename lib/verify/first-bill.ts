/**
 * The first bill, verified before anyone is billed: for each migrated customer, what Splynx would
 * charge (its own `to-bill/{customer}--preview`, which writes nothing) against what Sonar would
 * bill then.
 *
 * - Billed customers (their status's `services` decision is `billed`, and not archived): a preview
 *   at each service's Sonar next bill date (its own, else its account's), one month prepaid, as
 *   Splynx's billing run on that day would charge. Per service:
 *   - periods: no day before Sonar's next bill date is charged (that would bill again what Sonar
 *     billed), and the first charged day is exactly it (no gap), through the end of that Splynx
 *     billing period;
 *   - amount, to the cent: the price Sonar bills (its override, else the service's amount) times
 *     the quantity, prorated by days only where that first Splynx period is not a whole one (the
 *     bill day moved from the 29th–31st, or another mode's day) — the reason is named.
 *   Per customer, at its account's next bill date: Splynx's first bill against the account's
 *   `next_recurring_charge_amount`. What makes them differ is named, each with its amount:
 *   `proration` (above), `tax` (Sonar's, estimated from its own invoices, sonar-tax.ts; Splynx's
 *   tariffs are migrated without tax), `billing cycle` (Sonar bills several months at a time and
 *   the billing-cycle table bills them monthly). Anything else is a difference.
 * - Customers Splynx must not bill (paused or ended, archived ones always): a preview at the first
 *   Splynx billing day on or after the handover charges nothing at all.
 *
 * Every difference is a row of verify.csv (check `first-bill`); verify exits 1 on any.
 */
import { dayOfMonth, nextPeriodStart, parseDay, periodCents, periodOf, formatDay, roundDiv } from '../billing/calendar.js';
import { decimal } from '../entities/sonar-values.js';
import { billedMonths } from '../entities/customer-billing.js';
import { serviceKindOf, sonarUnitCents } from '../entities/customer-services.js';
import { accountBillingDay, accountDecision, serviceStart, sonarNextBill, type ServiceDecision } from '../entities/service-billing.js';
import type { Row, TransformContext } from '../entities/types.js';
import type { SplynxApi } from '../splynx/client.js';
import { learnSonarTax, type SonarTax } from './sonar-tax.js';
import type { Difference } from './types.js';

export const FIRST_BILL = 'first_bill';

export interface FirstBillRow {
  account_id: string;
  customer_id: string;
  decision: ServiceDecision | '?';
  /** The day previewed: the account's next bill date, or the first billing day after the handover. */
  bill_date: string;
  services: number;
  /** The first day Splynx charges, of all the customer's services ('' when it charges nothing). */
  charged_from: string;
  splynx_first_bill: string;
  sonar_next_charge: string;
  /** Named reasons for the difference between the two, with their amounts. */
  explained: string;
  verdict: 'ok' | 'explained' | 'not billed' | 'differs';
  note: string;
}

export interface FirstBillCheck {
  handover: string;
  /** Migrated customers checked. */
  customers: number;
  /** In a scoped verify: migrated customers not checked because Sonar did not change them (lib/verify/scope.ts). */
  unchanged?: number;
  billed: number;
  /** Billed customers whose every service is first charged exactly at Sonar's next bill date, nothing before. */
  periods_matching: number;
  /** Billed customers whose every service's amount is what Sonar bills (prorated where named), to the cent. */
  amounts_matching: number;
  /** Billed customers whose first bill equals Sonar's next charge to the cent with nothing to explain. */
  totals_equal: number;
  /** Billed customers whose difference from Sonar's next charge is wholly explained, and per reason. */
  explained_customers: number;
  explained: Record<string, number>;
  not_billed: number;
  not_billed_charged_nothing: number;
  differing: number;
  difference_rows: number;
  rows: FirstBillRow[];
  differences: Difference[];
}

export type FirstBillFigures = Omit<FirstBillCheck, 'rows' | 'differences'>;

interface Line {
  from: string;
  to: string;
  netCents: number;
  totalCents: number;
}

type Preview = Record<'internet' | 'custom' | 'voice', Record<string, { debit: Array<Record<string, unknown>> }>>;

const money = (cents: number) => decimal(cents);
const lineOf = (d: Record<string, unknown>): Line => {
  const price4 = Math.round(Number(d.price) * 10_000);
  return {
    from: String(d.from),
    to: String(d.to),
    netCents: roundDiv(price4 * Number(d.quantity ?? 1), 100),
    totalCents: Math.round(Number(d.total) * 100),
  };
};

async function preview(api: SplynxApi, customer: string, date: string): Promise<Preview> {
  const res = await api.ask<{ result: Preview }>(`admin/finance/to-bill/${customer}--preview`, {
    toBillDate: date,
    transactionDate: date,
    period: 1,
  });
  return res.result;
}

/** Every Splynx service id a preview charges, as `type:id`. */
const chargedKeys = (p: Preview) =>
  (['internet', 'custom', 'voice'] as const).flatMap((t) => Object.keys(p[t] ?? {}).map((id) => `${t}:${id}`));

export async function checkFirstBill(input: {
  api: SplynxApi;
  tables: Record<string, Row[]>;
  ctx: TransformContext;
  /** Only these Sonar accounts (a scoped verify, lib/verify/scope.ts); the others are counted as unchanged. */
  accounts?: ReadonlySet<string>;
}): Promise<FirstBillCheck> {
  const { api, tables, ctx } = input;
  const tax = learnSonarTax(tables, ctx);
  const migrated = (tables.accounts ?? []).filter((a) => ctx.optionalRef('customers', a.id));
  const accounts = input.accounts ? migrated.filter((a) => input.accounts!.has(String(a.id))) : migrated;
  const results = await Promise.all(accounts.map((a) => checkAccount(a, api, ctx, tax)));
  const rows = results.map((r) => r.row).sort((a, b) => Number(a.account_id) - Number(b.account_id));
  const differences = results.flatMap((r) => r.differences).sort((a, b) => Number(a.sonar_id) - Number(b.sonar_id));
  const billed = results.filter((r) => r.row.decision === 'billed');
  const explained: Record<string, number> = {};
  for (const r of billed)
    if (r.row.verdict === 'explained') for (const reason of r.reasons) explained[reason] = (explained[reason] ?? 0) + 1;
  const notBilled = results.filter((r) => r.row.decision === 'paused' || r.row.decision === 'ended');
  return {
    handover: ctx.handoverDate,
    customers: rows.length,
    ...(input.accounts ? { unchanged: migrated.length - accounts.length } : {}),
    billed: billed.length,
    periods_matching: billed.filter((r) => r.periodsOk).length,
    amounts_matching: billed.filter((r) => r.amountsOk).length,
    totals_equal: billed.filter((r) => r.row.verdict === 'ok').length,
    explained_customers: billed.filter((r) => r.row.verdict === 'explained').length,
    explained,
    not_billed: notBilled.length,
    not_billed_charged_nothing: notBilled.filter((r) => r.row.verdict === 'not billed').length,
    differing: rows.filter((r) => r.verdict === 'differs').length,
    difference_rows: differences.length,
    rows,
    differences,
  };
}

interface AccountResult {
  row: FirstBillRow;
  differences: Difference[];
  reasons: string[];
  periodsOk: boolean;
  amountsOk: boolean;
}

async function checkAccount(account: Row, api: SplynxApi, ctx: TransformContext, tax: SonarTax): Promise<AccountResult> {
  const accountId = String(account.id);
  const customer = ctx.optionalRef('customers', accountId)!;
  const differences: Difference[] = [];
  const diff = (field: string, expected: string, found: string) =>
    differences.push({ check: 'first-bill', entity: FIRST_BILL, sonar_id: accountId, splynx_id: customer, field, expected, found });
  const nrca = Number(account.next_recurring_charge_amount ?? 0) || 0;
  const row: FirstBillRow = {
    account_id: accountId,
    customer_id: customer,
    decision: '?',
    bill_date: '',
    services: 0,
    charged_from: '',
    splynx_first_bill: money(0),
    sonar_next_charge: money(nrca),
    explained: '',
    verdict: 'differs',
    note: '',
  };
  const result: AccountResult = { row, differences, reasons: [], periodsOk: false, amountsOk: false };
  let decision: ServiceDecision;
  let billingDay: number;
  try {
    decision = accountDecision(account, ctx).decision;
    billingDay = accountBillingDay(accountId, ctx);
  } catch (e) {
    diff('(decision)', 'a billing decision for the account', (e as Error).message);
    return result;
  }
  row.decision = decision;

  // The account's services that are Splynx services, and what Splynx calls each.
  const services = ctx
    .children('account_services', 'account_id', accountId)
    .map((as) => ({ as, kind: serviceKindOf(as, ctx) }))
    .filter((s): s is { as: Row; kind: NonNullable<ReturnType<typeof serviceKindOf>> } => s.kind !== null)
    .map((s) => ({ ...s, splynxId: ctx.optionalRef(s.kind.entity, s.as.id) }));
  row.services = services.length;
  const missing = services.filter((x) => !x.splynxId);
  const migrated = services.filter((s) => s.splynxId);
  const ours = new Set(migrated.map((s) => `${s.kind.serviceType}:${s.splynxId}`));

  if (decision !== 'billed') {
    const day = formatDay(nextPeriodStart(parseDay(ctx.handoverDate)!, billingDay));
    row.bill_date = day;
    const p = await preview(api, customer, day);
    const charged = chargedKeys(p);
    let total = 0;
    for (const key of charged) {
      const [type, id] = key.split(':') as ['internet' | 'custom' | 'voice', string];
      const lines = p[type][id].debit.map(lineOf);
      total += lines.reduce((s, l) => s + l.totalCents, 0);
      row.charged_from = [row.charged_from, ...lines.map((l) => l.from)].filter(Boolean).sort()[0];
      diff(
        `${type} service ${id}`,
        `nothing: Sonar does not bill this account (${decision})`,
        `${money(lines.reduce((s, l) => s + l.totalCents, 0))} for ${lines.map((l) => `${l.from} – ${l.to}`).join(', ')}${ours.has(key) ? '' : ' (a service that did not come from Sonar)'}`,
      );
    }
    row.splynx_first_bill = money(total);
    if (account.next_bill_date || nrca)
      row.note = `Sonar still states a next charge of ${money(nrca)} on ${account.next_bill_date ?? '(no date)'}; not billed: ${accountDecision(account, ctx).why}`;
    // A service that did not migrate is billed by neither side: the load's error table tells it, not this check.
    if (missing.length) row.note = [row.note, `${missing.length} service(s) not migrated, billed by neither`].filter(Boolean).join('; ');
    row.verdict = differences.length ? 'differs' : 'not billed';
    return result;
  }

  // Billed: a service that did not migrate is a charge Sonar makes and Splynx will not.
  for (const s of missing)
    diff(`${s.kind.entity} ${s.as.id}`, 'in Splynx, to be billed as Sonar bills it', 'not migrated (see the load’s errors.csv)');
  // Each service at its own next bill date, the total at the account's.
  const plans = migrated.map((s) => {
    const next = sonarNextBill(s.as, account);
    const start = serviceStart(s.as, account);
    const first = next && next > start ? next : start;
    const day = parseDay(first);
    const period = day === undefined ? undefined : periodOf(day, billingDay);
    const unit = sonarUnitCents(s.as, ctx.byId('services', s.as.service_id)!);
    const quantity = Number(s.as.quantity ?? 1);
    const expected = period ? periodCents(unit, day!, period.to, billingDay) * quantity : 0;
    return { ...s, next, first, to: period ? formatDay(period.to) : '', unit, quantity, expected, full: unit * quantity };
  });
  const undated = plans.filter((p) => !p.next || parseDay(p.first) === undefined);
  for (const p of undated)
    diff(`${p.kind.entity} ${p.as.id} period`, 'a next bill date in Sonar', 'none: Sonar does not say when it bills next');
  const dates = [...new Set(plans.filter((p) => !undated.includes(p)).map((p) => p.next!))].sort();
  const accountDate = (account.next_bill_date as string | null) || dates[0] || '';
  row.bill_date = accountDate;
  const previews = new Map(await Promise.all(dates.map(async (d) => [d, await preview(api, customer, d)] as const)));

  let periodsOk = undated.length === 0;
  let amountsOk = undated.length === 0;
  let splynxAtDate = 0;
  let splynxNetAtDate = 0;
  let splynxTax = 0;
  const seen = new Set<string>();
  for (const p of plans.filter((x) => !undated.includes(x))) {
    const key = `${p.kind.serviceType}:${p.splynxId}`;
    seen.add(key);
    const lines = (previews.get(p.next!)![p.kind.serviceType][p.splynxId!]?.debit ?? []).map(lineOf);
    const label = `${p.kind.entity} ${p.as.id}`;
    const net = lines.reduce((s, l) => s + l.netCents, 0);
    const total = lines.reduce((s, l) => s + l.totalCents, 0);
    if (p.next === accountDate) {
      splynxAtDate += total;
      splynxNetAtDate += net;
      splynxTax += total - net;
    }
    const from = lines.map((l) => l.from).sort()[0] ?? '';
    if (from) row.charged_from = [row.charged_from, from].filter(Boolean).sort()[0];
    const span = lines.map((l) => `${l.from} – ${l.to}`).join(', ');
    if (!lines.length) {
      periodsOk = false;
      diff(`${label} period`, `${p.first} – ${p.to} (from Sonar's next bill date)`, `nothing charged on ${p.next}: a gap`);
    } else if (from < p.next!) {
      periodsOk = false;
      diff(`${label} period`, `nothing before ${p.next} (Sonar billed it); ${p.first} – ${p.to}`, `${span}: charged again from ${from}`);
    } else if (lines.length !== 1 || from !== p.first || lines[0].to !== p.to) {
      periodsOk = false;
      diff(`${label} period`, `${p.first} – ${p.to}`, span);
    }
    if (lines.length && net !== p.expected) {
      amountsOk = false;
      diff(
        `${label} amount`,
        `${money(p.expected)} (${money(p.unit)} × ${p.quantity}${p.expected !== p.full ? `, prorated ${p.first} – ${p.to}` : ''})`,
        money(net),
      );
    }
  }
  // A charge for a service the check does not know (made by hand in Splynx, or of another account).
  for (const [d, p] of previews)
    for (const key of chargedKeys(p))
      if (!seen.has(key)) {
        amountsOk = false;
        diff(`${key.replace(':', ' service ')}`, 'no such charge (not a service Sonar bills on this account)', `charged on ${d}`);
      }

  // The total at the account's next bill date against what Sonar says it will charge then.
  const atDate = plans.filter((p) => p.next === accountDate);
  const full = atDate.reduce((s, p) => s + p.full, 0);
  const expectedFirst = atDate.reduce((s, p) => s + p.expected, 0);
  const parts: string[] = [];
  const reasons: string[] = [];
  const proration = expectedFirst - full;
  if (proration) {
    const sonarDay = accountDate ? dayOfMonth(parseDay(accountDate)!) : 0;
    parts.push(
      `proration ${money(proration)} (Splynx's first period runs from ${accountDate} to the end of its billing period on day ${billingDay}; Sonar bills on day ${sonarDay})`,
    );
    reasons.push('proration');
  }
  if (splynxTax) parts.push(`Splynx tax ${money(splynxTax)}`);
  let months = 1;
  try {
    const params = ctx.children('account_billing_parameters', 'account_id', accountId)[0];
    months = params ? billedMonths(params, ctx) : 1;
  } catch {
    months = 1;
  }
  if (months !== 1) {
    parts.push(`billing cycle ${money((months - 1) * full)} (Sonar bills ${months} months at a time, Splynx one: billing-cycle table)`);
    reasons.push('billing cycle');
  }
  // What Splynx charges then, as a whole cycle (its proration taken back out), against Sonar's next charge.
  const splynxCycle = splynxNetAtDate - proration;
  const gap = nrca - months * splynxCycle - splynxTax;
  if (gap) {
    const est = tax.estimate(
      accountId,
      atDate.map((p) => ({ serviceId: String(p.as.service_id), cents: p.full })),
      Math.round((gap + splynxTax) / months),
    );
    const sonarTax = est ? est.cents * months : null;
    // Splynx's own tax (none, as the tariffs are migrated) already stands against Sonar's in the gap.
    if (est && sonarTax !== null && Math.abs(gap - (sonarTax - splynxTax)) <= Math.max(1, est.taxedLines) * months) {
      parts.push(`tax ${money(gap)} (Sonar's, ${est.ratePercent}% from ${est.source}; Splynx's tariffs carry none)`);
      reasons.push('tax');
    } else {
      diff(
        'next_recurring_charge_amount',
        `${money(nrca)} (Sonar's next charge on ${accountDate})`,
        `${money(splynxAtDate)} from Splynx (${money(months * splynxCycle)} a cycle; Sonar's own services come to ${money(months * full)})${est ? ` + Sonar's tax about ${money(sonarTax!)}` : ' (Sonar’s tax rate unknown)'}; ${money(gap - (sonarTax ?? 0))} unexplained`,
      );
    }
  }
  const own = plans.filter((p) => p.next && p.next !== accountDate).map((p) => `${p.kind.entity} ${p.as.id} on ${p.next}`);
  if (own.length) row.note = `billed on their own next bill date: ${own.join(', ')}`;
  row.splynx_first_bill = money(splynxAtDate);
  row.explained = parts.join('; ');
  row.verdict = differences.length ? 'differs' : reasons.length ? 'explained' : 'ok';
  result.reasons = reasons;
  result.periodsOk = periodsOk;
  result.amountsOk = amountsOk;
  return result;
}

/** The verdict as a few lines, for the end of `npm run demo` and `migrate.ts verify`. */
export function firstBillLines(c: FirstBillFigures): string[] {
  const named = Object.entries(c.explained)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return [
    `First bill (handover ${c.handover}): ${c.customers} customers checked${c.unchanged !== undefined ? ` (those Sonar changed; ${c.unchanged} unchanged since, as the last full verify found them)` : ''}. ${c.billed} billed from Sonar's next bill date: periods match for ${c.periods_matching}, amounts per service for ${c.amounts_matching}; the first bill is Sonar's next charge to the cent for ${c.totals_equal}, and differs only by named reasons for ${c.explained_customers}${named ? ` (${named})` : ''}.`,
    `First bill: ${c.not_billed} not billed by Sonar (paused, ended or archived), ${c.not_billed_charged_nothing} of them charged nothing by Splynx.`,
    c.differing
      ? `First bill: ${c.differing} customer${c.differing === 1 ? '' : 's'} with unexplained differences (${c.difference_rows} rows, check first-bill in verify.csv).`
      : 'First bill: no unexplained difference.',
  ];
}
