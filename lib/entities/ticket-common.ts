/**
 * What tickets and their messages share: who the customer is, which Splynx administrator a Sonar
 * user became, and the shape and natural key of a ticket message.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import type { Row, SplynxReader, TransformContext } from './types.js';

/**
 * The ledger name of the administrators entity (Sonar users → Splynx admins), written by another
 * module. References to it are optional: until administrators are migrated, a ticket has no
 * assignee and a staff message no admin id, and the next run fills them in as an update.
 */
export const ADMIN_ENTITY = 'administrators';

/** The Splynx admin a Sonar user became, or undefined (not migrated, or no user). */
export function adminRef(ctx: TransformContext, userId: unknown): string | undefined {
  return ctx.optionalRef(ADMIN_ENTITY, userId) ?? undefined;
}

/**
 * The Splynx customer of a ticket: its Account owner. Tickets owned by a network site (or by
 * nothing) are internal and go without a customer, which Splynx allows.
 */
export function ticketCustomer(ticket: Row, ctx: TransformContext): string | undefined {
  return ticket.ticketable_type === 'Account' ? ctx.ref('customers', ticket.ticketable_id) : undefined;
}

/**
 * The Sonar account a support record belongs to, for batch runs (one customer, a few accounts):
 * a ticket through its Account owner, a reply or comment through its ticket. Null for internal
 * tickets. lib/load/run.ts selects batch records by `account_id`, which these tables do not have.
 */
export function supportAccountOf(row: Row, ctx: TransformContext): string | null {
  const ticket = 'ticketable_type' in row ? row : ctx.byId('tickets', row.ticket_id);
  return ticket?.ticketable_type === 'Account' && ticket.ticketable_id ? String(ticket.ticketable_id) : null;
}

const id = z.string().regex(/^\d+$/);
export const messageDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const messageTime = z.string().regex(/^\d{2}:\d{2}:\d{2}$/);

/** One message of a ticket, as POSTed to `admin/support/ticket-messages`. */
export const ticketMessagePayload = z.object({
  ticket_id: id,
  customer_id: id.optional(),
  admin_id: id.optional(),
  author_type: z.enum(['admin', 'customer', 'system']),
  source: z.enum(['administration', 'incoming']),
  hide_for_customer: z.enum(['0', '1']),
  date: messageDate,
  time: messageTime,
  message: z.string().trim().min(1).max(SPLYNX_LIMITS.ticket_messages.message),
});
export type TicketMessagePayload = z.infer<typeof ticketMessagePayload>;

/**
 * Ticket messages take no additional fields, so they are found again by what they are: the
 * ticket, the second they were written, who wrote them, visibility and the text. Two Sonar
 * messages equal in all of these would be one message in Splynx, which is what they are.
 */
export function findTicketMessage(p: TicketMessagePayload) {
  return {
    key: `ticket ${p.ticket_id} message at ${p.date} ${p.time} by ${p.author_type}${p.hide_for_customer === '1' ? ' (hidden)' : ''}`,
    async find(api: SplynxReader, at: string): Promise<string | null> {
      const rows = await api.get<Array<{ id: string; message: string; author_type: string; hide_for_customer: string }>>(at, {
        main_attributes: { ticket_id: p.ticket_id, date: p.date, time: p.time },
      });
      const same = rows.filter(
        (r) => r.message === p.message && r.author_type === p.author_type && String(r.hide_for_customer) === p.hide_for_customer,
      );
      return same[0]?.id ?? null;
    },
  };
}
