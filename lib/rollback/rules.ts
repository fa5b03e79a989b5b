/**
 * How each migrated entity leaves Splynx again, as the API description
 * (../shared/reference/splynx/api-v2.apib) allows. By default a record is deleted on its own
 * path, `DELETE {itemPath}` (lib/entities/defaults.ts: `{endpoint}/{id}` unless the module says
 * otherwise); only the entities that do not leave that way are listed here:
 *
 * | entity                                   | how                                                     |
 * |------------------------------------------|---------------------------------------------------------|
 * | customer_fields                          | `DELETE admin/config/additional-fields/customers--{name}`: the ledger's id of a field is its name |
 * | internet/recurring/voice services        | `DELETE admin/customers/customer/{customer}/{kind}-services--{id}`: the customer is read from Splynx |
 * | customer_notes, customer_contacts        | Splynx documents no DELETE for customer comments: they go with their customer, or are removed by hand |
 * | customer_info, customer_billing, customer_field_values, service_ips, invoice_status | attach-only (a PUT onto a record Splynx made): never deleted on their own, they go with the record they were put on |
 *
 * An attach-only entity, or one created under another record (`createPath`), has no default: it
 * must be listed here, and the conformance test (test/entity-conformance.test.ts) says so.
 */
import { CUSTOMER_FIELDS_PATH } from '../entities/additional-fields.js';
import { ENTITIES, itemPathOf, type EntityModule } from '../entities/index.js';

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

/** The entities that do not leave by a plain DELETE of their own record. */
const EXCEPTIONS: Record<string, DeleteRule> = {
  customer_fields: { kind: 'delete', path: (name) => `${CUSTOMER_FIELDS_PATH}--${name}` },
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
  invoice_status: { kind: 'attached', parents: (id) => [{ entity: 'invoices', splynxId: id }] },
};

const defaults = new WeakMap<EntityModule, DeleteRule>();

/**
 * The rule of an entity (a registered name, or a module): its exception above, else a DELETE of
 * its own record. An entity that needs an exception and has none is a programming error.
 */
export function deleteRule(entity: string | EntityModule): DeleteRule {
  const name = typeof entity === 'string' ? entity : entity.name;
  const rule = EXCEPTIONS[name];
  if (rule) return rule;
  const mod = typeof entity === 'string' ? ENTITIES.find((e) => e.name === entity) : entity;
  if (!mod) throw new Error(`No rollback rule for entity ${name}: it is not a registered entity`);
  if (mod.attachTo || mod.createPath)
    throw new Error(
      `No rollback rule for entity ${name}: it is ${mod.attachTo ? 'attach-only' : 'created under another record'}, so say in lib/rollback/rules.ts how it leaves Splynx`,
    );
  let own = defaults.get(mod);
  if (!own) defaults.set(mod, (own = { kind: 'delete', path: (id) => itemPathOf(mod, id) }));
  return own;
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
