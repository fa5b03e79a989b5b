/**
 * Sonar's relations, in one place: which field of which table points at which table (including the
 * polymorphic `*able_type` + `*able_id` owners), and which tables hang off an account.
 *
 * Members: a selective snapshot (one account, a list, a filter) brings each selected account's
 * members along; the tables not listed there are reference data (plans, statuses, staff, network,
 * inventory catalogue) and are always taken whole.
 */
import type { SnapshotTable } from './queries.js';

/** A Sonar record as read (a snapshot row, a generated record). */
type SonarRow = Record<string, unknown>;

/** Records of `table` whose `field` is `value` (and, for polymorphic owners, whose `typeField` is `type`): the loader's TransformContext. */
export interface Children {
  children(table: string, field: string, value: unknown, typeField?: string, type?: string): SonarRow[];
}

/**
 * A polymorphic owner: `typeField` (`<x>able_type`) names the owner's kind, `tables` the table of
 * each kind. Called with a record, it answers the record's target table (null = no type, `?Kind`
 * for a kind this map does not know).
 */
export interface PolymorphicTarget {
  (record: SonarRow): string | null;
  typeField: string;
  tables: Record<string, string>;
}

/** A target table, or for a polymorphic owner a function of the record. */
export type Target = string | PolymorphicTarget;

const byType = (typeField: string, tables: Record<string, string>): PolymorphicTarget =>
  Object.assign((r: SonarRow) => (r[typeField] === null ? null : (tables[r[typeField] as string] ?? `?${r[typeField]}`)), {
    typeField,
    tables,
  });

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
  network_site_serviceable_address_lists: { network_site_id: 'network_sites' },
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

/**
 * Sonar's many-to-many relations a snapshot reads: a list field of a record that holds the ids of
 * the records it links (`addresses` of a network site's serviceable address list: the addresses
 * the site serves). Sonar answers such a relation as a nested connection; the snapshot keeps only
 * the ids, in this field (lib/sonar/snapshot.ts), and the sandbox serves the connection from them.
 */
export const LINK_LISTS: Record<string, Record<string, string>> = {
  network_site_serviceable_address_lists: { addresses: 'addresses' },
};

export type MemberLink =
  /** The member has a plain foreign key to its parent. */
  | { table: SnapshotTable; parent: SnapshotTable; key: string }
  /** The member points at its parent through a polymorphic `<x>able_type`/`<x>able_id` pair. */
  | { table: SnapshotTable; parent: SnapshotTable; polyType: string; polyId: string; typeName: string };

/**
 * How `table` points at `parent`, from REFERENCES: its one foreign key to it, or its polymorphic
 * owner of that kind.
 */
export function memberLink(table: SnapshotTable, parent: SnapshotTable): MemberLink {
  const links: MemberLink[] = [];
  for (const [field, target] of Object.entries(REFERENCES[table] ?? {})) {
    if (typeof target === 'string') {
      if (target === parent) links.push({ table, parent, key: field });
    } else {
      for (const [typeName, to] of Object.entries(target.tables))
        if (to === parent) links.push({ table, parent, polyType: target.typeField, polyId: field, typeName });
    }
  }
  if (links.length !== 1)
    throw new Error(`${table} has ${links.length} references to ${parent} in lib/sonar/relations.ts; a member needs one`);
  return links[0];
}

/** In dependency order: a member's parent table always comes first. */
export const ACCOUNT_MEMBERS: MemberLink[] = (
  [
    ['account_billing_parameters', 'accounts'],
    ['addresses', 'accounts'],
    ['contacts', 'accounts'],
    ['phone_numbers', 'contacts'],
    ['account_services', 'accounts'],
    ['radius_accounts', 'accounts'],
    ['ip_assignments', 'accounts'],
    ['ip_assignments', 'radius_accounts'],
    ['notes', 'accounts'],
    ['tickets', 'accounts'],
    ['ticket_replies', 'tickets'],
    ['ticket_comments', 'tickets'],
    ['custom_field_data', 'accounts'],
    // Customer equipment is owned by the account's serviceable address, never by the account.
    ['inventory_items', 'addresses'],
    ['inventory_model_field_data', 'inventory_items'],
    ['invoices', 'accounts'],
    ['debits', 'accounts'],
    ['payments', 'accounts'],
  ] as Array<[SnapshotTable, SnapshotTable]>
).map(([table, parent]) => memberLink(table, parent));

export const MEMBER_TABLES = new Set<SnapshotTable>(ACCOUNT_MEMBERS.map((m) => m.table));

/**
 * The Sonar account a record of `table` belongs to by its own fields: its foreign key to accounts
 * (a parent account is not an owner), or its polymorphic owner when that is an Account. Null when
 * neither says.
 */
export function accountOwner(table: string, row: SonarRow): string | null {
  const refs = Object.entries(REFERENCES[table] ?? {}).filter(([field]) => !(table === 'accounts' && field === 'parent_account_id'));
  for (const [field, target] of refs)
    if (target === 'accounts' && row[field] !== undefined && row[field] !== null) return String(row[field]);
  for (const [field, target] of refs)
    if (typeof target !== 'string' && target.tables[row[target.typeField] as string] === 'accounts') return String(row[field] ?? '');
  return null;
}

