/**
 * Sonar recurring services (static IPs, rentals, hosting, discounts) → Splynx recurring
 * ("custom") tariffs. Same keys as internet tariffs, without speeds; a CREDIT service (a
 * recurring discount) becomes a negative price.
 */
import { z } from 'zod';
import { centsToDecimal } from '../clean/money.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { partnersFor } from './tariffs-internet.js';
import { findBy, TransformError, type EntityModule } from './types.js';

const payload = z.object({
  title: z.string().trim().min(1).max(255),
  price: z.string().regex(/^-?\d+\.\d{2,4}$/),
  partners_ids: z.array(z.string().regex(/^\d+$/)).min(1),
  billing_types: z.array(z.enum(['recurring', 'prepaid', 'prepaid_monthly'])).min(1),
  with_vat: z.enum(['0', '1']),
  hide_on_admin_portal: z.enum(['0', '1']),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const tariffsRecurring: EntityModule<Payload> = {
  name: 'tariffs_recurring',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/recurring',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'RECURRING',
  transform(service, ctx) {
    const detail = ctx.children('recurring_service_details', 'service_id', service.id)[0];
    if (detail && detail.billing_frequency !== null && Number(detail.billing_frequency) !== 1) {
      throw new TransformError(`bills every ${detail.billing_frequency} months; Splynx tariffs bill per billing period`, 'billing_frequency', 'Create a matching tariff by hand and register it with register-external');
    }
    return {
      title: String(service.name ?? '').trim(),
      price: centsToDecimal(Number(service.amount ?? 0) * (service.application === 'CREDIT' ? -1 : 1))!,
      partners_ids: partnersFor(service, ctx),
      billing_types: ['recurring'],
      with_vat: '0',
      hide_on_admin_portal: service.enabled === false ? '1' : '0',
      additional_attributes: { [SONAR_ID_FIELD]: String(service.id) },
    };
  },
  naturalKey: (p) => ({ key: `title "${p.title}"`, find: (api) => findBy(api, 'admin/tariffs/recurring', 'title', p.title) }),
};
