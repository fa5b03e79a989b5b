/**
 * Which field of which table points at which table, including the polymorphic `*able_type` +
 * `*able_id` owners. The tests use it to prove that every reference resolves except the ones the
 * `orphan_reference` dirt breaks on purpose.
 */
import type { SonarDataset, SonarRecord } from '../dataset.js';

/** A target table, or a function of the record for polymorphic owners (null = unchecked type). */
type Target = string | ((record: SonarRecord) => string | null);

const byType = (typeField: string, tables: Record<string, string>) => (r: SonarRecord) =>
  r[typeField] === null ? null : (tables[r[typeField] as string] ?? `?${r[typeField]}`);

export const REFERENCES: Record<string, Record<string, Target>> = {
  accounts: {
    account_status_id: 'account_statuses',
    account_type_id: 'account_types',
    company_id: 'companies',
    parent_account_id: 'accounts',
    archived_by_user_id: 'users',
  },
  account_billing_parameters: { account_id: 'accounts' },
  addresses: {
    addressable_id: byType('addressable_type', {
      Account: 'accounts',
      NetworkSite: 'network_sites',
      InventoryLocation: 'inventory_locations',
      Company: 'companies',
    }),
  },
  contacts: { contactable_id: byType('contactable_type', { Account: 'accounts', NetworkSite: 'network_sites' }) },
  phone_numbers: { contact_id: 'contacts', phone_number_type_id: 'phone_number_types' },
  services: { company_id: 'companies' },
  data_service_details: { service_id: 'services' },
  recurring_service_details: { service_id: 'services' },
  voice_service_details: { service_id: 'services' },
  account_services: { account_id: 'accounts', service_id: 'services', package_id: 'packages' },
  users: { role_id: 'roles' },
  subnets: { supernet_id: 'supernets' },
  ip_pools: { subnet_id: 'subnets' },
  ip_assignments: {
    subnet_id: 'subnets',
    ip_pool_id: 'ip_pools',
    ipassignmentable_id: byType('ipassignmentable_type', {
      Account: 'accounts',
      RadiusAccount: 'radius_accounts',
      NetworkSite: 'network_sites',
      InventoryItem: 'inventory_items',
    }),
  },
  radius_accounts: { account_id: 'accounts' },
  inventory_models: { manufacturer_id: 'manufacturers', inventory_model_category_id: 'inventory_model_categories' },
  inventory_model_fields: { inventory_model_id: 'inventory_models' },
  inventory_items: {
    inventory_model_id: 'inventory_models',
    account_service_id: 'account_services',
    inventoryitemable_id: byType('inventoryitemable_type', {
      Address: 'addresses',
      InventoryLocation: 'inventory_locations',
      NetworkSite: 'network_sites',
    }),
  },
  inventory_model_field_data: { inventory_item_id: 'inventory_items', inventory_model_field_id: 'inventory_model_fields' },
  custom_field_data: {
    custom_field_id: 'custom_fields',
    customfielddataable_id: byType('customfielddataable_type', { Account: 'accounts', Contact: 'contacts', Address: 'addresses' }),
  },
  notes: { noteable_id: byType('noteable_type', { Account: 'accounts', NetworkSite: 'network_sites' }), user_id: 'users' },
  tickets: {
    ticketable_id: byType('ticketable_type', { Account: 'accounts', NetworkSite: 'network_sites' }),
    ticket_group_id: 'ticket_groups',
    user_id: 'users',
    company_id: 'companies',
    parent_ticket_id: 'tickets',
    inbound_mailbox_id: 'inbound_mailboxes',
  },
  ticket_replies: { ticket_id: 'tickets', user_id: 'users' },
  ticket_comments: { ticket_id: 'tickets', user_id: 'users' },
  invoices: { account_id: 'accounts', company_id: 'companies' },
  debits: { account_id: 'accounts', company_id: 'companies', invoice_id: 'invoices', service_id: 'services' },
  payments: { account_id: 'accounts', company_id: 'companies' },
};

export interface Dangling {
  table: string;
  id: string;
  field: string;
  target: string;
  value: string;
}

/** References that point at no record (ids are sequential, so existence is `1 <= id <= count`). */
export function danglingReferences(dataset: SonarDataset): Dangling[] {
  const out: Dangling[] = [];
  const exists = (table: string, id: string) => {
    const rows = dataset.tables[table];
    const n = Number(id);
    return !!rows && Number.isInteger(n) && n >= 1 && n <= rows.length && rows[n - 1].id === id;
  };
  for (const [table, fields] of Object.entries(REFERENCES)) {
    for (const record of dataset.tables[table] ?? []) {
      for (const [field, target] of Object.entries(fields)) {
        const value = record[field];
        if (value === null || value === undefined) continue;
        const targetTable = typeof target === 'string' ? target : target(record);
        if (targetTable === null) continue;
        if (!exists(targetTable, value as string))
          out.push({ table, id: record.id as string, field, target: targetTable, value: value as string });
      }
    }
  }
  return out;
}