/** The `search` argument that selects a member's rows for a set of parent ids (OR of one clause per id). */
export function memberSearch(link: MemberLink, parentIds: string[]): unknown[] {
  return parentIds.map((id) =>
    'key' in link
      ? { integer_fields: [{ attribute: link.key, operator: 'EQ', search_value: id }] }
      : {
          string_fields: [{ attribute: link.polyType, search_value: link.typeName, match: true, partial_matching: false }],
          integer_fields: [{ attribute: link.polyId, operator: 'EQ', search_value: id }],
        },
  );
}

/** The account's contacts, primary first. */
export function contactsOf(account: SonarRow, ctx: Children): SonarRow[] {
  return [...ctx.children('contacts', 'contactable_id', account.id, 'contactable_type', 'Account')].sort(
    (a, b) => Number(!!b.primary) - Number(!!a.primary) || Number(a.id) - Number(b.id),
  );
}

/** The address a customer record carries: the serviceable one if there is one. */
export function mainAddress(account: SonarRow, ctx: Children): SonarRow | undefined {
  const all = ctx.children('addresses', 'addressable_id', account.id, 'addressable_type', 'Account');
  return all.find((a) => a.serviceable) ?? all.find((a) => a.type === 'PHYSICAL') ?? all[0];
}

/** The addresses (without prefix) of the IP assignments an owner holds. */
function ipsOf(ctx: Children, type: string, id: unknown): Set<string> {
  return new Set(
    ctx
      .children('ip_assignments', 'ipassignmentable_id', id, 'ipassignmentable_type', type)
      .map((a) => String(a.subnet ?? '').split('/')[0]),
  );
}

/** Why a DATA account service has no RADIUS account: none in the account, or no unambiguous one. */
export type RadiusPairing =
  | { kind: 'paired'; radius: SonarRow; rule: 'one with one' | 'by IP assignment' }
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: SonarRow[]; why: string };

/**
 * Which RADIUS account an account's DATA service logs in with. Sonar keeps RADIUS accounts on the
 * account, not on a service, so the pairing is a rule, in this order:
 *
 * 1. **One with one**: an account with exactly one DATA service and exactly one RADIUS account.
 * 2. **By IP assignment**: where Sonar links them, a RADIUS account holding an IP assignment
 *    (`ipassignmentable_type = RadiusAccount`) with the same address as one held by the service's
 *    own equipment (an inventory item whose `account_service_id` is the service), and that address
 *    links no other service and no other RADIUS account of the account.
 * 3. Otherwise: `none` when the account has no RADIUS account at all (the analyst's decision, the
 *    `service-access` table), `ambiguous` when it has some but no rule picks exactly one (the caller
 *    reports both sides: the service and each candidate).
 *
 * `dataServices` are the account's DATA account services (the caller knows the service types).
 */
export function radiusPairing(service: SonarRow, dataServices: SonarRow[], ctx: Children): RadiusPairing {
  const radius = [...ctx.children('radius_accounts', 'account_id', service.account_id)].sort((a, b) => Number(a.id) - Number(b.id));
  if (!radius.length) return { kind: 'none' };
  if (dataServices.length === 1 && radius.length === 1) return { kind: 'paired', radius: radius[0], rule: 'one with one' };
  const equipmentIps = (s: SonarRow) => {
    const out = new Set<string>();
    for (const item of ctx.children('inventory_items', 'account_service_id', s.id))
      for (const ip of ipsOf(ctx, 'InventoryItem', item.id)) out.add(ip);
    return out;
  };
  const linked = (r: SonarRow, s: SonarRow) => {
    const mine = equipmentIps(s);
    return [...ipsOf(ctx, 'RadiusAccount', r.id)].some((ip) => mine.has(ip));
  };
  const mine = radius.filter((r) => linked(r, service));
  if (mine.length === 1 && dataServices.filter((s) => linked(mine[0], s)).length === 1)
    return { kind: 'paired', radius: mine[0], rule: 'by IP assignment' };
  const why =
    mine.length > 1
      ? `${mine.length} RADIUS accounts share an IP with its equipment`
      : mine.length === 1
        ? 'the IP its equipment shares with the RADIUS account is also on another DATA service'
        : dataServices.length === 1
          ? `the account has ${radius.length} RADIUS accounts and one DATA service, and no IP assignment links one of them to it`
          : `the account has ${dataServices.length} DATA services and ${radius.length} RADIUS account${radius.length > 1 ? 's' : ''}, and no IP assignment links one to this service`;
  return { kind: 'ambiguous', candidates: mine.length > 1 ? mine : radius, why };
}

/** A snapshot's tables, as the loader's TransformContext holds them. */
interface HasTables {
  tables: Record<string, SonarRow[]>;
}

const servedBy = new WeakMap<object, Map<string, string[]>>();

/**
 * The network sites whose serviceable address list holds `addressId` (Sonar's
 * `NetworkSiteServiceableAddressList.addresses`), in id order: none, one, or several where
 * coverage overlaps. Indexed once per snapshot.
 */
export function sitesServing(addressId: unknown, ctx: HasTables): string[] {
  const lists = ctx.tables.network_site_serviceable_address_lists ?? [];
  let index = servedBy.get(lists);
  if (!index) {
    index = new Map();
    for (const list of lists) {
      for (const a of (list.addresses as unknown[] | null | undefined) ?? []) {
        const sites = index.get(String(a)) ?? [];
        if (!sites.includes(String(list.network_site_id))) sites.push(String(list.network_site_id));
        index.set(String(a), sites);
      }
    }
    for (const sites of index.values()) sites.sort((x, y) => Number(x) - Number(y));
    servedBy.set(lists, index);
  }
  return addressId === null || addressId === undefined ? [] : (index.get(String(addressId)) ?? []);
}
