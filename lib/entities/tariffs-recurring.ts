/**
 * Sonar recurring services (static IPs, rentals, hosting, discounts) → Splynx recurring
 * ("custom") tariffs: the shared tariff fields (tariff-common.ts), nothing else.
 *
 * | Sonar                                     | Splynx                  | note                                   |
 * |-------------------------------------------|-------------------------|----------------------------------------|
 * | `services.name`                           | `title`                 | unique in Splynx: the natural key      |
 * | `amount` (cents)                          | `price` (decimal)       | a CREDIT service (a discount) is a negative price |
 * | `company_id` (null: every company)        | `partners_ids`          | via the migrated partners              |
 * | `enabled = false`                         | `hide_on_admin_portal`  | kept, hidden, so old services resolve  |
 * | (none)                                    | `billing_types = recurring`, `with_vat = 0` | Sonar prices are net           |
 * | `id`                                      | `additional_attributes.sonar_id` |                               |
 * | `recurring_service_details.billing_frequency` | (none)              | other than monthly is refused          |
 */
import { z } from 'zod';
import { assertMonthly, byTitle, tariffBase, tariffFields, serviceMapping } from './tariff-common.js';
import type { EntityModule } from './types.js';

const payload = z.object(tariffBase);
type Payload = z.infer<typeof payload>;

export const tariffsRecurring: EntityModule<Payload> = {
  name: 'tariffs_recurring',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/recurring',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'RECURRING',
  ...serviceMapping('RECURRING', 'recurring'),
  transform(service, ctx) {
    assertMonthly(ctx.children('recurring_service_details', 'service_id', service.id)[0]);
    return tariffFields(service, ctx);
  },
  naturalKey: byTitle,
};
