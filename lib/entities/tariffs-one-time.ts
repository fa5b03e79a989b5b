/**
 * Sonar one-time services (type ONETIME: installation, truck roll, late fee…) → Splynx one-time
 * tariffs (`admin/tariffs/one-time`), the price list one-time charges are picked from.
 *
 * | Sonar                             | Splynx                        | note                                          |
 * |-----------------------------------|-------------------------------|-----------------------------------------------|
 * | `services.name`                   | `title`, `service_description`| unique in Splynx: the natural key             |
 * | `amount` (cents)                  | `price` (decimal)             | a CREDIT service is a negative price          |
 * | `company_id` (null: every company)| `partners_ids`                | via the migrated partners                     |
 * | `enabled`                         | `enabled`, and `hide_on_admin_portal` when off | kept, so old charges still resolve |
 * | (none)                            | `customer_categories` both, `with_vat = 0`, `show_on_customer_portal = 0` | |
 * | `id`                              | `additional_attributes.sonar_id` |                                            |
 *
 * A one-time tariff has no billing types or period in Splynx, so `billing_types` is not sent.
 * No place here: `display_if_zero` (Splynx shows every invoice line), `general_ledger_code_id` and
 * the tax definitions (taxes come from Splynx's tax settings and locations). The charges made
 * from these services (`account_services` of type ONETIME, debits) belong to finance.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { byTitle, tariffBase, tariffFields, serviceMapping } from './tariff-common.js';
import { TransformError, type EntityModule } from './types.js';

const { billing_types: _noBillingTypes, ...base } = tariffBase;

const payload = z.object({
  ...base,
  service_description: z.string().max(SPLYNX_LIMITS.tariffs.service_description),
  enabled: z.enum(['0', '1']),
  customer_categories: z.array(z.enum(['person', 'company'])).min(1),
  show_on_customer_portal: z.enum(['0', '1']),
});
type Payload = z.infer<typeof payload>;

const title = (s: { name?: unknown }) => String(s.name ?? '').trim();

export const tariffsOneTime: EntityModule<Payload> = {
  name: 'tariffs_one_time',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/one-time',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'ONETIME',
  ...serviceMapping('ONETIME', 'one-time'),
  transform(service, ctx) {
    // Two Sonar services with one name would meet as one Splynx tariff: the older keeps the name.
    const twin = (ctx.tables.services ?? []).find(
      (o) => o.type === 'ONETIME' && Number(o.id) < Number(service.id) && title(o).toLowerCase() === title(service).toLowerCase(),
    );
    if (twin)
      throw new TransformError(
        `one-time services ${twin.id} and ${service.id} are both called "${title(service)}"; Splynx tariff titles are unique`,
        'title',
        `Rename service ${service.id} in Sonar, then run again`,
      );
    const { billing_types: _billing, ...fields } = tariffFields(service, ctx);
    return {
      ...fields,
      service_description: title(service),
      enabled: service.enabled === false ? '0' : '1',
      customer_categories: ['person', 'company'],
      show_on_customer_portal: '0',
    };
  },
  // Titles are unique in Splynx, so a one-time tariff made by hand with the same title is adopted.
  naturalKey: byTitle,
};
