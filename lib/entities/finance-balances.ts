/**
 * Opening balances, both sides, in integer cents: what each customer owes is their invoices minus
 * their payments. Sonar's side comes from the snapshot (invoices not void, payments that
 * succeeded); Splynx's from Splynx itself after the load (invoices not deleted, all payments), so
 * the comparison trusts nothing the loader wrote down. Positive means the customer owes; negative
 * is credit (a prepayment).
 *
 * Debits not yet invoiced in Sonar (`invoice_id` null: a recent truck roll) are owed but are not
 * part of an opening balance of invoices and payments; they are reported per account so the
 * analyst can bill them in Splynx, not hidden in a difference.
 */
import { decimalToCents } from '../clean/money.js';
import type { SplynxApi } from '../splynx/client.js';
import { customers as customerModule } from './customers.js';
import { invoiceTotalCents, invoices as invoiceModule } from './invoices.js';
import { paymentCounts, payments as paymentModule } from './payments.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { decimal, wholeCents } from './sonar-values.js';
import type { Row } from './types.js';

export interface BalanceRow {
  /** Sonar account id; empty for a Splynx customer that did not come from Sonar. */
  account_id: string;
  /** Splynx customer id; empty when the account has no customer in Splynx. */
  customer_id: string;
  sonar_cents: number;
  splynx_cents: number;
  difference_cents: number;
  /** The same three as decimals, for reading. */
  sonar: string;
  splynx: string;
  difference: string;
  /** Sonar debits not on any invoice yet: owed, outside the opening balance. */
  uninvoiced_cents: number;
  /** Sonar records of this account whose amount could not be read, so the Sonar side is not exact. */
  notes: string;
}

const add = (m: Map<string, number>, key: string, cents: number) => m.set(key, (m.get(key) ?? 0) + cents);

/** An amount in cents, or undefined (with a note) when the Sonar record's amount cannot be read. */
function readCents(row: Row, field: string, what: string, notes: Map<string, string[]>): number | undefined {
  try {
    return what === 'invoice' ? invoiceTotalCents(row) : wholeCents(row, field, what);
  } catch (e) {
    const account = String(row.account_id);
    notes.set(account, [...(notes.get(account) ?? []), `${(e as Error).message} (left out of the Sonar side)`]);
    return undefined;
  }
}

function sonarSide(tables: Record<string, Row[]>): { balances: Map<string, number>; notes: Map<string, string[]> } {
  const balances = new Map<string, number>();
  const notes = new Map<string, string[]>();
  for (const inv of tables.invoices ?? []) {
    if (inv.void === true) continue;
    const cents = readCents(inv, 'total_debits', 'invoice', notes);
    add(balances, String(inv.account_id), cents ?? 0);
  }
  for (const p of tables.payments ?? []) {
    if (!paymentCounts(p)) continue;
    const cents = readCents(p, 'amount', 'payment', notes);
    add(balances, String(p.account_id), -(cents ?? 0));
  }
  return { balances, notes };
}

/** Sonar: per account id, the invoices that are not void minus the payments that succeeded. */
export function sonarOpeningBalances(tables: Record<string, Row[]>): Map<string, number> {
  return sonarSide(tables).balances;
}

/** Sonar: per account id, debits not yet on an invoice (not reversed). */
export function sonarUninvoicedCharges(tables: Record<string, Row[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of tables.debits ?? []) {
    if (d.invoice_id || d.reversed === true) continue;
    const cents = Number(d.amount);
    if (Number.isInteger(cents)) add(out, String(d.account_id), cents);
  }
  return out;
}

/** Every row of a Splynx collection, a page at a time (Splynx documents no maximum page). */
export async function listAll<T>(api: SplynxApi, path: string, pageSize = 500): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await api.get<T[]>(path, { order: { id: 'ASC' }, limit: pageSize, offset });
    all.push(...page);
    if (page.length < pageSize) return all;
  }
}

/** Splynx: per customer id, the invoices that are not deleted minus every payment. */
export async function splynxOpeningBalances(api: SplynxApi): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const invoices = await listAll<{ customer_id: string; status: string; total: string }>(api, invoiceModule.endpoint);
  for (const inv of invoices) if (inv.status !== 'deleted') add(out, String(inv.customer_id), decimalToCents(inv.total));
  const payments = await listAll<{ customer_id: string; amount: string }>(api, paymentModule.endpoint);
  for (const p of payments) add(out, String(p.customer_id), -decimalToCents(p.amount));
  return out;
}

/**
 * Both sides per customer, matched through the customers' `sonar_id`: every account with an
 * invoice or payment in Sonar, and every Splynx customer with one in Splynx. Equal to the cent
 * means `difference_cents` is 0 on every row.
 */
export async function compareOpeningBalances(api: SplynxApi, tables: Record<string, Row[]>): Promise<BalanceRow[]> {
  const { balances: sonar, notes } = sonarSide(tables);
  const uninvoiced = sonarUninvoicedCharges(tables);
  const splynx = await splynxOpeningBalances(api);
  const customers = await listAll<{ id: string; additional_attributes?: Record<string, string> }>(api, customerModule.endpoint);
  const customerOf = new Map<string, string>();
  const accountOf = new Map<string, string>();
  for (const c of customers) {
    const sid = c.additional_attributes?.[SONAR_ID_FIELD];
    if (sid) (customerOf.set(sid, String(c.id)), accountOf.set(String(c.id), sid));
  }
  const rows: BalanceRow[] = [];
  const row = (account: string, customer: string): BalanceRow => {
    const s = account ? (sonar.get(account) ?? 0) : 0;
    const x = customer ? (splynx.get(customer) ?? 0) : 0;
    return {
      account_id: account,
      customer_id: customer,
      sonar_cents: s,
      splynx_cents: x,
      difference_cents: x - s,
      sonar: decimal(s),
      splynx: decimal(x),
      difference: decimal(x - s),
      uninvoiced_cents: account ? (uninvoiced.get(account) ?? 0) : 0,
      notes: (notes.get(account) ?? []).join('; '),
    };
  };
  for (const account of sonar.keys()) rows.push(row(account, customerOf.get(account) ?? ''));
  for (const customer of splynx.keys()) {
    const account = accountOf.get(customer) ?? '';
    if (!account || !sonar.has(account)) rows.push(row(account, customer));
  }
  return rows.sort(
    (a, b) => Number(a.account_id || Infinity) - Number(b.account_id || Infinity) || Number(a.customer_id) - Number(b.customer_id),
  );
}
