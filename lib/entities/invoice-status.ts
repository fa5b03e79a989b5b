/**
 * The status of an invoice already in Splynx, kept in step with Sonar on later runs.
 *
 * | Sonar                        | Splynx                 | note                                      |
 * |------------------------------|------------------------|-------------------------------------------|
 * | `id`                         | `invoice_id`, the invoice PUT to | via the migrated invoices        |
 * | `void`, `remaining_due`      | `status` (PUT)         | paid / not_paid / deleted, as `invoices` |
 *
 * `invoices` cannot be updated (a PUT of its lines would add them again), so an invoice paid or
 * voided in Sonar after the first load would stay `not_paid` in Splynx. This attach-only entity
 * PUTs just the status, which is idempotent: once per invoice on the first run (the same value),
 * then only when Sonar's status changes. The balance does not depend on it (invoices minus
 * payments), only what the customer portal shows as due.
 */
import { z } from 'zod';
import { INVOICE_STATUSES, invoices, invoiceStatus } from './invoices.js';
import type { EntityModule } from './types.js';

const payload = z.object({
  invoice_id: z.string().regex(/^\d+$/),
  status: z.enum(INVOICE_STATUSES),
});
type Payload = z.infer<typeof payload>;

export const invoiceStatusSync: EntityModule<Payload> = {
  name: 'invoice_status',
  phase: 'finance',
  source: 'invoices',
  endpoint: invoices.endpoint,
  // `customers` too, so a batch run picks the batch's invoices by their account_id.
  dependsOn: ['invoices', 'customers'],
  payload,
  // An invoice that did not load is already in the error table once, under `invoices`.
  select: (invoice, ctx) => ctx.optionalRef('invoices', invoice.id) !== null,
  transform: (invoice, ctx) => ({ invoice_id: ctx.ref('invoices', invoice.id), status: invoiceStatus(invoice) }),
  attachTo: (p) => p.invoice_id,
  naturalKey: (p) => ({ key: `invoice ${p.invoice_id}`, find: async () => p.invoice_id }),
};
