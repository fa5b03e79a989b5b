/**
 * Sonar recurring services (static IPs, rentals, hosting, discounts) → Splynx recurring
 * ("custom") tariffs: the shared tariff fields (tariff-common.ts), nothing else.
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
