/**
 * Sonar inventory items at an address → Splynx inventory items assigned to the customer.
 *
 * Sonar never puts equipment on an account: a customer's CPE sits at the account's serviceable
 * `Address` (`inventoryitemable_type = Address`). So the customer is the address's owner, and the
 * item can only be loaded once that customer exists, in the customers phase. The field mapping is
 * the one in lib/entities/inventory-items.ts (status `assigned`, `customer_id` from the address's
 * account, mark `used`, or `broken` when Sonar says FAILED).
 *
 * | Sonar                                   | Splynx                  | note                                    |
 * |-----------------------------------------|-------------------------|-----------------------------------------|
 * | `inventory_model_id`                    | `product_id`            | via the migrated inventory products     |
 * | the MAC Address field, the Serial Number field | `barcode`, `serial_number` | the model's fields' data         |
 * | its address, other field values, `account_service_id` | `notes` | no field of their own in Splynx  |
 * | (at a customer's address)               | `status = assigned`, `customer_id` | the address's account         |
 * | `status` FAILED / else                  | `mark = broken` / `used` |                                        |
 * | the purchase price (cents)              | `cost_price`            | when Sonar has one                      |
 * | `id`                                    | `additional_attributes.sonar_id` |                               |
 *
 * An item at an address that belongs to no account (unassigned in Sonar, or owned by a site or a
 * warehouse) is refused into the error table: there is nobody to assign it to, and putting it in
 * stock would be a guess.
 */
import { inventoryItems, itemPayload, itemTransform, type ItemPayload } from './inventory-items.js';
import type { EntityModule } from './types.js';

export const customerEquipment: EntityModule<ItemPayload> = {
  name: 'customer_equipment',
  phase: 'customers',
  source: 'inventory_items',
  endpoint: inventoryItems.endpoint,
  dependsOn: ['customers', 'inventory_products'],
  payload: itemPayload,
  select: (item) => item.inventoryitemable_type === 'Address',
  accountOf: (item, ctx) => {
    const address = ctx.byId('addresses', item.inventoryitemable_id);
    return address?.addressable_type === 'Account' ? String(address.addressable_id) : null;
  },
  transform: itemTransform,
};
