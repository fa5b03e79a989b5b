/**
 * Sonar ticket replies → Splynx ticket messages the customer sees.
 *
 * | Sonar                         | Splynx                                  | note                                          |
 * |-------------------------------|-----------------------------------------|-----------------------------------------------|
 * | `ticket_id`                   | `ticket_id`                             | via the migrated tickets                      |
 * | `body`                        | `message`                               |                                               |
 * | `incoming = false`, `user_id` | `author_type = admin`, `admin_id`       | admin id via the migrated administrators, when they are |
 * | `incoming = true`             | `author_type = customer`, `customer_id` | the ticket's customer                         |
 * | `incoming = true`, no customer | `author_type = system`, "From: author <email>" first line | a reply from outside on an internal ticket |
 * | `incoming`                    | `source`                                | `incoming`, or `administration` for an admin's reply |
 * | `created_at`                  | `date`, `time`                          | naive local time in the configured timezone   |
 * | (always)                      | `hide_for_customer = 0`                 | replies are the customer-visible thread       |
 *
 * No place in Splynx: `author`/`author_email` of staff replies (the admin id says who), mail
 * headers, signatures and attachments. Messages take no additional fields, so the natural key is
 * the message itself (ticket, second, author, text); see findTicketMessage.
 */
import { localDatetime, splitDatetime } from './sonar-values.js';
import {
  ADMIN_ENTITY,
  adminRef,
  findTicketMessage,
  supportAccountOf,
  ticketCustomer,
  ticketMessagePayload,
  type TicketMessagePayload,
} from './ticket-common.js';
import { TransformError, type EntityModule } from './types.js';

export const ticketReplies: EntityModule<TicketMessagePayload> = {
  name: 'ticket_replies',
  phase: 'support',
  source: 'ticket_replies',
  accountOf: supportAccountOf,
  endpoint: 'admin/support/ticket-messages',
  dependsOn: ['tickets', 'customers'],
  after: [ADMIN_ENTITY],
  payload: ticketMessagePayload,
  transform(reply, ctx) {
    const body = String(reply.body ?? '').trim();
    if (!body)
      throw new TransformError(
        `reply ${reply.id} has no text`,
        'message',
        'Nothing to carry: delete the empty reply in Sonar, or accept this row',
      );
    const ticket = ctx.byId('tickets', reply.ticket_id);
    const ticketId = ctx.ref('tickets', reply.ticket_id);
    const when = splitDatetime(localDatetime(reply, 'created_at', 'ticket reply', ctx.timezone));
    const base = { ticket_id: ticketId, hide_for_customer: '0' as const, ...when };
    if (reply.incoming !== true) {
      const admin = adminRef(ctx, reply.user_id);
      return { ...base, author_type: 'admin', source: 'administration', ...(admin ? { admin_id: admin } : {}), message: body };
    }
    const customer = ticket ? ticketCustomer(ticket, ctx) : undefined;
    if (customer) return { ...base, author_type: 'customer', source: 'incoming', customer_id: customer, message: body };
    // Someone outside wrote on an internal ticket: Splynx has no author for them, so the text keeps it.
    const from = [String(reply.author ?? '').trim(), reply.author_email ? `<${String(reply.author_email).trim()}>` : '']
      .filter(Boolean)
      .join(' ');
    return { ...base, author_type: 'system', source: 'incoming', message: from ? `From: ${from}\n\n${body}` : body };
  },
  naturalKey: (p) => findTicketMessage(p),
};
