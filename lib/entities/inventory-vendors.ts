/**
 * Sonar manufacturers → Splynx inventory vendors.
 *
 * The words cross over: Splynx's *vendor* is the maker of a product (Ubiquiti, MikroTik), which is
 * Sonar's *manufacturer*; Sonar's *vendor* is who the ISP buys from, which is Splynx's *supplier*
 * (not migrated here: suppliers, purchase orders and supplier invoices are not in the snapshot).
 *
 * | Sonar          | Splynx                           | note                     |
 * |----------------|----------------------------------|--------------------------|
 * | `name`         | `name`                           | required, ≤ 255          |
 * | `id`           | `additional_attributes.sonar_id` | the natural key          |
 *
 * No place in Splynx: the manufacturer's notes (left in Sonar's export).
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import type { EntityModule } from './types.js';

const payload = z.object({
  name: z.string().trim().min(1).max(SPLYNX_LIMITS.inventory_vendors.name),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const inventoryVendors: EntityModule<Payload> = {
  name: 'inventory_vendors',
  phase: 'inventory',
  source: 'manufacturers',
  endpoint: 'admin/inventory/vendors',
  dependsOn: [],
  payload,
  transform: (m) => ({ name: String(m.name ?? '').trim(), additional_attributes: { [SONAR_ID_FIELD]: String(m.id) } }),
};
