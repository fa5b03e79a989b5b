/**
 * Sonar voice services → Splynx voice tariffs: the shared tariff fields plus a line type. Sonar's
 * `sub_type` VOICE is a fixed line; anything IP-based is VoIP. Minutes and per-minute rates have
 * no place on a Splynx tariff (they live in its rate tables) and stay in Sonar's export.
 *
 * | Sonar                                     | Splynx                  | note                                   |
 * |-------------------------------------------|-------------------------|----------------------------------------|
 * | `services.name`                           | `title`                 | unique in Splynx: the natural key      |
 * | `amount` (cents)                          | `price` (decimal)       |                                        |
 * | `company_id` (null: every company)        | `partners_ids`          | via the migrated partners              |
 * | `enabled = false`                         | `hide_on_admin_portal`  | kept, hidden                           |
 * | (none)                                    | `billing_types = recurring`, `with_vat = 0` | Sonar prices are net           |
 * | `voice_service_details.sub_type`          | `type`                  | VOICE (or none) → `fix`, else `voip`   |
 * | `id`                                      | `additional_attributes.sonar_id` |                               |
 */
import { z } from 'zod';
import { byTitle, tariffBase, tariffFields, serviceMapping } from './tariff-common.js';
import type { EntityModule } from './types.js';

const payload = z.object({ ...tariffBase, type: z.enum(['voip', 'fix', 'mobile']) });
type Payload = z.infer<typeof payload>;

export const tariffsVoice: EntityModule<Payload> = {
  name: 'tariffs_voice',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/voice',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'VOICE',
  ...serviceMapping('VOICE', 'voice'),
  transform(service, ctx) {
    const detail = ctx.children('voice_service_details', 'service_id', service.id)[0];
    return { ...tariffFields(service, ctx), type: detail?.sub_type === 'VOICE' || !detail ? 'fix' : 'voip' };
  },
  naturalKey: byTitle,
};
