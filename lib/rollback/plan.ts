/**
 * The plan of a rollback: one item per record, in the order they leave Splynx (the registry's
 * load order reversed, so members go before their owners, services before tariffs, partners
 * last; within an entity the newest first, so sub-accounts go before their parent accounts).
 *
 * A record Splynx would delete along with another (a customer's info, billing, field values and
 * comments; a service's static IP; an invoice's status) is not deleted on its own: it rides on
 * its parent's item and is marked with it. A customer or ticket whose delete would also take
 * something the rollback must not touch (a service registered by hand, a comment made in Splynx,
 * another run's service) is blocked, with the reason, instead of deleted.
 */
import { SERVICE_MODULES } from '../entities/customer-services.js';
import { ENTITIES, itemPathOf } from '../entities/index.js';
import type { LedgerRecord } from '../ledger/index.js';
import type { SplynxApi } from '../splynx/client.js';
import { CASCADES, deleteRule, type ServiceKind } from './rules.js';
import type { Candidates, OwnRecord } from './select.js';
import { readIndex, type SplynxIndex } from './splynx-index.js';

export type Action =
  /** DELETE `target`. */
  | 'delete'
  /** Not in Splynx any more (deleted by hand, or with its parent before a crash): only the ledger is marked. */
  | 'gone'
  /** Goes with the parent named in `target`. */
  | 'with-parent'
  /** Splynx has no DELETE for it and its parent stays: a row to remove by hand. */
  | 'by-hand'
  /** Deleting it would take records that are not the rollback's (see `reason`). */
  | 'blocked'
  /** A create whose answer never came: the load must settle it first. */
  | 'unsettled'
  /** Attach-only, and the record it was put on stays: nothing to delete (see `reason`). */
  | 'kept';

export interface PlanItem {
  entity: string;
  sonar_id: string;
  splynx_id: string;
  state: string;
  created_by: string | null;
  seq: number;
  action: Action;
  /** The DELETE path, or the parent (`customers 12`). */
  target: string;
  reason?: string;
  /** Records that go with this one (marked `deleted` in the same transaction). */
  children: PlanItem[];
  /** Items that must be gone before this one is deleted (its services, its sub-accounts, its ticket's replies). */
  requires: PlanItem[];
}

const ORDER = new Map(ENTITIES.map((e, i) => [e.name, i]));
const key = (entity: string, splynxId: string) => `${entity}:${splynxId}`;

function item(r: OwnRecord | LedgerRecord, action: Action, target: string, reason?: string): PlanItem {
  const own = r as Partial<OwnRecord>;
  return {
    entity: r.entity,
    sonar_id: r.sonar_id,
    splynx_id: r.splynx_id ?? '',
    state: r.state,
    created_by: own.created_by ?? r.run_id,
    seq: own.seq ?? 0,
    action,
    target,
    reason,
    children: [],
    requires: [],
  };
}

export async function buildPlan(api: SplynxApi, c: Candidates): Promise<PlanItem[]> {
  const has = (...entities: string[]) => c.selected.some((r) => entities.includes(r.entity));
  const index = await readIndex(api, {
    services: has('internet_services', 'recurring_services', 'voice_services'),
    notes: has(...CASCADES.customers.notes),
    customers: has('customers'),
    tickets: has('tickets'),
  });
  const items: PlanItem[] = c.unsettled.map((r) => item(r, 'unsettled', '', 'its create was sent and no answer came'));

  // Records deleted on their own (or already gone): the parents others can ride on.
  const parents = new Map<string, PlanItem>();
  for (const r of c.selected) {
    const rule = deleteRule(r.entity);
    let it: PlanItem | null = null;
    if (rule.kind === 'delete') it = item(r, 'delete', rule.path(r.splynx_id!));
    else if (rule.kind === 'service') {
      const customer = index.services[rule.service].get(r.splynx_id!);
      it = customer ? item(r, 'delete', servicePath(rule.service, customer, r.splynx_id!)) : item(r, 'gone', '');
    } else if (rule.kind === 'note' && !index.notes.has(r.splynx_id!)) it = item(r, 'gone', '');
    if (it) (items.push(it), parents.set(key(it.entity, it.splynx_id), it));
  }

  // Attach-only records and comments: with a parent that goes (even one another run created: Splynx takes it anyway).
  const selected = new Set(c.selected);
  for (const r of c.own) {
    const rule = deleteRule(r.entity);
    if (rule.kind === 'attached') {
      const parent = rule
        .parents(r.splynx_id!)
        .map((p) => parents.get(key(p.entity, p.splynxId)))
        .filter((p): p is PlanItem => !!p)
        .sort(byOrder)[0];
      if (parent) parent.children.push(item(r, 'with-parent', `${parent.entity} ${parent.splynx_id}`));
      else if (selected.has(r))
        items.push(
          item(
            r,
            'kept',
            '',
            `attach-only: it goes only with its ${rule
              .parents(r.splynx_id!)
              .map((p) => p.entity)
              .join(' or ')}, which this rollback keeps`,
          ),
        );
    } else if (rule.kind === 'note' && index.notes.has(r.splynx_id!)) {
      const parent = parents.get(key('customers', index.notes.get(r.splynx_id!)!));
      if (parent) parent.children.push(item(r, 'with-parent', `customers ${parent.splynx_id}`));
      else if (selected.has(r))
        items.push(
          item(
            r,
            'by-hand',
            `customer ${index.notes.get(r.splynx_id!)}`,
            'Splynx has no DELETE for customer comments and its customer stays',
          ),
        );
    }
  }

  guardCascades(parents, c, index);
  return items.sort(byOrder);
}

