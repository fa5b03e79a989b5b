/**
 * Sonar data services → Splynx internet tariffs.
 *
 * | Sonar                                     | Splynx                  | note                                   |
 * |-------------------------------------------|-------------------------|----------------------------------------|
 * | `services.name`                           | `title`                 | unique in Splynx: the natural key      |
 * | `amount` (cents)                          | `price` (decimal)       | a CREDIT service is a negative price   |
 * | `data_service_details.download_speed_…`   | `speed_download` (kbps) |                                        |
 * | `data_service_details.upload_speed_…`     | `speed_upload` (kbps)   |                                        |
 * | `company_id` (null: every company)        | `partners_ids`          | via the migrated partners              |
 * | `enabled = false`                         | `hide_on_admin_portal`  | kept, hidden, so old services resolve  |
 * | `id`                                      | `additional_attributes.sonar_id` |                               |
 *
 * `technology_code` and `billing_frequency` have no place on a Splynx tariff; a billing frequency
 * other than monthly is refused (Splynx bills tariffs on the customer's billing period).
 */
import { z } from 'zod';
import { centsToDecimal } from '../clean/money.js';
import { findBy, TransformError, type EntityModule, type Row, type TransformContext } from './types.js';
import { SONAR_ID_FIELD } from './sonar-id.js';

const id = z.string().regex(/^\d+$/);
const payload = z.object({
  title: z.string().trim().min(1).max(255),
  price: z.string().regex(/^-?\d+\.\d{2,4}$/),
  speed_download: z.number().int().min(0),
  speed_upload: z.number().int().min(0),
  partners_ids: z.array(id).min(1),
  billing_types: z.array(z.enum(['recurring', 'prepaid', 'prepaid_monthly'])).min(1),
  customer_categories: z.array(z.enum(['person', 'company'])).min(1),
  with_vat: z.enum(['0', '1']),
  hide_on_admin_portal: z.enum(['0', '1']),
  show_on_customer_portal: z.enum(['0', '1']),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

/** The partners a service is offered by: its company's, or every migrated partner. */
export function partnersFor(service: Row, ctx: TransformContext): string[] {
  if (service.company_id) return [ctx.ref('partners', service.company_id)];
  const all = (ctx.tables.companies ?? []).map((c) => ctx.optionalRef('partners', c.id)).filter((x): x is string => !!x);
  if (!all.length) throw new TransformError('no partner has been migrated yet', 'partners_ids', 'Load the foundation phase (partners) first');
  return all;
}

export const tariffsInternet: EntityModule<Payload> = {
  name: 'tariffs_internet',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/internet',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'DATA',
  transform: (service, ctx) => {
    const detail = ctx.children('data_service_details', 'service_id', service.id)[0];
    if (!detail) throw new TransformError(`data service "${service.name}" has no speed details`, 'speed_download', 'Set download and upload speeds on the service in Sonar');
    if (detail.billing_frequency !== null && detail.billing_frequency !== undefined && Number(detail.billing_frequency) !== 1) {
      throw new TransformError(`bills every ${detail.billing_frequency} months; Splynx tariffs bill per billing period`, 'billing_frequency', 'Create a matching tariff by hand and register it with register-external');
    }
    const cents = Number(service.amount ?? 0) * (service.application === 'CREDIT' ? -1 : 1);
    return {
      title: String(service.name ?? '').trim(),
      price: centsToDecimal(cents)!,
      speed_download: Number(detail.download_speed_kilobits_per_second ?? 0),
      speed_upload: Number(detail.upload_speed_kilobits_per_second ?? 0),
      partners_ids: partnersFor(service, ctx),
      billing_types: ['recurring'],
      customer_categories: ['person', 'company'],
      with_vat: '0',
      hide_on_admin_portal: service.enabled === false ? '1' : '0',
      show_on_customer_portal: '0',
      additional_attributes: { [SONAR_ID_FIELD]: String(service.id) },
    };
  },
  // Titles are unique in Splynx, so a tariff made by hand with the same title is adopted, not duplicated.
  naturalKey: (p) => ({ key: `title "${p.title}"`, find: (api) => findBy(api, 'admin/tariffs/internet', 'title', p.title) }),
};
