/**
 * Sonar ticket comments (internal staff notes) → Splynx ticket messages hidden from the customer.
 *
 * | Sonar        | Splynx                              | note                                            |
 * |--------------|-------------------------------------|-------------------------------------------------|
 * | `ticket_id`  | `ticket_id`                         | via the migrated tickets                        |
 * | `body`       | `message`                           |                                                 |
 * | `user_id`    | `author_type = admin`, `admin_id`   | admin id via the migrated administrators, when they are |
 * | (always)     | `source = administration`           | written by staff                                |
 * | (none)       | `customer_id`, never set            | a comment is staff's, whoever the ticket is for |
 * | `created_at` | `date`, `time`                      | naive local time in the configured timezone     |
 * | (always)     | `hide_for_customer = 1`             | comments are internal: the customer never sees them |
 *
 * No place in Splynx: attachments. Natural key as for replies (findTicketMessage).
 */
import { localDatetime, splitDatetime } from './sonar-values.js';
import {
  ADMIN_ENTITY,
  adminRef,
  findTicketMessage,
  supportAccountOf,
  ticketMessagePayload,
  type TicketMessagePayload,
} from './ticket-common.js';
import { ticketReplies } from './ticket-replies.js';
import { TransformError, type EntityModule } from './types.js';

export const ticketComments: EntityModule<TicketMessagePayload> = {
  name: 'ticket_comments',
  phase: 'support',
  source: 'ticket_comments',
  accountOf: supportAccountOf,
  endpoint: ticketReplies.endpoint,
  dependsOn: ['tickets', 'customers'],
  after: [ADMIN_ENTITY],
  payload: ticketMessagePayload,
  transform(comment, ctx) {
    const body = String(comment.body ?? '').trim();
    if (!body)
      throw new TransformError(
        `comment ${comment.id} has no text`,
        'message',
        'Nothing to carry: delete the empty comment in Sonar, or accept this row',
      );
    const admin = adminRef(ctx, comment.user_id);
    return {
      ticket_id: ctx.ref('tickets', comment.ticket_id),
      author_type: 'admin',
      source: 'administration',
      ...(admin ? { admin_id: admin } : {}),
      hide_for_customer: '1',
      ...splitDatetime(localDatetime(comment, 'created_at', 'ticket comment', ctx.timezone)),
      message: body,
    };
  },
  naturalKey: (p) => findTicketMessage(p),
};
