/**
 * Sonar voice services → Splynx voice tariffs. Splynx needs a line type: Sonar's `sub_type`
 * VOICE is a fixed line, anything IP-based is VoIP. Minutes and per-minute rates have no place
 * on a Splynx tariff (they live in its rate tables) and stay in Sonar's export.
 */
import { z } from 'zod';
import { centsToDecimal } from '../clean/money.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { partnersFor } from './tariffs-internet.js';
import { findBy, type EntityModule } from './types.js';

const payload = z.object({
  title: z.string().trim().min(1).max(255),
  type: z.enum(['voip', 'fix', 'mobile']),
  price: z.string().regex(/^-?\d+\.\d{2,4}$/),
  partners_ids: z.array(z.string().regex(/^\d+$/)).min(1),
  billing_types: z.array(z.enum(['recurring', 'prepaid', 'prepaid_monthly'])).min(1),
  with_vat: z.enum(['0', '1']),
  hide_on_admin_portal: z.enum(['0', '1']),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const tariffsVoice: EntityModule<Payload> = {
  name: 'tariffs_voice',
  phase: 'foundation',
  source: 'services',
  endpoint: 'admin/tariffs/voice',
  dependsOn: ['partners'],
  payload,
  select: (s) => s.type === 'VOICE',
  transform(service, ctx) {
    const detail = ctx.children('voice_service_details', 'service_id', service.id)[0];
    return {
      title: String(service.name ?? '').trim(),
      type: detail?.sub_type === 'VOICE' || !detail ? 'fix' : 'voip',
      price: centsToDecimal(Number(service.amount ?? 0))!,
      partners_ids: partnersFor(service, ctx),
      billing_types: ['recurring'],
      with_vat: '0',
      hide_on_admin_portal: service.enabled === false ? '1' : '0',
      additional_attributes: { [SONAR_ID_FIELD]: String(service.id) },
    };
  },
  naturalKey: (p) => ({ key: `title "${p.title}"`, find: (api) => findBy(api, 'admin/tariffs/voice', 'title', p.title) }),
};
