/**
 * What verification needs to know about each entity beyond its module (lib/entities): how its
 * migrated records are counted in Splynx, where one is read back, and which payload fields
 * Splynx does not echo. Kept here, not in the entity modules, because only verification uses it.
 *
 * Counting "migrated records in Splynx". A Splynx collection also holds what was there before the
 * migration (a fresh instance's partner 1 and location 1, records made by hand), so a bare
 * `HEAD <collection>` would not equal the ledger. Every entity that carries the `sonar_id`
 * additional field is counted by it instead (`sonar_id != ''`): exactly the records the migration
 * wrote, wherever they are, and nothing else. That is better than a baseline taken before the
 * load, which would need to have been recorded and would count a hand-made record added since as
 * migrated. Entities without the field are counted by what marks them as migrated: notes by their
 * "Sonar note N" / "Sonar contacts of account N" titles, custom-field definitions by the names the
 * ledger holds, ticket messages as the messages of migrated tickets.
 *
 * Attach-only entities (customer info and billing, custom-field values, service IPs, invoice
 * status) have no collection of their own: they are values on another record, so they have no
 * census and are reconciled field by field.
 *
 * Fields not compared. Create-only fields (an administrator's first password, lib/entities/
 * administrators.ts) are not part of the payload, so they never reach the comparison. The `skip`
 * lists below name the payload fields Splynx does not give back as sent; `ownedElsewhere` names
 * fields of a record that a later entity overwrites on purpose (a static IP on its service).
 */
import { SONAR_ID_FIELD } from '../entities/sonar-id.js';
import type { EntityModule, Row } from '../entities/types.js';
import type { LedgerView } from './ledger-view.js';
import type { VerifySession } from './session.js';

export interface Census {
  /** The Splynx collection. */
  path: string;
  /** Searches whose `X-total-count`s add up to the entity's migrated records (an IN list is cut into several). */
  searches(s: VerifySession): Array<Record<string, unknown>>;
  /** The Sonar id a Splynx record claims, to name a record the ledger does not know. */
  sonarIdOf(row: Row): string;
  /** The key the ledger holds as this record's Splynx id; default its `id`. */
  keyOf?(row: Row): string;
  /** Records the searches also find that belong to another entity: how many, and which (from a listing). */
  others?: { count(s: VerifySession): number; ids(rows: Row[], s: VerifySession): Set<string> };
}

export interface VerifySpec {
  /** Undefined: attach-only, reconciled field by field. */
  census?: Census;
  /** GET path of one record; default the loader's own (`itemPath`, else `endpoint/id`). */
  readPath?(splynxId: string, payload: Row): string;
  /** Payload fields Splynx never echoes, with the reason (dotted paths for nested fields). */
  skip?: Record<string, string>;
  /** Fields of this record that another entity writes later (a static IP on an internet service). */
  ownedElsewhere?(splynxId: string, s: VerifySession): string[];
  /**
   * An attach-only entity's values live on another entity's record (an invoice's status on the
   * invoice): when that entity's records were listed, they are read from the listing, not one by one.
   */
  onRecordOf?: { entity: string; id(splynxId: string, payload: Row): string };
}

const claimed = (row: Row) => String((row.additional_attributes as Record<string, unknown> | undefined)?.[SONAR_ID_FIELD] ?? '');

/** Records carrying a sonar_id, optionally with further conditions. */
const bySonarId = (path: string, more: { main?: Record<string, unknown>; pattern?: string } = {}): Census => ({
  path,
  searches: () => [
    {
      additional_attributes: { [SONAR_ID_FIELD]: more.pattern ? ['LIKE', more.pattern] : ['!=', ''] },
      ...(more.main ? { main_attributes: more.main } : {}),
    },
  ],
  sonarIdOf: claimed,
});

const byTitle = (prefix: string): Census => ({
  path: 'admin/customers/customer-notes',
  searches: () => [{ main_attributes: { title: ['LIKE', `${prefix}%`] } }],
  sonarIdOf: (row) => String(row.title ?? '').slice(prefix.length),
});

const IN_CHUNK = 100;
const chunks = <T>(xs: T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / IN_CHUNK) }, (_, i) => xs.slice(i * IN_CHUNK, (i + 1) * IN_CHUNK));
const doneIds = (ledger: LedgerView, entity: string) => ledger.done(entity).map((r) => r.splynx_id!);

/**
 * A migrated ticket's Sonar description is its first Splynx message, created with the ticket
 * (lib/entities/tickets.ts). It belongs to `tickets`, so the replies' count leaves it out: one per
 * migrated ticket with a description, the ticket's lowest message id in a listing.
 */
function withDescription(s: VerifySession): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of s.ledger.done('tickets')) {
    const ticket = s.ctx.byId('tickets', r.sonar_id);
    if (String(ticket?.description ?? '').trim()) out.set(r.splynx_id!, r.sonar_id);
  }
  return out;
}

const ticketMessages = (hidden: '0' | '1', others?: Census['others']): Census => ({
  path: 'admin/support/ticket-messages',
  searches: (s) =>
    chunks(doneIds(s.ledger, 'tickets')).map((ids) => ({ main_attributes: { ticket_id: ['IN', ids], hide_for_customer: hidden } })),
  sonarIdOf: () => '',
  others,
});

