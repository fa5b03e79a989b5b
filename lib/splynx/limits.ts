/**
 * Splynx's field lengths in characters: the one table the entities' zod schemas, the cleaning
 * that cuts text to fit (lib/clean) and the analyst's profiles (lib/frames) all read. The sizes are
 * those of Splynx's database columns (the live dump quoted in the prior-art notes); a `text`
 * column holds 65,535, a `mediumtext` 16,777,215. Grouped by the Splynx record that has the field.
 */
const TEXT = 65_535;
const MEDIUMTEXT = 16_777_215;

export const SPLYNX_LIMITS = {
  partners: { name: 128 },
  locations: { name: 128 },
  administrators: { login: 64, name: 64, email: 64, phone: 64 },
  additional_fields: { name: 64, title: 128, select_values: 2048 },
  tariffs: { title: 255, service_description: 255 },
  ipv4_networks: { title: 128, comment: TEXT },
  routers: { title: 128, model: 128, address: 255, gps_point: 64 },
  // The reference gives no length for a stock's name; 255, as the other inventory names.
  inventory_stocks: { name: 255 },
  inventory_vendors: { name: 255 },
  inventory_products: { name: 255 },
  inventory_items: { barcode: 255, serial_number: 255, notes: TEXT },
  customers: {
    login: 128,
    name: 255,
    email: 255,
    billing_email: 255,
    phone: 255,
    street_1: 255,
    street_2: 255,
    city: 32,
    zip_code: 32,
    gps: 64,
  },
  customer_info: { contact_person: 255 },
  customer_billing: { billing_person: 255, billing_street_1: 255, billing_zip_code: 32, billing_city: 32 },
  customer_notes: { title: 255, comment: TEXT },
  services: { description: 255 },
  internet_services: { login: 128, password: 255, mac: 255, ipv4_route: 255 },
  voice_services: { phone: 64 },
  invoices: { number: 64, note: TEXT, memo: TEXT },
  invoice_items: { description: TEXT },
  payments: { receipt_number: 64, comment: TEXT },
  transactions: { description: TEXT },
  tickets: { subject: 255, note: TEXT },
  ticket_messages: { message: MEDIUMTEXT },
} as const;

/** The length of a Splynx field named `record.field` (`customers.city`); an unknown one is a programming error. */
export function limitOf(field: string): number {
  const [record, name] = field.split('.');
  const max = (SPLYNX_LIMITS as Record<string, Record<string, number>>)[record]?.[name];
  if (max === undefined) throw new Error(`lib/splynx/limits.ts has no length for ${field}`);
  return max;
}
