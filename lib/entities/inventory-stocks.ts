/**
 * Sonar inventory locations (warehouses) → Splynx inventory stocks ("stock locations", Config /
 * Inventory: where items are stored).
 *
 * | Sonar                      | Splynx  | note                                                                    |
 * |----------------------------|---------|-------------------------------------------------------------------------|
 * | `inventory_locations.name` | `name`  | trimmed; the natural key: stocks take no additional fields, so no `sonar_id` |
 *
 * A fresh Splynx has stock 1 "Main", which cannot be removed: a Sonar location of that name is
 * adopted (external), not created again. No place in a Splynx stock: the location's address and
 * geopoint, and `default_shipping_location` (Splynx has no purchase orders to ship); they stay in
 * Sonar's backup. Items do not name their stock yet (`stock_id`): inventory_items keeps where an
 * item is in its status and notes.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { tidy } from '../clean/text.js';
import { findBy, TransformError, type EntityModule } from './types.js';

const payload = z.object({ name: z.string().trim().min(1).max(SPLYNX_LIMITS.inventory_stocks.name) });
type Payload = z.infer<typeof payload>;

export const inventoryStocks: EntityModule<Payload> = {
  name: 'inventory_stocks',
  phase: 'inventory',
  source: 'inventory_locations',
  endpoint: 'admin/config/inventory-stocks',
  // One stock is addressed in the singular (api-v2.apib, "Inventory Stock").
  itemPath: (id) => `admin/config/inventory-stock/${id}`,
  dependsOn: [],
  payload,
  transform(location) {
    const name = tidy(location.name as string | null);
    if (!name) throw new TransformError(`inventory location ${location.id} has no name`, 'name', 'Name the location in Sonar');
    return { name };
  },
  naturalKey: (p) => ({ key: `name "${p.name}"`, find: (api, at) => findBy(api, at, 'name', p.name) }),
};