const firstMessages: Census['others'] = {
  count: (s) => withDescription(s).size,
  ids(rows, s) {
    const tickets = withDescription(s);
    const first = new Map<string, number>();
    for (const r of rows) {
      const t = String(r.ticket_id);
      if (tickets.has(t) && (!first.has(t) || Number(r.id) < first.get(t)!)) first.set(t, Number(r.id));
    }
    return new Set([...first.values()].map(String));
  },
};

const noteAt = (id: string, p: Row) => `admin/customers/customer-notes/${p.customer_id}--${id}`;

export const VERIFY_SPECS: Record<string, VerifySpec> = {
  partners: { census: bySonarId('admin/administration/partners') },
  administrators: { census: bySonarId('admin/administration/administrators') },
  customer_fields: {
    // Definitions are keyed by name (the ledger's Splynx id): one made by hand is not the migration's.
    census: {
      path: 'admin/config/additional-fields/customers',
      searches: (s) => chunks(doneIds(s.ledger, 'customer_fields')).map((names) => ({ main_attributes: { name: ['IN', names] } })),
      sonarIdOf: () => '',
      keyOf: (row) => String(row.name),
    },
  },
  tariffs_internet: { census: bySonarId('admin/tariffs/internet') },
  tariffs_recurring: { census: bySonarId('admin/tariffs/recurring') },
  tariffs_voice: { census: bySonarId('admin/tariffs/voice') },
  tariffs_one_time: { census: bySonarId('admin/tariffs/one-time') },
  // Supernets and subnets share Splynx's IPv4 list; their sonar_id says which table they came from.
  ipv4_rootnets: { census: bySonarId('admin/networking/ipv4', { pattern: 'supernet:%' }) },
  ipv4_networks: { census: bySonarId('admin/networking/ipv4', { pattern: 'subnet:%' }) },
  network_site_locations: { census: bySonarId('admin/administration/locations') },
  network_site_routers: { census: bySonarId('admin/networking/routers') },
  inventory_vendors: { census: bySonarId('admin/inventory/vendors') },
  inventory_products: { census: bySonarId('admin/inventory/products') },
  // Both item entities share Splynx's item list: equipment at a customer is the `assigned` one.
  inventory_items: { census: bySonarId('admin/inventory/items', { main: { status: ['!=', 'assigned'] } }) },
  customer_equipment: { census: bySonarId('admin/inventory/items', { main: { status: 'assigned' } }) },
  customers: { census: bySonarId('admin/customers/customer') },
  customer_info: { skip: { customer_id: 'the record is addressed by its customer id, not a field of it' } },
  customer_billing: {},
  customer_field_values: {
    skip: { customer_id: 'the values are read from the customer record itself' },
    onRecordOf: { entity: 'customers', id: (_sid, p) => String(p.customer_id) },
  },
  internet_services: {
    // Customer 0 lists every customer's services (Splynx wants a search with it; the sonar_id is one).
    census: bySonarId('admin/customers/customer/0/internet-services'),
    ownedElsewhere: (sid, s) => (serviceIpTargets(s).has(sid) ? ['taking_ipv4', 'ipv4', 'ipv4_route'] : []),
  },
  service_ips: {
    skip: { id: 'the service the address is attached to, not a field Splynx stores' },
    onRecordOf: { entity: 'internet_services', id: (sid) => sid },
  },
  recurring_services: { census: bySonarId('admin/customers/customer/0/recurring-services') },
  voice_services: { census: bySonarId('admin/customers/customer/0/voice-services') },
  customer_notes: { census: byTitle('Sonar note '), readPath: noteAt },
  customer_contacts: { census: byTitle('Sonar contacts of account '), readPath: noteAt },
  // Only the coverage transactions carry a sonar_id: Splynx's own charges (to-bill --generate) do not.
  billing_coverage: { census: bySonarId('admin/finance/transactions') },
  invoices: { census: bySonarId('admin/finance/invoices') },
  invoice_status: {
    skip: { invoice_id: 'the record is addressed by the invoice id' },
    onRecordOf: { entity: 'invoices', id: (sid) => sid },
  },
  payments: { census: bySonarId('admin/finance/payments') },
  tickets: {
    census: bySonarId('admin/support/tickets'),
    skip: {
      message: 'the first message is stored as a ticket message (counted under tickets, not echoed on the ticket)',
      updated_at: 'Splynx stamps it itself whenever the ticket changes',
    },
  },
  ticket_replies: { census: ticketMessages('0', firstMessages) },
  ticket_comments: { census: ticketMessages('1') },
};

/** The internet services a static IP was attached to: their IP fields are service_ips' to check. */
const ipTargets = new WeakMap<VerifySession, Set<string>>();
function serviceIpTargets(s: VerifySession): Set<string> {
  let t = ipTargets.get(s);
  if (!t) ipTargets.set(s, (t = new Set(doneIds(s.ledger, 'service_ips'))));
  return t;
}

export function specOf(mod: EntityModule): VerifySpec {
  const spec = VERIFY_SPECS[mod.name];
  if (!spec) throw new Error(`lib/verify/specs.ts has nothing for entity ${mod.name}: say how it is counted and read back`);
  return spec;
}

/** Where one record is read back from Splynx. */
export function readPath(mod: EntityModule, splynxId: string, payload: Row): string {
  return specOf(mod).readPath?.(splynxId, payload) ?? mod.itemPath?.(splynxId, payload) ?? `${mod.endpoint}/${splynxId}`;
}
