/**
 * The last few monthly invoices of every billed account, their debit lines and the payments
 * against them. Totals agree: `total_debits` is the sum of the invoice's debits, `total_taxes`
 * the sales tax on its taxable lines, and `remaining_due` what payments have not covered.
 */
import type { AccountFacts } from './accounts.js';
import { addDays, addMonths, DAY_MS, formatDate, formatDatetime, HOUR_MS } from './clock.js';
import type { GenContext } from './context.js';
import { billsMonthly, lineAmount, lineTax } from './pricing.js';
import type { ServiceCatalog, ServiceRef } from './services.js';

interface Line {
  service: ServiceRef;
  name: string;
  quantity: number;
  amount: number;
  tax: number;
  periodic: boolean;
}

const MANUAL_PAYMENT_TYPES = [
  ['CREDITCARD', 45],
  ['CHECK', 20],
  ['CASH', 8],
  ['BANKACCOUNT', 10],
  ['PAYPAL', 10],
  ['WIRE', 2],
  ['OTHER', 5],
] as const;

function linesFor(ctx: GenContext, services: ServiceCatalog, account: AccountFacts, invoiceDay: number): Line[] {
  const lines: Line[] = [];
  const rate = account.region.taxRate;
  for (const fact of account.services) {
    if (!billsMonthly(fact) || fact.addedDay === null || fact.addedDay > invoiceDay) continue;
    const amount = lineAmount(fact);
    lines.push({
      service: fact.service,
      name: fact.name,
      quantity: fact.quantity,
      amount,
      tax: lineTax(amount, fact.service.taxable, rate, account.taxExempt),
      periodic: true,
    });
  }
  // The first invoice after activation carries the installation (waived on promotions).
  if (account.activationDay !== null && invoiceDay - account.activationDay < 31 * DAY_MS && lines.length) {
    const install = services.byName.get(ctx.rng.chance(0.6) ? 'Installation' : 'Installation - Waived')!;
    lines.push({ service: install, name: install.name, quantity: 1, amount: install.amount, tax: 0, periodic: false });
  }
  return lines;
}

function reference(ctx: GenContext, type: string): string | null {
  if (type === 'CHECK') return String(ctx.rng.int(1001, 9999));
  if (type === 'WIRE' || type === 'PAYPAL') return ctx.faker.string.alphanumeric({ length: type === 'WIRE' ? 10 : 17, casing: 'upper' });
  return null;
}

function insertPayment(
  ctx: GenContext,
  account: AccountFacts,
  atMs: number,
  amount: number,
  applied: number,
  type: string,
  successful: boolean,
): void {
  ctx.t.insert(
    'payments',
    atMs,
    {
      account_id: account.id,
      amount,
      amount_remaining: successful ? amount - applied : 0,
      company_id: account.companyId,
      payment_datetime: formatDatetime(atMs),
      payment_type: type,
      reference: reference(ctx, type),
      successful,
      status: successful ? 'SUCCEEDED' : 'FAILED',
      description: successful && amount > applied ? 'Prepayment' : null,
    },
    atMs,
  );
}

/** Pays (or not) an invoice; returns what is still due. */
function settle(
  ctx: GenContext,
  account: AccountFacts,
  invoiceMs: number,
  dueDay: number,
  total: number,
  mustStayUnpaid: boolean,
): { remaining: number; attempts: number } {
  const { rng } = ctx;
  if (total === 0) return { remaining: 0, attempts: 0 };
  const overdue = dueDay < ctx.referenceDay;
  const fate = mustStayUnpaid
    ? 'unpaid'
    : account.autopay
      ? 'paid'
      : overdue
        ? rng.weighted([
            ['paid', 97],
            ['partial', 2],
            ['unpaid', 1],
          ] as const)
        : rng.weighted([
            ['paid', 50],
            ['unpaid', 50],
          ] as const);
  if (fate === 'unpaid') return { remaining: total, attempts: 0 };
  const type = account.autopay
    ? rng.weighted([
        ['CREDITCARD', 75],
        ['BANKACCOUNT', 25],
      ] as const)
    : rng.weighted(MANUAL_PAYMENT_TYPES);
  const latest = Math.min(dueDay + 20 * HOUR_MS, ctx.referenceMs);
  let atMs = account.autopay ? invoiceMs + HOUR_MS : rng.float(invoiceMs + HOUR_MS, Math.max(invoiceMs + HOUR_MS, latest));
  let attempts = account.autopay ? 1 : 0;
  if (account.autopay && rng.chance(0.02)) {
    insertPayment(ctx, account, atMs, total, 0, type, false);
    atMs += 3 * DAY_MS;
    attempts++;
  }
  const applied = fate === 'partial' ? Math.round(total * rng.float(0.2, 0.8)) : total;
  const overpaid = fate === 'paid' && rng.chance(0.02) ? rng.pick([500, 1000, 2000, 5000]) : 0;
  insertPayment(ctx, account, Math.min(atMs, ctx.referenceMs), applied + overpaid, applied, type, true);
  return { remaining: total - applied, attempts };
}

