/**
 * What the ledger does not know and a rollback must: which customer a service or a comment sits
 * under (a service's DELETE path names it; a comment can only go with it), what else Splynx would
 * delete along with a customer or a ticket, and which customers are sub-accounts of which. Read
 * from Splynx once per rollback, a page at a time, and only for the entities it covers.
 */
import { customerNotes } from '../entities/customer-notes.js';
import { SERVICE_MODULES } from '../entities/customer-services.js';
import { customers } from '../entities/customers.js';
import { ticketReplies } from '../entities/ticket-replies.js';
import type { SplynxApi } from '../splynx/client.js';
import type { ServiceKind } from './rules.js';

const PAGE = 1000;

/** Every row of a Splynx list, paged by id (a real instance may hold more than one answer should carry). */
export async function listAll(api: SplynxApi, path: string, search: Record<string, unknown> = {}): Promise<Array<Record<string, string>>> {
  const all: Array<Record<string, string>> = [];
  const seen = new Set<string>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.get<Array<Record<string, string>>>(path, { ...search, order: { id: 'ASC' }, limit: PAGE, offset });
    const fresh = page.filter((r) => !seen.has(String(r.id)));
    for (const r of fresh) (seen.add(String(r.id)), all.push(r));
    // A server that ignores paging answers everything at once (then the next page repeats it).
    if (page.length < PAGE || !fresh.length) return all;
  }
}

export interface SplynxIndex {
  /** Service id → its customer id, per kind. */
  services: Record<ServiceKind, Map<string, string>>;
  /** Customer comment id → its customer id. */
  notes: Map<string, string>;
  /** Customer document id → its customer id (the migration makes none: any one is somebody else's). */
  documents: Map<string, string>;
  /** Ticket message id → its ticket id. */
  messages: Map<string, string>;
  /** Customer id → its parent customer id, for sub-accounts. */
  customerParents: Map<string, string>;
}

const byField = (rows: Array<Record<string, string>>, field: string) => new Map(rows.map((r) => [String(r.id), String(r[field] ?? '')]));

export async function readIndex(
  api: SplynxApi,
  needs: { services: boolean; notes: boolean; customers: boolean; tickets: boolean },
): Promise<SplynxIndex> {
  const kinds: ServiceKind[] = ['internet', 'recurring', 'voice'];
  const services = { internet: new Map(), recurring: new Map(), voice: new Map() } as SplynxIndex['services'];
  if (needs.services || needs.customers) {
    for (const kind of kinds) services[kind] = byField(await listAll(api, SERVICE_MODULES[kind].endpoint), 'customer_id');
  }
  const notes =
    needs.notes || needs.customers ? byField(await listAll(api, customerNotes.endpoint), 'customer_id') : new Map<string, string>();
  const documents = needs.customers
    ? byField(await listAll(api, 'admin/customers/customer-documents'), 'customer_id')
    : new Map<string, string>();
  const messages = needs.tickets ? byField(await listAll(api, ticketReplies.endpoint), 'ticket_id') : new Map<string, string>();
  const customerParents = new Map<string, string>();
  if (needs.customers) {
    const subAccounts = await listAll(api, customers.endpoint, { main_attributes: { parent_id: ['>', '0'] } });
    for (const c of subAccounts) if (c.parent_id && c.parent_id !== '0') customerParents.set(String(c.id), String(c.parent_id));
  }
  return { services, notes, documents, messages, customerParents };
}
