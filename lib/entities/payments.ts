/**
 * Sonar payments → Splynx payments.
 *
 * | Sonar                          | Splynx                         | note                                                  |
 * |--------------------------------|--------------------------------|-------------------------------------------------------|
 * | `account_id`                   | `customer_id`                  | via the migrated customers                            |
 * | `amount` (cents)               | `amount` (decimal string)      | the whole payment, applied or not                     |
 * | `payment_datetime`             | `date`                         | the day in the Splynx instance's timezone             |
 * | `payment_type`                 | `payment_type`                 | mapping table `payment-type` → a Splynx payment method id |
 * | `id`                           | `receipt_number`, `additional_attributes.sonar_id` | the Sonar payment number staff know |
 * | `reference`, `description`     | `comment`                      | "Reference 5381; Prepayment"                          |
 *
 * No place in Splynx, left in Sonar's export: `amount_remaining` (an unapplied prepayment is simply
 * deposit in Splynx, which the balance already reflects), `company_id` (the customer's partner
 * says it), card/bank/processor details, fees, and which invoices the payment was applied to
 * (Sonar's `credits`, not in the snapshot). Refunds, reversals and voids live in other Sonar tables
 * that the snapshot does not read.
 *
 * Failed payments (`successful = false`) moved no money and have no Splynx equivalent: they are not
 * selected. A payment still `PENDING` is refused with a suggestion rather than guessed at.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { decimal, localDatetime, wholeCents } from './sonar-values.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

/** Sonar's PaymentType enum, in full, so a type that appears later already has a row. */
export const SONAR_PAYMENT_TYPES = ['CREDITCARD', 'BANKACCOUNT', 'CASH', 'WIRE', 'CHECK', 'OTHER', 'PAYPAL'] as const;

const payload = z.object({
  customer_id: z.string().regex(/^\d+$/),
  payment_type: z.string().regex(/^\d+$/),
  receipt_number: z.string().min(1).max(SPLYNX_LIMITS.payments.receipt_number),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  amount: z.string().regex(/^\d+\.\d{2}$/),
  comment: z.string().max(SPLYNX_LIMITS.payments.comment),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

/** Payments that moved money (or may have): the ones Sonar's balance counts, plus pending ones to report. */
export function paymentCounts(p: Row): boolean {
  return p.successful === true && p.status !== 'FAILED';
}

/**
 * A first guess at the Splynx payment method, against a fresh Splynx's methods (1 Cash, 2 Bank
 * transfer, 3 Credit card, 5 Other, 6 Refill card). Sonar's checks and PayPal have no own method
 * there: the reason says to create one and put its id in the table.
 */
export function proposePaymentMethod(type: string): [string, string] {
  switch (type) {
    case 'CASH':
      return ['1', 'Cash is payment method 1 on a fresh Splynx'];
    case 'BANKACCOUNT':
      return ['2', 'an ACH/bank debit is a bank transfer (method 2)'];
    case 'WIRE':
      return ['2', 'a wire is a bank transfer (method 2)'];
    case 'CREDITCARD':
      return ['3', 'Credit card is payment method 3 on a fresh Splynx'];
    case 'CHECK':
      return [
        '5',
        'Splynx has no "Check" method by default: create one (Config → Finance → Payment methods) and put its id here, or keep Other (5)',
      ];
    case 'PAYPAL':
      return ['5', 'Splynx has no "PayPal" method by default: create one and put its id here, or keep Other (5)'];
    default:
      return ['5', `"${type}" has no matching method: Other (5)`];
  }
}

export const payments: EntityModule<Payload> = {
  name: 'payments',
  phase: 'finance',
  source: 'payments',
  endpoint: 'admin/finance/payments',
  dependsOn: ['customers'],
  payload,
  // Failed attempts moved no money: nothing to carry. Pending ones are selected, to be reported.
  select: (p) => paymentCounts(p) || p.status === 'PENDING',
  transform(p, ctx) {
    if (p.status === 'PENDING') {
      throw new TransformError(
        `payment ${p.id} is still pending in Sonar`,
        'status',
        'Wait until it succeeds or fails in Sonar, take a new snapshot and run again',
      );
    }
    const cents = wholeCents(p, 'amount', 'payment');
    if (cents <= 0) {
      throw new TransformError(
        `payment ${p.id} is for ${decimal(cents)}; Splynx payments are positive`,
        'amount',
        'A refund or correction belongs in Splynx as a credit note or transaction: enter it by hand and register it with register-external',
      );
    }
    const comment = [p.reference ? `Reference ${String(p.reference).trim()}` : '', String(p.description ?? '').trim()]
      .filter(Boolean)
      .join('; ');
    return {
      customer_id: ctx.ref('customers', p.account_id),
      payment_type: ctx.mapping('payment-type').lookup(p.payment_type),
      receipt_number: String(p.id),
      date: localDatetime(p, 'payment_datetime', 'payment', ctx.timezone).slice(0, 10),
      amount: decimal(cents),
      comment,
      additional_attributes: { [SONAR_ID_FIELD]: String(p.id) },
    };
  },
  mappings: [
    {
      name: 'payment-type',
      propose: (ctx: TransformContext) =>
        SONAR_PAYMENT_TYPES.map((type) => {
          const [value, reason] = proposePaymentMethod(type);
          const records = (ctx.tables.payments ?? []).filter((p) => p.payment_type === type && paymentCounts(p)).length;
          return { sonar_id: type, sonar_value: type, splynx_value: value, reason, records: String(records) };
        }),
    },
  ],
};

export const MAPPING_SPECS = {
  // Ids, checked against Splynx by checkLookupMappings (lib/entities/splynx-lookups.ts).
  'payment-type': { name: 'payment-type', describes: 'Splynx payment method id' },
} as const;
