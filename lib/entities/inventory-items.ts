/**
 * Sonar inventory items → Splynx inventory items. This module loads the company's own equipment
 * (warehouses, network sites, staff, vehicles) in the inventory phase; equipment at customers'
 * addresses needs the customers first and is loaded by customer_equipment
 * (lib/entities/customer-equipment.ts) with the same transform.
 *
 * | Sonar                                               | Splynx          | note                                           |
 * |-----------------------------------------------------|-----------------|------------------------------------------------|
 * | `inventory_model_id`                                | `product_id`    | via the migrated products                      |
 * | field data of the model field named MAC (or typed MAC_ADDRESS) | `barcode` | unique in Splynx: a MAC on two items is an error row for both, never a suffix |
 * | field data of the model field named serial          | `serial_number` |                                                |
 * | owner `Address` of an `Account`                     | `status = assigned`, `customer_id` | Sonar puts customer gear on the address, never on the account |
 * | owner `InventoryLocation`                           | `status = stock`                  | a warehouse                                 |
 * | owner `NetworkSite`, `User`, `Vehicle`, `InternalLocation`, `GenericInventoryAssignee` | `status = internal_usage` | the company's own gear in use |
 * | `status` FAILED                                     | `mark = broken` |                                                |
 * | `status` FUNCTIONAL                                 | `mark = new` in a warehouse, else `used` | Sonar keeps no condition; deployed gear is used |
 * | `purchase_price` (cents)                            | `cost_price`    |                                                |
 * | where it is (warehouse, site, holder), its management IPs, other field values, `account_service_id`, a quantity | `notes` | no field of their own in Splynx |
 * | `id`                                                | `additional_attributes.sonar_id` | the natural key                 |
 *
 * Refused into the error table: a LOST item (Splynx has no such status: write it off in Sonar or
 * decide by hand), equipment at an address that belongs to no account, an owner type Sonar does
 * not document, and duplicate MACs. Not migrated: `flapping`, the ICMP/SNMP flap counters and
 * statuses (monitoring state, rebuilt by Splynx's own monitoring), `claimed_user_id`, parent and
 * segment links. Warehouses are not migrated as Splynx stocks (`admin/config/inventory-stocks`, not
 * modelled by the sandbox), so `stock_id` stays 0 and the warehouse is named in the notes; a User
 * owner is named there too rather than guessed into `admin_id` (administrators load elsewhere).
 *
 * The blueprint lists only `product_id`, `notes`, `barcode` and `serial_number` for a create;
 * `status`, `mark`, `customer_id` and `cost_price` appear in its responses. The sandbox accepts
 * them on create; check one item on the real instance before the full load.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { centsToDecimal } from '../clean/money.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

export const ITEM_STATUSES = ['stock', 'internal_usage', 'sold', 'rent', 'returned', 'assigned'] as const;
export const ITEM_MARKS = ['new', 'used', 'broken'] as const;

const id = z.string().regex(/^\d+$/);
export const itemPayload = z.object({
  product_id: id,
  barcode: z.string().max(SPLYNX_LIMITS.inventory_items.barcode),
  serial_number: z.string().max(SPLYNX_LIMITS.inventory_items.serial_number),
  notes: z.string().max(SPLYNX_LIMITS.inventory_items.notes),
  status: z.enum(ITEM_STATUSES),
  mark: z.enum(ITEM_MARKS),
  /** '0' when nobody has it, so an item that came back from a customer is unassigned on update. */
  customer_id: id,
  cost_price: z
    .string()
    .regex(/^-?\d+\.\d{2}$/)
    .optional(),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
export type ItemPayload = z.infer<typeof itemPayload>;

export const isMacField = (f: Row | undefined) => !!f && (f.type === 'MAC_ADDRESS' || /\bmac\b/i.test(String(f.name ?? '')));
const isSerialField = (f: Row | undefined) => !!f && /serial/i.test(String(f.name ?? ''));
const macKey = (v: string) => v.replace(/[^0-9a-z]/gi, '').toUpperCase();

interface FieldValue {
  field: Row | undefined;
  value: string;
}

function fieldValues(item: Row, ctx: TransformContext): FieldValue[] {
  return ctx
    .children('inventory_model_field_data', 'inventory_item_id', item.id)
    .map((d) => ({
      field: ctx.byId('inventory_model_fields', d.inventory_model_field_id),
      value: String(d.value ?? '').trim(),
      id: Number(d.inventory_model_field_id),
    }))
    .filter((d) => d.value !== '')
    .sort((a, b) => Number(!!b.field?.primary) - Number(!!a.field?.primary) || a.id - b.id);
}

/** Items by normalised MAC, over the whole snapshot, computed once per snapshot. */
const macOwners = new WeakMap<object, Map<string, string[]>>();
function itemsWithMac(ctx: TransformContext, mac: string): string[] {
  let index = macOwners.get(ctx.tables);
  if (!index) {
    index = new Map();
    for (const d of ctx.tables.inventory_model_field_data ?? []) {
      if (!isMacField(ctx.byId('inventory_model_fields', d.inventory_model_field_id))) continue;
      const key = macKey(String(d.value ?? ''));
      if (!key) continue;
      const ids = index.get(key) ?? [];
      if (!ids.includes(String(d.inventory_item_id))) ids.push(String(d.inventory_item_id));
      index.set(key, ids);
    }
    macOwners.set(ctx.tables, index);
  }
  return index.get(macKey(mac)) ?? [];
}

