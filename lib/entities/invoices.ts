/**
 * Sonar invoices (with their debits as lines) → Splynx invoices.
 *
 * | Sonar                                   | Splynx                          | note                                                    |
 * |-----------------------------------------|---------------------------------|---------------------------------------------------------|
 * | `account_id`                            | `customer_id`                   | via the migrated customers                              |
 * | `id`                                    | `number`, `additional_attributes.sonar_id` | Sonar has no invoice number: its id is the number customers saw |
 * | `void`                                  | `status = deleted`              | kept for the history, owes nothing                      |
 * | `remaining_due` = 0 / > 0               | `status = paid` / `not_paid`    | a partly paid invoice is `not_paid` (see below)         |
 * | `date`                                  | `date_created`                  |                                                         |
 * | `due_date`                              | `date_till`                     |                                                         |
 * | `date` … `end_date`                     | each periodic line's `period_from`/`period_to` | one-time lines carry no period           |
 * | `message`                               | `note`                          | printed on the invoice                                  |
 * | (always)                                | `use_transactions = 1`, `is_sent = 1` | the invoice books its lines as transactions; it was sent from Sonar |
 * | `id`, the period                        | `memo`                          | "Sonar invoice N, period … to …": internal             |
 * | debits: `description` (else `service_name`) | `items[].description`       |                                                         |
 * | debits: `amount` (cents, line total), `quantity` | `items[].price` × `items[].quantity` | unit price when the total divides evenly, else quantity 1 at the line total, so the total stays exact |
 * | `total_taxes` (cents)                   | one `items[]` line "Sales tax"  | Sonar's tax is per invoice here, not a rate per line: a percentage on each line could not reproduce it to the cent |
 * | debit `type` RECURRING/DATA/VOICE/…     | `type = recurring`, else `one_time` |                                                     |
 *
 * Always sent: `use_transactions = 1` (the lines become charges, so the customer's Splynx balance
 * owes what the invoice says) and `is_sent = 1` (Sonar already sent it; Splynx must not again).
 *
 * No place in Splynx, left in Sonar's export: `delinquent`, `late_fee_applied`, `auto_pay_attempts`,
 * `frozen`, `number_of_months`, `tax_committed`, `child_invoice_remaining_due`, Sonar's creation
 * `status` phase. Which payment paid which invoice (Sonar's `credits`) is not in the snapshot, so a
 * partly paid invoice shows its full total as due in Splynx; the customer's balance is still right,
 * because it is invoices minus payments (lib/entities/finance-balances.ts checks it to the cent).
 *
 * Refused into the error table: an invoice without lines (Splynx needs one), one whose debits do not
 * add up to `total_debits`, and one with a reversed debit (the reversal is a Sonar discount, which
 * the snapshot does not carry, so the balance would be wrong).
 *
 * Not updatable: Splynx matches invoice lines by their Splynx item id on PUT and adds lines it does
 * not know, so re-sending the lines would double the invoice. A changed invoice is skipped; its
 * status follows through `invoice_status` (lib/entities/invoice-status.ts).
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { byId, decimal, sonarDate, wholeCents } from './sonar-values.js';
import { TransformError, type EntityModule, type Row } from './types.js';

export const INVOICE_STATUSES = ['not_paid', 'paid', 'deleted'] as const;
/** Debit types billed for a period (everything but one-time charges and adjustments). */
const PERIODIC = new Set(['RECURRING', 'DATA', 'VOICE', 'EXPIRING', 'OVERAGE']);