export const servicePath = (kind: ServiceKind, customerId: string, serviceId: string) =>
  itemPathOf(SERVICE_MODULES[kind], serviceId, { customer_id: customerId });

/** Reverse load order; within an entity, the newest first. */
function byOrder(a: PlanItem, b: PlanItem): number {
  return (ORDER.get(b.entity) ?? 0) - (ORDER.get(a.entity) ?? 0) || b.seq - a.seq;
}

/**
 * What Splynx deletes with a customer (its services, comments, documents; its sub-accounts are
 * refused) and with a ticket (its messages) must be the rollback's own and go first; anything
 * else blocks the delete, so a rollback never takes a record it did not create.
 */
function guardCascades(parents: Map<string, PlanItem>, c: Candidates, index: SplynxIndex): void {
  const own = new Map(c.own.map((r) => [key(r.entity, r.splynx_id!), r]));
  const known = new Map(c.known.map((r) => [key(r.entity, r.splynx_id!), r]));
  const describe = (entity: string, id: string) => {
    const r = own.get(key(entity, id)) ?? known.get(key(entity, id));
    if (!r) return `${entity} ${id} (not created by the migration)`;
    if (r.state === 'external')
      return `${entity} ${id} (Sonar ${r.sonar_id}, external: registered or adopted, not created by the migration)`;
    const by = own.get(key(entity, id))?.created_by;
    return `${entity} ${id} (Sonar ${r.sonar_id}, ${by ? `created by run ${by}, ` : ''}not in this rollback)`;
  };
  const grouped = (m: Map<string, string>) => {
    const out = new Map<string, string[]>();
    for (const [id, owner] of m) out.set(owner, [...(out.get(owner) ?? []), id]);
    return out;
  };
  const servicesOf = new Map<string, Array<{ entity: string; id: string }>>();
  for (const kind of ['internet', 'recurring', 'voice'] as const) {
    for (const [id, customer] of index.services[kind])
      servicesOf.set(customer, [...(servicesOf.get(customer) ?? []), { entity: `${kind}_services`, id }]);
  }
  const notesOf = grouped(index.notes);
  const documentsOf = grouped(index.documents);
  const subAccountsOf = grouped(index.customerParents);
  const noteEntities: readonly string[] = CASCADES.customers.notes;

  for (const p of [...parents.values()].filter((x) => x.entity === 'customers' && x.action === 'delete')) {
    const blockers: string[] = [];
    const requireOrBlock = (entity: string, id: string) => {
      const goes = parents.get(key(entity, id));
      if (goes) p.requires.push(goes);
      else blockers.push(describe(entity, id));
    };
    for (const s of servicesOf.get(p.splynx_id) ?? []) requireOrBlock(s.entity, s.id);
    for (const sub of subAccountsOf.get(p.splynx_id) ?? []) requireOrBlock('customers', sub);
    const riding = new Set(p.children.filter((ch) => noteEntities.includes(ch.entity)).map((ch) => ch.splynx_id));
    for (const n of notesOf.get(p.splynx_id) ?? []) {
      if (!riding.has(n)) blockers.push(describe(noteEntities.find((e) => known.has(key(e, n))) ?? 'customer comment', n));
    }
    for (const d of documentsOf.get(p.splynx_id) ?? []) blockers.push(`customer document ${d} (not created by the migration)`);
    block(p, blockers);
  }

  const messagesOf = grouped(index.messages);
  for (const p of [...parents.values()].filter((x) => x.entity === 'tickets' && x.action === 'delete')) {
    const blockers: string[] = [];
    for (const m of messagesOf.get(p.splynx_id) ?? []) {
      const entity = CASCADES.tickets.messages.find((e) => known.has(key(e, m)));
      if (!entity) continue; // the ticket's first message, or one Splynx wrote itself: part of the ticket
      const goes = parents.get(key(entity, m));
      if (goes) p.requires.push(goes);
      else blockers.push(describe(entity, m));
    }
    block(p, blockers);
  }
}

function block(p: PlanItem, blockers: string[]): void {
  if (!blockers.length) return;
  p.action = 'blocked';
  p.reason = `Splynx would delete with it ${blockers.join(', ')}`;
}
