/**
 * How each migrated entity leaves Splynx again, module by module, as the API description
 * (../shared/reference/splynx/api-v2.apib) allows:
 *
 * | entity                                   | how                                                     |
 * |------------------------------------------|---------------------------------------------------------|
 * | partners, administrators, locations, tariffs (4 kinds), IPv4 networks and root networks, routers, inventory vendors/products/items, customer equipment, customers, invoices, payments, tickets | `DELETE {collection}/{id}` |
 * | billing_coverage                         | `DELETE admin/finance/transactions/{id}`: taken before the customer and services it names (it depends on them; Splynx does not delete a customer with transactions) |
 * | ticket replies and comments              | `DELETE admin/support/ticket-messages/{id}`             |
 * | customer_fields                          | `DELETE admin/config/additional-fields/customers--{name}`: the ledger's id of a field is its name |
 * | internet/recurring/voice services        | `DELETE admin/customers/customer/{customer}/{kind}-services--{id}`: the customer is read from Splynx |
 * | customer_notes, customer_contacts        | Splynx documents no DELETE for customer comments: they go with their customer, or are removed by hand |
 * | customer_info, customer_billing, customer_field_values, service_ips, invoice_status | attach-only (a PUT onto a record Splynx made): never deleted on their own, they go with the record they were put on |
 */
import { CUSTOMER_FIELDS_PATH } from '../entities/additional-fields.js';
import { ENTITIES } from '../entities/index.js';

export type ServiceKind = 'internet' | 'recurring' | 'voice';

export type DeleteRule =
  /** A plain DELETE on the record's own path. */
  | { kind: 'delete'; path(splynxId: string): string }
  /** A customer service: its path names its customer, which the ledger does not hold. */
  | { kind: 'service'; service: ServiceKind }
  /** Put onto another record: gone when (any of) these parents is deleted, untouched otherwise. */
  | { kind: 'attached'; parents(splynxId: string): Array<{ entity: string; splynxId: string }> }
  /** A customer comment: no DELETE exists, so it goes with its customer, or is a row to remove by hand. */
  | { kind: 'note' };

const collection = (endpoint: string): DeleteRule => ({ kind: 'delete', path: (id) => `${endpoint}/${id}` });

const RULES: Record<string, DeleteRule> = {
  partners: collection('admin/administration/partners'),
  administrators: collection('admin/administration/administrators'),
  customer_fields: { kind: 'delete', path: (name) => `${CUSTOMER_FIELDS_PATH}--${name}` },
  tariffs_internet: collection('admin/tariffs/internet'),
  tariffs_recurring: collection('admin/tariffs/recurring'),
  tariffs_voice: collection('admin/tariffs/voice'),
  tariffs_one_time: collection('admin/tariffs/one-time'),
  ipv4_rootnets: collection('admin/networking/ipv4'),
  ipv4_networks: collection('admin/networking/ipv4'),
  network_site_locations: collection('admin/administration/locations'),
  network_site_routers: collection('admin/networking/routers'),
  inventory_vendors: collection('admin/inventory/vendors'),
  inventory_products: collection('admin/inventory/products'),
  inventory_items: collection('admin/inventory/items'),
  customers: collection('admin/customers/customer'),
  customer_info: { kind: 'attached', parents: (id) => [{ entity: 'customers', splynxId: id }] },
  customer_billing: { kind: 'attached', parents: (id) => [{ entity: 'customers', splynxId: id }] },
  // `{customer id}--{field name}`: gone with the customer, or with the field's definition.
  customer_field_values: {
    kind: 'attached',
    parents: (id) => {
      const [customer, field] = id.split('--');
      return [
        { entity: 'customers', splynxId: customer },
        { entity: 'customer_fields', splynxId: field },
      ];
    },
  },
  internet_services: { kind: 'service', service: 'internet' },
  service_ips: { kind: 'attached', parents: (id) => [{ entity: 'internet_services', splynxId: id }] },
  recurring_services: { kind: 'service', service: 'recurring' },
  voice_services: { kind: 'service', service: 'voice' },
  customer_notes: { kind: 'note' },
  customer_contacts: { kind: 'note' },
  customer_equipment: collection('admin/inventory/items'),
  billing_coverage: collection('admin/finance/transactions'),
  invoices: collection('admin/finance/invoices'),
  invoice_status: { kind: 'attached', parents: (id) => [{ entity: 'invoices', splynxId: id }] },
  payments: collection('admin/finance/payments'),
  tickets: collection('admin/support/tickets'),
  ticket_replies: collection('admin/support/ticket-messages'),
  ticket_comments: collection('admin/support/ticket-messages'),
};

/** The rule of an entity; an entity registered without one is a programming error, caught by the tests. */
export function deleteRule(entity: string): DeleteRule {
  const rule = RULES[entity];
  if (!rule) throw new Error(`No rollback rule for entity ${entity}: add one to lib/rollback/rules.ts`);
  return rule;
}

/** Entities whose records Splynx deletes together with a customer or a ticket, as ledger entities. */
export const CASCADES = {
  customers: {
    services: ['internet_services', 'recurring_services', 'voice_services'],
    notes: ['customer_notes', 'customer_contacts'],
  },
  tickets: { messages: ['ticket_replies', 'ticket_comments'] },
} as const;

/**
 * References that a module resolves only when it can (`optionalRef`), so they are not in its
 * `dependsOn`, but a record holding one still depends on the record it names.
 */
const OPTIONAL_REFERENCES: Record<string, string[]> = {
  administrators: ['tickets', 'ticket_replies', 'ticket_comments'],
};

/**
 * An entity and every entity that depends on it, transitively (`dependsOn`, plus the optional
 * references above): a rollback of `entity` takes these first, so none outlives what it refers to.
 */
export function withDependants(entity: string): string[] {
  const chosen = new Set([entity]);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of ENTITIES) {
      if (chosen.has(e.name)) continue;
      const refers = [
        ...e.dependsOn,
        ...Object.entries(OPTIONAL_REFERENCES)
          .filter(([, by]) => by.includes(e.name))
          .map(([on]) => on),
      ];
      if (refers.some((d) => chosen.has(d))) (chosen.add(e.name), (grew = true));
    }
  }
  return ENTITIES.map((e) => e.name).filter((n) => chosen.has(n));
}
