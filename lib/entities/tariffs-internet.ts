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
 * | (none)                                    | `billing_types = recurring`, `with_vat = 0` | Sonar prices are net; taxes are set in Splynx |
 * | (none)                                    | `customer_categories` both, `show_on_customer_portal = 0` | offered to people and companies, not on the portal |
 * | `id`                                      | `additional_attributes.sonar_id` |                               |
 *
 * `technology_code` and `billing_frequency` have no place on a Splynx tariff; a billing frequency
 * other than monthly is refused (Splynx bills tariffs on the customer's billing period).
 */
import { z } from 'zod';
import { assertMonthly, byTitle, tariffBase, tariffFields, serviceMapping } from './tariff-common.js';
import { TransformError, type EntityModule } from './types.js';

const payload = z.object({
  ...tariffBase,
  speed_download: z.number().int().min(0),
  speed_upload: z.number().int().min(0),
  customer_categories: z.array(z.enum(['person', 'company'])).min(1),
  show_on_customer_portal: z.enum(['0', '1']),
});
type Payload = z.infer<typeof payload>;

export const tariffsInternet: EntityModule<Payload> = {
  name: 'tariffs_internet',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/internet',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'DATA',
  ...serviceMapping('DATA', 'internet'),
  transform: (service, ctx) => {
    const detail = ctx.children('data_service_details', 'service_id', service.id)[0];
    if (!detail)
      throw new TransformError(
        `data service "${service.name}" has no speed details`,
        'speed_download',
        'Set download and upload speeds on the service in Sonar',
      );
    assertMonthly(detail);
    return {
      ...tariffFields(service, ctx),
      speed_download: Number(detail.download_speed_kilobits_per_second ?? 0),
      speed_upload: Number(detail.upload_speed_kilobits_per_second ?? 0),
      customer_categories: ['person', 'company'],
      show_on_customer_portal: '0',
    };
  },
  // Titles are unique in Splynx, so a tariff made by hand with the same title is adopted, not duplicated.
  naturalKey: byTitle,
};