/** Where the item is: Splynx's status, mark and customer, and the words for the notes. */
function placement(
  item: Row,
  ctx: TransformContext,
): { status: ItemPayload['status']; deployed: boolean; customer_id: string; where: string } {
  const type = String(item.inventoryitemable_type ?? '');
  const ownerId = item.inventoryitemable_id;
  switch (type) {
    case 'Address': {
      const address = ctx.byId('addresses', ownerId);
      if (address?.addressable_type !== 'Account' || !address.addressable_id) {
        throw new TransformError(
          `inventory item ${item.id} is at address ${ownerId}, which ${address ? 'belongs to no account' : 'is not in the snapshot'}`,
          'customer_id',
          'Assign the address to its account in Sonar, or move the item back to a warehouse',
        );
      }
      const line = [address.line1, address.city]
        .map((v) => String(v ?? '').trim())
        .filter(Boolean)
        .join(', ');
      return {
        status: 'assigned',
        deployed: true,
        customer_id: ctx.ref('customers', address.addressable_id),
        where: `at the customer's address${line ? ` ${line}` : ''} (Sonar address ${ownerId})`,
      };
    }
    case 'InventoryLocation':
      return {
        status: 'stock',
        deployed: false,
        customer_id: '0',
        where: `in warehouse "${String(ctx.byId('inventory_locations', ownerId)?.name ?? ownerId)}"`,
      };
    case 'NetworkSite':
      return {
        status: 'internal_usage',
        deployed: true,
        customer_id: '0',
        where: `at network site "${String(ctx.byId('network_sites', ownerId)?.name ?? ownerId)}"`,
      };
    case 'User':
    case 'Vehicle':
    case 'InternalLocation':
    case 'GenericInventoryAssignee':
      return { status: 'internal_usage', deployed: true, customer_id: '0', where: `held by Sonar ${type} ${ownerId}` };
    default:
      throw new TransformError(
        `inventory item ${item.id} is owned by ${JSON.stringify(type)} ${ownerId}, which Sonar does not document`,
        'status',
        'Move the item to a warehouse, site or address in Sonar',
      );
  }
}

/** The shared transform of both item modules. */
export function itemTransform(item: Row, ctx: TransformContext): ItemPayload {
  if (item.status === 'LOST') {
    throw new TransformError(
      `inventory item ${item.id} is LOST in Sonar; Splynx has no lost status`,
      'status',
      'Write it off in Sonar (or mark it found), then run again; lost gear is usually not migrated',
    );
  }
  const where = placement(item, ctx);
  const values = fieldValues(item, ctx);
  const mac = values.find((v) => isMacField(v.field));
  const serial = values.find((v) => isSerialField(v.field) && v !== mac);
  if (mac) {
    const others = itemsWithMac(ctx, mac.value).filter((x) => x !== String(item.id));
    if (others.length) {
      throw new TransformError(
        `MAC ${mac.value} of inventory item ${item.id} is also on inventory item${others.length > 1 ? 's' : ''} ${others.join(', ')}; a Splynx barcode is unique`,
        'barcode',
        'One device has one MAC: correct the wrong item in Sonar (the loader does not invent suffixes)',
      );
    }
  }
  const ips = ctx
    .children('ip_assignments', 'ipassignmentable_id', item.id, 'ipassignmentable_type', 'InventoryItem')
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((a) => `Management IP ${String(a.subnet)}${a.description ? ` ("${String(a.description).trim()}")` : ''}`);
  const quantity = item.quantity === null || item.quantity === undefined ? null : Number(item.quantity);
  const notes = [
    `Sonar: ${where.where}`,
    ...ips,
    ...values.filter((v) => v !== mac && v !== serial).map((v) => `${String(v.field?.name ?? 'Field')}: ${v.value}`),
    ...(item.account_service_id ? [`Sonar account service ${item.account_service_id}`] : []),
    ...(quantity !== null && quantity !== 1 ? [`Quantity in Sonar: ${quantity}`] : []),
  ];
  const cost = item.purchase_price === null || item.purchase_price === undefined ? null : Number(item.purchase_price);
  if (cost !== null && !Number.isInteger(cost)) {
    throw new TransformError(
      `inventory item ${item.id}: purchase_price ${JSON.stringify(item.purchase_price)} is not a whole number of cents`,
      'cost_price',
      'Correct the purchase price in Sonar',
    );
  }
  return {
    product_id: ctx.ref('inventory_products', item.inventory_model_id),
    barcode: mac?.value ?? '',
    serial_number: serial?.value ?? '',
    notes: notes.join('\n'),
    status: where.status,
    mark: item.status === 'FAILED' ? 'broken' : where.deployed ? 'used' : 'new',
    customer_id: where.customer_id,
    ...(cost !== null ? { cost_price: centsToDecimal(cost)! } : {}),
    additional_attributes: { [SONAR_ID_FIELD]: String(item.id) },
  };
}

export const inventoryItems: EntityModule<ItemPayload> = {
  name: 'inventory_items',
  phase: 'inventory',
  source: 'inventory_items',
  endpoint: 'admin/inventory/items',
  dependsOn: ['inventory_products'],
  payload: itemPayload,
  select: (item) => item.inventoryitemable_type !== 'Address',
  transform: itemTransform,
};
