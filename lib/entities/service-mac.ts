/**
 * The MAC address an internet service carries in Splynx (`mac`): the MAC field of the equipment
 * Sonar ties to the service (an inventory item whose `account_service_id` is the account service),
 * the first such item with one (the CPE is installed with the service; a rented router comes after
 * it). Written `AA:BB:CC:DD:EE:FF`, as Splynx shows MACs. Empty when Sonar holds none for the
 * service: MACs Sonar keeps as `uninventoried_mac_addresses` on the account are not read by a
 * snapshot, and name no service.
 */
import { isMacField } from './inventory-items.js';
import type { Row, TransformContext } from './types.js';

export function serviceMac(as: Row, ctx: TransformContext): string {
  const items = ctx.children('inventory_items', 'account_service_id', as.id).sort((a, b) => Number(a.id) - Number(b.id));
  for (const item of items) {
    for (const d of ctx.children('inventory_model_field_data', 'inventory_item_id', item.id)) {
      if (!isMacField(ctx.byId('inventory_model_fields', d.inventory_model_field_id))) continue;
      const hex = String(d.value ?? '')
        .replace(/[^0-9a-f]/gi, '')
        .toUpperCase();
      if (hex.length === 12) return hex.match(/../g)!.join(':');
    }
  }
  return '';
}
