/**
 * What Sonar already billed → one zero-amount debit transaction per migrated customer service,
 * naming the service and the period Splynx must count as charged.
 *
 * Splynx charges a service from its start date, every period nothing covers (finance_settings.md
 * examples A and B); a debit transaction that names the service (`service_id`, `service_type`) and
 * a period (`period_from`, `period_to`) covers those days (operations.md, "Charged periods are
 * transactions"). Services keep their real start dates (a future start date could keep a
 * subscriber from authorising until then, and would lose the service's history), so this
 * transaction is what stops Splynx's first billing run from charging years again.
 *
 * | Sonar                                         | Splynx transaction                         | note                                          |
 * |-----------------------------------------------|--------------------------------------------|-----------------------------------------------|
 * | `account_services.id`                         | `additional_attributes.sonar_id`           | the natural key: one per account service      |
 * | `account_id`                                  | `customer_id`                              | via the migrated customers                    |
 * | the migrated service (by its service's type)  | `service_id`, `service_type` (`internet`, `custom`, `voice`) | |
 * | `addition_prorate_date`, else the account's `activation_date` | `period_from`               | the service's start date in Splynx            |
 * | billed: `next_bill_date` (else the account's) − 1 day | `period_to`                        | Splynx charges from Sonar's next bill date on |
 * | paused or ended (account-status `services`, or archived): the day before the handover | `period_to` = the end of its Splynx billing period | nothing is ever charged (the period of an end date is charged in full) |
 * | —                                             | `type = debit`, `quantity = 1`, `price = 0.00`, `tax_percent = 0.00` | no money: the balance is untouched |
 * | —                                             | `date` = `period_to`, `category = 1`       | the last day covered; 1 is "Service", the category Splynx's own charge run uses for tariffs without one |
 * | —                                             | `description`                              | "Billed in Sonar through 2026-01-31; not charged again by Splynx" |
 *
 * Exactly once: the ledger and the `sonar_id` find it again; a moved next bill date (a delta) or a
 * new handover changes `period_to`, which is an update (PUT) of the same transaction, never a
 * second one. A billed service that starts on or after its next bill date has nothing covered and
 * is not selected. Sonar dates that contradict each other (a billed account without a next bill
 * date; a service next billed before its account) are data error rows: the first-bill check in
 * verify then shows what Splynx would charge.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { serviceKindOf } from './customer-services.js';
import { accountDecision, coverageOf, serviceStart, sonarNextBill } from './service-billing.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import type { EntityModule, Row, TransformContext } from './types.js';

const ENDPOINT = 'admin/finance/transactions';
/** Splynx's "Service" transaction category on a fresh instance; its charge run uses it for tariffs that name none (ours). */
const SERVICE_CATEGORY = '1';

const id = z.string().regex(/^\d+$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const payload = z
  .object({
    type: z.literal('debit'),
    customer_id: id,
    service_id: id,
    service_type: z.enum(['internet', 'custom', 'voice']),
    period_from: date,
    period_to: date,
    date,
    quantity: z.literal(1),
    price: z.literal('0.00'),
    tax_percent: z.literal('0.00'),
    category: id,
    description: z.string().min(1).max(SPLYNX_LIMITS.transactions.description),
    additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
  })
  .refine((p) => p.period_from <= p.period_to, { message: 'period_from is after period_to', path: ['period_to'] });
type Payload = z.infer<typeof payload>;

/** A billed service that starts on or after Sonar's next bill date: Sonar has billed none of it. */
function nothingBilledYet(as: Row, ctx: TransformContext): boolean {
  try {
    const account = ctx.byId('accounts', as.account_id);
    if (accountDecision(account, ctx).decision !== 'billed') return false;
    const next = sonarNextBill(as, account);
    // A service next billed before its account contradicts it: selected, so the transform reports it.
    if (as.next_bill_date && account?.next_bill_date && String(as.next_bill_date) < String(account.next_bill_date)) return false;
    return !!next && next <= serviceStart(as, account);
  } catch {
    // What cannot be decided is selected, so the transform reports it.
    return false;
  }
}

export const billingCoverage: EntityModule<Payload> = {
  name: 'billing_coverage',
  phase: 'finance',
  source: 'account_services',
  endpoint: ENDPOINT,
  dependsOn: ['customers', 'internet_services', 'recurring_services', 'voice_services'],
  payload: payload as unknown as z.ZodType<Payload>,
  // Only account services that became a Splynx service: one-time charges are not services, and an
  // orphan (no service in the snapshot) is already reported by internet_services.
  select: (as, ctx) => serviceKindOf(as, ctx) !== null && !nothingBilledYet(as, ctx),
  transform(as, ctx) {
    const kind = serviceKindOf(as, ctx)!;
    const customer = ctx.ref('customers', as.account_id);
    const service = ctx.ref(kind.entity, as.id);
    const c = coverageOf(as, ctx)!;
    return {
      type: 'debit' as const,
      customer_id: customer,
      service_id: service,
      service_type: kind.serviceType,
      period_from: c.from,
      period_to: c.to,
      date: c.to,
      quantity: 1 as const,
      price: '0.00' as const,
      tax_percent: '0.00' as const,
      category: SERVICE_CATEGORY,
      description: c.description,
      additional_attributes: { [SONAR_ID_FIELD]: String(as.id) },
    };
  },
};
