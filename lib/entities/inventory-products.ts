/**
 * Sonar inventory models (with their categories) → Splynx inventory products.
 *
 * | Sonar                            | Splynx                           | note                                             |
 * |----------------------------------|----------------------------------|--------------------------------------------------|
 * | `name`, `model_name`             | `name`                           | "LiteBeam 5AC Gen2 (LBE-5AC-Gen2)"; the name alone when they agree |
 * | `manufacturer_id`                | `vendor_id`                      | via the migrated vendors                         |
 * | `inventory_model_category_id`    | `category_id`                    | mapping table `inventory-category` (see below)  |
 * | `id`                             | `additional_attributes.sonar_id` | the natural key                                  |
 *
 * Categories: Splynx has product categories (Config → Inventory) but its API cannot create or list
 * them, so they cannot be migrated. The `inventory-category` table maps each Sonar category to the
 * id of a category the analyst made by hand, proposed as `0` (no category) with that reason.
 *
 * No place in Splynx: `enabled` (a disabled model still has items that must resolve), `generic`,
 * `device_type`, `icon`, `is_segmentable`, the model's field definitions (their values go to the
 * items: MAC → barcode, serial → serial number, the rest into notes), and prices: Sonar keeps
 * the purchase price per item (→ the item's `cost_price`); rent and sale prices stay 0.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import type { MappingRow } from '../mappings/table.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

const id = z.string().regex(/^\d+$/);
const payload = z.object({
  name: z.string().trim().min(1).max(SPLYNX_LIMITS.inventory_products.name),
  vendor_id: id,
  category_id: id,
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const MAPPING_SPECS = {
  // Free values: a Splynx category id (0 = none), checked to be a number when it is read.
  'inventory-category': { name: 'inventory-category', describes: 'Splynx product category id (0 for none)' },
} as const;

/** "Name (model)" when Sonar's model name adds something, else the name. */
export function productName(model: Row): string {
  const name = String(model.name ?? '').trim();
  const modelName = String(model.model_name ?? '').trim();
  return modelName && modelName.toLowerCase() !== name.toLowerCase() ? (name ? `${name} (${modelName})` : modelName) : name;
}

function proposeCategories(ctx: TransformContext): MappingRow[] {
  return (ctx.tables.inventory_model_categories ?? []).map((c) => ({
    sonar_id: String(c.id),
    sonar_value: String(c.name ?? '').trim(),
    splynx_value: '0',
    reason: `Splynx's API cannot create product categories: make "${String(c.name ?? '').trim()}" under Config → Inventory by hand and put its id here, or keep 0 (none)`,
    records: String((ctx.tables.inventory_models ?? []).filter((m) => String(m.inventory_model_category_id) === String(c.id)).length),
  }));
}

export const inventoryProducts: EntityModule<Payload> = {
  name: 'inventory_products',
  phase: 'inventory',
  source: 'inventory_models',
  endpoint: 'admin/inventory/products',
  dependsOn: ['inventory_vendors'],
  payload,
  mappings: [{ name: 'inventory-category', propose: proposeCategories }],
  transform(model, ctx) {
    const category = ctx.mapping('inventory-category').lookup(model.inventory_model_category_id).trim();
    if (!/^\d+$/.test(category)) {
      throw new TransformError(
        `inventory-category maps Sonar category ${model.inventory_model_category_id} to "${category}", which is not a Splynx category id`,
        'category_id',
        'Put the id of a Splynx product category (or 0) in data/mappings/inventory-category.csv',
      );
    }
    return {
      name: productName(model),
      vendor_id: ctx.ref('inventory_vendors', model.manufacturer_id),
      category_id: category,
      additional_attributes: { [SONAR_ID_FIELD]: String(model.id) },
    };
  },
};
