/** The Splynx model, inventory: Inventory vendors, products and items. */
import { fieldList, int, money, oneOf, ref, str } from '../fields.js';
import type { EntityDef } from '../entity.js';

export const INVENTORY: EntityDef[] = [
  {
    // Config / Inventory / Stock locations: "Main" is the default and cannot be removed.
    name: 'inventory_stocks',
    fields: fieldList({ name: str(255, { required: true }) }),
    hooks: { beforeDelete: (row) => (Number(row.id) === 1 ? 'The default stock location "Main" cannot be removed' : undefined) },
  },
  {
    name: 'inventory_vendors',
    afModule: 'inventory_vendors',
    fields: fieldList({ name: str(255, { required: true }) }),
  },
  {
    name: 'inventory_products',
    afModule: 'inventory_products',
    fields: fieldList({
      name: str(255, { required: true }),
      vendor_id: ref('inventory_vendors'),
      category_id: int({ default: 0 }),
      rent_price: money(),
      sold_price: money(),
    }),
  },
  {
    name: 'inventory_items',
    afModule: 'inventory_items',
    fields: fieldList({
      product_id: ref('inventory_products', { required: true, default: undefined }),
      notes: str(65535, { default: '' }),
      barcode: str(255, { unique: true, default: '' }),
      serial_number: str(255, { default: '' }),
      status: oneOf(['stock', 'internal_usage', 'sold', 'rent', 'returned', 'assigned'], 'stock'),
      mark: oneOf(['new', 'used', 'broken'], 'new'),
      customer_id: ref('customers'),
      admin_id: ref('administrators'),
      service_id: int({ default: 0 }),
      invoice_id: ref('invoices'),
      cost_price: money(),
      stock_id: int({ default: 0 }),
    }),
  },
];
