/**
 * `POST admin/finance/to-bill/{customer_id}--preview|--generate {toBillDate, transactionDate, period}`
 * (blueprint "To charge invoice", L4483+; "ToBill Create", L4978): the store read into the pure
 * charge engine (charge.ts), and for `--generate` its lines written as debit transactions and an
 * invoice. A preview writes nothing: it only reads.
 */
import type { Reply } from '../../http.js';
import type { CrudEngine } from '../crud.js';
import type { FieldError } from '../entity.js';
import { created, invalid } from '../replies.js';
import { model } from '../model/index.js';
import type { Row, SplynxStore } from '../store.js';
import { isBlank } from '../validate.js';
import { formatDay, parseDay } from './calendar.js';
import { chargeCustomer, SERVICE_KINDS, toBillResult, type ChargeInput, type ChargeLine, type ChargeRequest } from './charge.js';
import { KIND_TABLES } from './kinds.js';

/** Splynx's "Service" transaction category on a fresh install (seed.ts), for tariffs that name none. */
const DEFAULT_CATEGORY = 1;

/**
 * The body, strictly: the blueprint marks none of the three required, but a charge run whose date
 * or prepaid months were guessed could bill the wrong periods, so the sandbox asks for toBillDate
 * and period; transactionDate defaults to toBillDate.
 */
export function parseToBill(body: Record<string, unknown>): { request: ChargeRequest } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const toBillDate = String(body.toBillDate ?? '');
  if (isBlank(body.toBillDate)) errors.push({ field: 'toBillDate', message: 'To Bill Date cannot be blank.' });
  else if (parseDay(toBillDate) === undefined) errors.push({ field: 'toBillDate', message: 'The format of To Bill Date is invalid.' });
  const transactionDate = isBlank(body.transactionDate) ? toBillDate : String(body.transactionDate);
  if (!isBlank(body.transactionDate) && parseDay(transactionDate) === undefined)
    errors.push({ field: 'transactionDate', message: 'The format of Transaction Date is invalid.' });
  const period = Number(body.period);
  if (isBlank(body.period)) errors.push({ field: 'period', message: 'Period cannot be blank.' });
  else if (!/^\d+$/.test(String(body.period).trim()) || period > 12)
    errors.push({ field: 'period', message: 'Period must be 0 (postpay) or a number of prepaid months from 1 to 12.' });
  return errors.length ? { errors } : { request: { toBillDate, transactionDate, period } };
}

function taxPercent(store: SplynxStore, tariff: Row | undefined): number {
  const taxId = Number(tariff?.tax_id ?? 0);
  const tax = taxId ? store.get('taxes', taxId) : undefined;
  return Number(tax ? tax.rate : (tariff?.vat_percent ?? 0));
}

/** What the engine needs of one customer, read from the store. */
/** Through the store's index: a preview per customer of a large Splynx must not read every row. */
const ofCustomer = (store: SplynxStore, table: string, customerId: number) =>
  store
    .byValue(table, 'customer_id', customerId)
    .filter((r) => r.customer_id === customerId)
    .sort((a, b) => a.id - b.id);

export function chargeInput(store: SplynxStore, customerId: number): ChargeInput {
  const billing = store.get('customer_billing', customerId);
  const services = SERVICE_KINDS.flatMap((kind) =>
    ofCustomer(store, KIND_TABLES[kind].services, customerId).map((s) => {
      const tariff = store.get(KIND_TABLES[kind].tariffs, s.tariff_id);
      return {
        kind,
        id: s.id,
        status: String(s.status),
        description: String(s.description ?? ''),
        quantity: Number(s.quantity ?? 1),
        unit: String(s.unit ?? ''),
        // A row stored without a price (none is, since service-price.ts) would bill its tariff's.
        unit_price: isBlank(s.unit_price) ? Number(tariff?.price ?? 0) : Number(s.unit_price),
        start_date: String(s.start_date ?? ''),
        end_date: String(s.end_date ?? ''),
        tariff: {
          price: Number(tariff?.price ?? 0),
          with_vat: Number(tariff?.with_vat ?? 0) === 1,
          tax_percent: taxPercent(store, tariff),
          tax_id: Number(tariff?.tax_id ?? 0),
          category: Number(tariff?.transaction_category_id ?? 0) || DEFAULT_CATEGORY,
        },
      };
    }),
  );
  const transactions = ofCustomer(store, 'transactions', customerId).map((t) => ({
    type: String(t.type),
    service_id: Number(t.service_id ?? 0),
    service_type: String(t.service_type ?? ''),
    period_from: String(t.period_from ?? ''),
    period_to: String(t.period_to ?? ''),
  }));
  return {
    billingDay: Number(billing?.billing_date ?? 1),
    billingEnabled: Number(billing?.enabled ?? 1) === 1,
    services,
    transactions,
  };
}

const money = (cents: number) => cents / 100;

/**
 * Writes a run's lines: one invoice (unless the customer's billing says not to make invoices) and one
 * debit transaction per line, naming the service and the period so the next run skips them.
 * Totals are the engine's, to the cent, so the stored records say exactly what the preview showed.
 */
function generate(engine: CrudEngine, customerId: number, request: ChargeRequest, lines: ChargeLine[]): { id: string; number: string } {
  if (!lines.length) return { id: '', number: '' };
  const ctx = engine.context();
  const store = engine.store;
  const billing = store.get('customer_billing', customerId);
  const totalCents = lines.reduce((s, l) => s + l.total_cents, 0);
  let invoice: Row | undefined;
  if (Number(billing?.make_invoices ?? 1) === 1) {
    const dueDays = Number(billing?.billing_due ?? 0);
    invoice = ctx.create('invoices', {
      customer_id: customerId,
      status: 'not_paid',
      type: 'recurring',
      use_transactions: '1',
      date_created: request.transactionDate,
      date_till: formatDay(parseDay(request.transactionDate)! + dueDays),
      items: lines.map((l) => ({
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        price: l.price4 / 10_000,
        tax: l.tax_percent,
        period_from: l.from,
        period_to: l.to,
        categoryIdForTransaction: l.category,
      })),
    });
    invoice = { ...invoice, total: money(totalCents), due: money(totalCents) };
    store.replace('invoices', invoice);
  }
  for (const l of lines) {
    const tx = ctx.create('transactions', {
      type: 'debit',
      customer_id: customerId,
      quantity: l.quantity,
      unit: l.unit,
      price: l.price4 / 10_000,
      tax_percent: l.tax_percent,
      tax_id: l.tax_id,
      date: l.date,
      category: l.category,
      description: l.description,
      period_from: l.from,
      period_to: l.to,
      service_id: l.service_id,
      service_type: l.kind,
      source: 'auto',
      invoice_id: invoice?.id ?? 0,
    });
    store.replace('transactions', { ...tx, total: money(l.total_cents) });
  }
  return invoice ? { id: String(invoice.id), number: String(invoice.number) } : { id: '', number: '' };
}

export function toBill(engine: CrudEngine, customerId: number, action: 'preview' | 'generate', body: Record<string, unknown>): Reply {
  const customers = model('customers');
  if (!engine.find(customers, customerId)) return engine.missing(customers, customerId);
  const parsed = parseToBill(body);
  if ('errors' in parsed) return invalid(parsed.errors);
  const lines = chargeCustomer(chargeInput(engine.store, customerId), parsed.request);
  const invoice = action === 'generate' ? generate(engine, customerId, parsed.request, lines) : { id: '', number: '' };
  return created({ result: toBillResult(lines), invoice });
}
