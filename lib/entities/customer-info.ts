/**
 * Customer info, the one-to-one record Splynx creates with each customer and only lets us update.
 *
 * | Sonar                                             | Splynx            | note                                  |
 * |---------------------------------------------------|-------------------|---------------------------------------|
 * | `accounts.id`                                     | `customer_id` (the record PUT to) | via the migrated customers   |
 * | the primary contact's name, for a company account | `contact_person`  | a person's account needs none         |
 * | `contacts.role` of that contact                   | (in `contact_person`) | "Jane Doe (CFO)"                   |
 *
 * Sonar keeps no passport, birthday or VAT id on an account; those stay empty.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { contactsOf } from '../sonar/relations.js';
import type { EntityModule } from './types.js';

const payload = z.object({
  customer_id: z.string().regex(/^\d+$/),
  contact_person: z.string().max(SPLYNX_LIMITS.customer_info.contact_person),
});
type Payload = z.infer<typeof payload>;

export const customerInfo: EntityModule<Payload> = {
  name: 'customer_info',
  phase: 'customers',
  source: 'accounts',
  endpoint: 'admin/customers/customer-info',
  dependsOn: ['customers'],
  payload,
  transform(account, ctx) {
    const primary = contactsOf(account, ctx)[0];
    const company = ctx.mapping('account-type').lookup(account.account_type_id) === 'company';
    const name = company && primary?.name ? `${String(primary.name).trim()}${primary.role ? ` (${String(primary.role).trim()})` : ''}` : '';
    return { customer_id: ctx.ref('customers', account.id), contact_person: name.slice(0, SPLYNX_LIMITS.customer_info.contact_person) };
  },
  attachTo: (p) => p.customer_id,
  naturalKey: (p) => ({ key: `customer ${p.customer_id}`, find: async () => p.customer_id }),
};
