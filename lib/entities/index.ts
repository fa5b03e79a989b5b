/**
 * Every migrated entity, in load order: an entity comes after the ones it depends on, and the
 * phases follow each other (foundation, network, inventory, customers, finance, support). The
 * loader runs them in this order; nothing else decides the order.
 */
import { customerFields } from './additional-fields.js';
import { billingCoverage } from './billing-coverage.js';
import { EXISTING_SPECS } from './existing-records.js';
import { administrators, MAPPING_SPECS as ADMINISTRATOR_MAPPINGS } from './administrators.js';
import { customerBilling, MAPPING_SPECS as BILLING_MAPPINGS } from './customer-billing.js';
import { customerContacts } from './customer-contacts.js';
import { customerEquipment } from './customer-equipment.js';
import { customerFieldValues } from './customer-field-values.js';
import { customerInfo } from './customer-info.js';
import { customerNotes } from './customer-notes.js';
import { internetServices, recurringServices, voiceServices } from './customer-services.js';
import { customers, MAPPING_SPECS as CUSTOMER_MAPPINGS } from './customers.js';
import { inventoryItems } from './inventory-items.js';
import { inventoryProducts, MAPPING_SPECS as INVENTORY_MAPPINGS } from './inventory-products.js';
import { inventoryStocks } from './inventory-stocks.js';
import { inventoryVendors } from './inventory-vendors.js';
import { invoiceStatusSync } from './invoice-status.js';
import { invoices } from './invoices.js';
import { ipv4Networks } from './ipv4-networks.js';
import { ipv4Rootnets } from './ipv4-rootnets.js';
import { networkSiteLocations } from './network-site-locations.js';
import { networkSiteRouters } from './network-site-routers.js';
import { MAPPING_SPECS as NETWORK_SITE_MAPPINGS } from './network-sites.js';
import { MAPPING_SPECS as SERVICE_ACCESS_MAPPINGS } from './service-access.js';
import { MAPPING_SPECS as PORTAL_MAPPINGS } from './portal-access.js';
import { partners } from './partners.js';
import { payments, MAPPING_SPECS as PAYMENT_MAPPINGS } from './payments.js';
import { serviceIps } from './service-ips.js';
import { tariffsInternet } from './tariffs-internet.js';
import { tariffsOneTime } from './tariffs-one-time.js';
import { tariffsRecurring } from './tariffs-recurring.js';
import { tariffsVoice } from './tariffs-voice.js';
import { ticketComments } from './ticket-comments.js';
import { ticketReplies } from './ticket-replies.js';
import { tickets, MAPPING_SPECS as TICKET_MAPPINGS } from './tickets.js';
import type { EntityModule } from './types.js';

export const ENTITIES: EntityModule[] = [
  // foundation
  partners,
  administrators,
  customerFields,
  tariffsInternet,
  tariffsRecurring,
  tariffsVoice,
  tariffsOneTime,
  // network
  ipv4Rootnets,
  ipv4Networks,
  networkSiteLocations,
  networkSiteRouters,
  // inventory
  inventoryStocks,
  inventoryVendors,
  inventoryProducts,
  inventoryItems,
  // customers
  customers,
  customerInfo,
  customerBilling,
  customerFieldValues,
  internetServices,
  serviceIps,
  recurringServices,
  voiceServices,
  customerNotes,
  customerContacts,
  customerEquipment,
  // finance
  billingCoverage,
  invoices,
  invoiceStatusSync,
  payments,
  // support
  tickets,
  ticketReplies,
  ticketComments,
] as EntityModule[];

export const MAPPING_SPECS = {
  ...EXISTING_SPECS,
  ...CUSTOMER_MAPPINGS,
  ...BILLING_MAPPINGS,
  ...ADMINISTRATOR_MAPPINGS,
  ...NETWORK_SITE_MAPPINGS,
  ...SERVICE_ACCESS_MAPPINGS,
  ...PORTAL_MAPPINGS,
  ...INVENTORY_MAPPINGS,
  ...PAYMENT_MAPPINGS,
  ...TICKET_MAPPINGS,
};

export function entity(name: string): EntityModule {
  const e = ENTITIES.find((x) => x.name === name);
  if (!e) throw new Error(`Unknown entity "${name}". Known: ${ENTITIES.map((x) => x.name).join(', ')}`);
  return e;
}

export * from './types.js';
export * from './defaults.js';