const id = z.string().regex(/^\d+$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const amount = z.string().regex(/^-?\d+\.\d{2}$/);
const item = z.object({
  description: z.string().trim().min(1).max(SPLYNX_LIMITS.invoice_items.description),
  quantity: z.number().int().min(1),
  price: amount,
  tax: z.literal(0),
  period_from: date.optional(),
  period_to: date.optional(),
});
const payload = z.object({
  customer_id: id,
  number: z.string().min(1).max(SPLYNX_LIMITS.invoices.number),
  status: z.enum(INVOICE_STATUSES),
  date_created: date,
  date_till: date,
  type: z.enum(['one_time', 'recurring']),
  use_transactions: z.literal('1'),
  is_sent: z.literal('1'),
  note: z.string().max(SPLYNX_LIMITS.invoices.note),
  memo: z.string().max(SPLYNX_LIMITS.invoices.memo),
  items: z.array(item).min(1),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;
type Item = z.infer<typeof item>;

/** Paid, not paid or deleted, from Sonar's void flag and what is left to pay. */
export function invoiceStatus(invoice: Row): (typeof INVOICE_STATUSES)[number] {
  if (invoice.void === true) return 'deleted';
  return wholeCents(invoice, 'remaining_due', 'invoice') > 0 ? 'not_paid' : 'paid';
}

/** What the invoice asks for, in cents: its lines plus its taxes. */
export function invoiceTotalCents(invoice: Row): number {
  return wholeCents(invoice, 'total_debits', 'invoice') + wholeCents(invoice, 'total_taxes', 'invoice');
}

function line(debit: Row, from: string, to: string): Item {
  const cents = wholeCents(debit, 'amount', 'debit');
  const quantity = Number(debit.quantity ?? 1);
  const even = Number.isInteger(quantity) && quantity >= 1 && cents % quantity === 0;
  const text = String(debit.description ?? '').trim() || String(debit.service_name ?? '').trim() || `Sonar debit ${debit.id}`;
  return {
    description: even || quantity === 1 ? text : `${text} (× ${quantity})`,
    quantity: even ? quantity : 1,
    price: decimal(even ? cents / quantity : cents),
    tax: 0,
    ...(PERIODIC.has(String(debit.type)) ? { period_from: from, period_to: to } : {}),
  };
}

export const invoices: EntityModule<Payload> = {
  name: 'invoices',
  phase: 'finance',
  source: 'invoices',
  endpoint: 'admin/finance/invoices',
  dependsOn: ['customers'],
  payload,
  updatable: false,
  transform(invoice, ctx) {
    const debits = [...ctx.children('debits', 'invoice_id', invoice.id)].sort(byId);
    if (!debits.length) {
      throw new TransformError(
        `invoice ${invoice.id} has no debit lines; Splynx needs at least one`,
        'items',
        'It owes nothing by itself: leave it out, or add the missing lines in Sonar and take a new snapshot',
      );
    }
    const reversed = debits.filter((d) => d.reversed === true);
    // A void invoice owes nothing either way, so its reversals do not matter.
    if (reversed.length && invoice.void !== true) {
      throw new TransformError(
        `invoice ${invoice.id} has reversed debits (${reversed.map((d) => d.id).join(', ')}); the discount that reverses them is not in the snapshot`,
        'items',
        'Create the invoice in Splynx by hand with a credit note for the reversal, then register it with register-external',
      );
    }
    const lines = debits.reduce((sum, d) => sum + wholeCents(d, 'amount', 'debit'), 0);
    const totalDebits = wholeCents(invoice, 'total_debits', 'invoice');
    if (lines !== totalDebits) {
      throw new TransformError(
        `invoice ${invoice.id}: its debits add up to ${decimal(lines)} but total_debits is ${decimal(totalDebits)}`,
        'total_debits',
        'Take a new snapshot (a debit may have been added while it ran); if it persists, correct the invoice in Sonar',
      );
    }
    const from = sonarDate(invoice, 'date', 'invoice');
    const to = sonarDate(invoice, 'end_date', 'invoice');
    const items = debits.map((d) => line(d, from, to));
    const taxes = wholeCents(invoice, 'total_taxes', 'invoice');
    if (taxes !== 0) items.push({ description: 'Sales tax', quantity: 1, price: decimal(taxes), tax: 0 });
    return {
      customer_id: ctx.ref('customers', invoice.account_id),
      number: String(invoice.id),
      status: invoiceStatus(invoice),
      date_created: from,
      date_till: sonarDate(invoice, 'due_date', 'invoice'),
      type: debits.some((d) => PERIODIC.has(String(d.type))) ? 'recurring' : 'one_time',
      use_transactions: '1',
      is_sent: '1',
      note: String(invoice.message ?? '').trim(),
      memo: `Sonar invoice ${invoice.id}, period ${from} to ${to}`,
      items,
      additional_attributes: { [SONAR_ID_FIELD]: String(invoice.id) },
    };
  },
};