function insertInvoice(ctx: GenContext, account: AccountFacts, invoiceDay: number, lines: Line[], mustStayUnpaid: boolean): void {
  const { rng, t } = ctx;
  const invoiceMs = invoiceDay + rng.float(6, 9) * HOUR_MS;
  const dueDay = addDays(invoiceDay, account.dueDays);
  const totalDebits = lines.reduce((sum, l) => sum + l.amount, 0);
  const totalTaxes = lines.reduce((sum, l) => sum + l.tax, 0);
  const voided = rng.chance(0.005);
  const invoice = t.insert('invoices', invoiceMs, {
    account_id: account.id,
    company_id: account.companyId,
    date: formatDate(invoiceDay),
    due_date: formatDate(dueDay),
    end_date: formatDate(addDays(addMonths(invoiceDay, 1), -1)),
    status: 'COMPLETE',
    total_debits: totalDebits,
    total_taxes: totalTaxes,
    remaining_due: 0,
    void: voided,
    delinquent: false,
    number_of_months: 1,
    auto_pay_attempts: 0,
    child_invoice_remaining_due: 0,
    frozen: false,
    late_fee_applied: false,
    late_fee_only: false,
    pending_email: false,
    tax_committed: true,
    message: rng.chance(0.05) ? 'Thank you for your business!' : null,
  });
  const periodEnd = formatDate(addDays(addMonths(invoiceDay, 1), -1));
  for (const line of lines) {
    t.insert(
      'debits',
      invoiceMs - HOUR_MS,
      {
        account_id: account.id,
        amount: line.amount,
        company_id: account.companyId,
        description: line.periodic ? `${line.name} (${formatDate(invoiceDay)} - ${periodEnd})` : line.name,
        invoice_id: invoice.id,
        number_of_months: 1,
        quantity: line.quantity,
        reversed: false,
        service_id: line.service.id,
        service_name: line.name,
        type: line.service.type,
      },
      invoiceMs - HOUR_MS,
    );
  }
  if (voided) return;
  const { remaining, attempts } = settle(ctx, account, invoiceMs, dueDay, totalDebits + totalTaxes, mustStayUnpaid);
  invoice.remaining_due = remaining;
  invoice.auto_pay_attempts = attempts;
  invoice.delinquent = remaining > 0 && dueDay < ctx.referenceDay;
  invoice.late_fee_applied = invoice.delinquent && rng.chance(0.3);
}

/** One-time charges not yet invoiced (`invoice_id` null): a recent truck roll or late fee. */
function insertUnbilledCharge(ctx: GenContext, services: ServiceCatalog, account: AccountFacts): void {
  const service = services.byName.get(ctx.rng.pick(['Truck Roll', 'Late Fee', 'Reconnection Fee']))!;
  const atMs = ctx.referenceMs - ctx.rng.float(1, 20) * DAY_MS;
  ctx.t.insert(
    'debits',
    atMs,
    {
      account_id: account.id,
      amount: service.amount,
      company_id: account.companyId,
      description: null,
      invoice_id: null,
      number_of_months: 1,
      quantity: 1,
      reversed: false,
      service_id: service.id,
      service_name: service.name,
      type: service.type,
    },
    atMs,
  );
}

export function generateFinance(ctx: GenContext, services: ServiceCatalog, accounts: AccountFacts[]): void {
  const { rng } = ctx;
  for (const account of accounts) {
    // Accounts billed now, and those paused for non-payment or on request, have recent invoices;
    // accounts that left have their history in an older Sonar (none is generated for them).
    const paused = account.lifecycle === 'suspended' || account.lifecycle === 'delinquent';
    const anchor = account.nextBillDay ?? (paused ? account.cycleDay : null);
    if (anchor === null || account.activationDay === null || !account.services.length) continue;
    const history = rng.weighted([
      [1, 35],
      [2, 40],
      [3, 25],
    ] as const);
    for (let k = history; k >= 1; k--) {
      const invoiceDay = addMonths(anchor, -k);
      if (invoiceDay < account.activationDay) continue;
      const lines = linesFor(ctx, services, account, invoiceDay);
      if (lines.length) insertInvoice(ctx, account, invoiceDay, lines, account.lifecycle === 'delinquent' && k <= 2);
    }
    if (rng.chance(0.02)) insertUnbilledCharge(ctx, services, account);
  }
}
