/**
 * Sonar tickets → Splynx tickets, the Sonar description as the ticket's first message.
 *
 * | Sonar                                | Splynx                         | note                                                     |
 * |--------------------------------------|--------------------------------|----------------------------------------------------------|
 * | `subject`                            | `subject`                      | cut to 255; the full subject then goes in `note`         |
 * | `description`                        | `message` (first message)      | visible to the customer; author below                    |
 * | `status`                             | `status_id`                    | mapping table `ticket-status` → a Splynx status id       |
 * | `status = CLOSED`                    | `closed = 1`                   |                                                          |
 * | `priority`                           | `priority`                     | mapping table `ticket-priority` (low/medium/high/urgent) |
 * | `ticket_group_id`                    | `group_id`                     | mapping table `ticket-group` → a Splynx group id         |
 * | (categories: a join table)           | `type_id`                      | mapping table `ticket-type`, row `default` (see below)   |
 * | `ticketable_type = Account`, `ticketable_id` | `customer_id`, `reporter_type = customer`, `reporter_id` | via the migrated customers            |
 * | `ticketable_type = NetworkSite`      | no customer, `reporter_type = none`; the site in `note` | an internal ticket (Splynx allows tickets without customer) |
 * | `user_id` (assignee)                 | `assign_to`                    | via the migrated administrators, when they are           |
 * | `created_at`, `updated_at`           | `created_at`, `updated_at`     | naive local time in the configured timezone              |
 * | `id`                                 | `additional_attributes.sonar_id` |                                                        |
 * | `due_date`, `closed_at`, `parent_ticket_id` | `note`                  | Splynx tickets have no due date, close time or parent; the parent is loaded first so the note can name its Splynx id |
 *
 * Who wrote the description Sonar does not record. A public ticket (one that came in through an
 * inbound mailbox) is the customer's; an internal one was opened by staff, so its first message is
 * an admin's (which admin is unknown). Either way it stays visible to the customer: it is the
 * request the whole thread answers. The first message goes with the create only: a description
 * edited in Sonar later is not carried (an update changes the ticket, not its messages).
 *
 * Ticket categories are many-to-many in Sonar, in a join table that neither the API's list queries
 * nor the snapshot read, so a ticket's category cannot be known: every ticket takes the `default`
 * row of `ticket-type`. Statuses, groups and types can only be read through Splynx's API, not
 * created: the proposals are a fresh Splynx's ids, to be checked with checkLookupMappings.
 *
 * No place in Splynx, left in Sonar's export: `company_id` (the customer's partner says it),
 * `inbound_mailbox_id`, attachments, tasks, jobs and the ticket's custom-field data.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { localDatetime, splitDatetime } from './sonar-values.js';
import { ADMIN_ENTITY, adminRef, messageDate, messageTime, ticketCustomer } from './ticket-common.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const SONAR_TICKET_STATUSES = ['OPEN', 'PENDING_INTERNAL', 'PENDING_EXTERNAL', 'CLOSED'] as const;
export const SONAR_TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
/** The one `ticket-type` row every ticket uses, since a ticket's categories cannot be read. */
export const DEFAULT_TYPE_ROW = 'default';
const SUBJECT_MAX = SPLYNX_LIMITS.tickets.subject;

const id = z.string().regex(/^\d+$/);
const datetime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
const firstMessage = z.object({
  message: z.string().trim().min(1).max(SPLYNX_LIMITS.ticket_messages.message),
  author_type: z.enum(['admin', 'customer']),
  customer_id: id.optional(),
  hide_for_customer: z.literal('0'),
  source: z.enum(['administration', 'incoming']),
  date: messageDate,
  time: messageTime,
});
const payload = z.object({
  subject: z.string().trim().min(1).max(SUBJECT_MAX),
  priority: z.enum(TICKET_PRIORITIES),
  status_id: id,
  closed: z.enum(['0', '1']),
  type_id: id,
  group_id: id.optional(),
  customer_id: id.optional(),
  reporter_type: z.enum(['customer', 'admin', 'none']),
  reporter_id: id.optional(),
  assign_to: id.optional(),
  created_at: datetime,
  updated_at: datetime,
  note: z.string().max(SPLYNX_LIMITS.tickets.note),
  message: firstMessage.optional(),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

/** Fresh-instance Splynx ticket statuses: 1 New, 2 Work in progress, 3 Resolved, 4 Waiting on customer, 5 Waiting on agent. */
export function proposeTicketStatus(status: string): [string, string] {
  switch (status) {
    case 'OPEN':
      return ['1', 'open: "New" (1), marked open, on a fresh Splynx'];
    case 'PENDING_INTERNAL':
      return ['5', 'waiting on our staff: "Waiting on agent" (5) on a fresh Splynx'];
    case 'PENDING_EXTERNAL':
      return ['4', 'waiting on the customer: "Waiting on customer" (4) on a fresh Splynx'];
    case 'CLOSED':
      return ['3', 'closed: "Resolved" (3), marked closed, on a fresh Splynx'];
    default:
      return ['1', `"${status}" is not a Sonar ticket status this table knows: "New" (1) until decided`];
  }
}

export function proposeTicketPriority(priority: string): [string, string] {
  const p = priority.toUpperCase();
  if (p === 'CRITICAL') return ['urgent', 'Splynx calls its highest priority "urgent"'];
  if (p === 'LOW' || p === 'MEDIUM' || p === 'HIGH') return [p.toLowerCase(), 'same priority name in Splynx'];
  return ['medium', `"${priority}" is not a Sonar priority: medium until decided`];
}

/** Fresh-instance Splynx ticket groups: 1 General, 2 Technical support, 3 Billing. */
const FRESH_GROUPS: Array<[string, RegExp]> = [
  ['2', /tech|support|network|noc|outage/i],
  ['3', /bill|account|payment|financ/i],
];
export function proposeTicketGroup(name: string): [string, string] {
  if (/^\s*technical support\s*$/i.test(name)) return ['2', 'same name as Splynx group 2 "Technical support"'];
  if (/^\s*billing\s*$/i.test(name)) return ['3', 'same name as Splynx group 3 "Billing"'];
  const near = FRESH_GROUPS.find(([, re]) => re.test(name));
  const why = 'Splynx groups cannot be created through the API: create one in the Splynx support settings and put its id here';
  if (near) return [near[0], `"${name}" reads like Splynx group ${near[0]}; ${why} to keep them apart`];
  return ['1', `no Splynx group like "${name}": General (1); ${why}`];
}

function countBy(ctx: TransformContext, field: string, value: string): number {
  return (ctx.tables.tickets ?? []).filter((t) => String(t[field]) === value).length;
}

function noteLines(ticket: Row, ctx: TransformContext, subject: string): string[] {
  const lines = [`Sonar ticket ${ticket.id}`];
  if ([...subject].length > SUBJECT_MAX) lines.push(`Full subject: ${subject}`);
  if (ticket.ticketable_type && ticket.ticketable_type !== 'Account') {
    const owner = ticket.ticketable_type === 'NetworkSite' ? ctx.byId('network_sites', ticket.ticketable_id) : undefined;
    lines.push(`About ${ticket.ticketable_type} ${ticket.ticketable_id}${owner?.name ? ` "${String(owner.name).trim()}"` : ''}`);
  }
  if (ticket.due_date) lines.push(`Due ${ticket.due_date}`);
  if (ticket.closed_at) lines.push(`Closed at ${localDatetime(ticket, 'closed_at', 'ticket', ctx.timezone)}`);
  if (ticket.parent_ticket_id) {
    const parent = ctx.optionalRef('tickets', ticket.parent_ticket_id);
    lines.push(`Follows Sonar ticket ${ticket.parent_ticket_id}${parent ? ` (Splynx ticket ${parent})` : ''}`);
  }
  return lines;
}

export const tickets: EntityModule<Payload> = {
  name: 'tickets',
  phase: 'support',
  source: 'tickets',
  endpoint: 'admin/support/tickets',
  dependsOn: ['customers'],
  members: ['ticket_replies', 'ticket_comments'],
  after: [ADMIN_ENTITY],
  payload,
  // A follow-up ticket names its parent's Splynx id in its note, so parents go first.
  selfReference: (t) => (t.parent_ticket_id ? String(t.parent_ticket_id) : null),
  transform(ticket, ctx) {
    const subject = String(ticket.subject ?? '').trim();
    if (!subject) throw new TransformError(`ticket ${ticket.id} has no subject`, 'subject', 'Give the ticket a subject in Sonar');
    const customer = ticketCustomer(ticket, ctx);
    const created = localDatetime(ticket, 'created_at', 'ticket', ctx.timezone);
    // Public tickets came from the outside party; internal ones were opened by staff.
    const fromCustomer = customer !== undefined && ticket.inbound_mailbox_id !== null && ticket.inbound_mailbox_id !== undefined;
    const description = String(ticket.description ?? '').trim();
    const assignee = adminRef(ctx, ticket.user_id);
    const group =
      ticket.ticket_group_id === null || ticket.ticket_group_id === undefined
        ? undefined
        : ctx.mapping('ticket-group').lookup(ticket.ticket_group_id);
    return {
      // Cut by code point, so an emoji is never split in half.
      subject: [...subject].length > SUBJECT_MAX ? `${[...subject].slice(0, SUBJECT_MAX - 1).join('')}…` : subject,
      priority: ctx.mapping('ticket-priority').lookup(ticket.priority) as Payload['priority'],
      status_id: ctx.mapping('ticket-status').lookup(ticket.status),
      closed: ticket.status === 'CLOSED' ? '1' : '0',
      type_id: ctx.mapping('ticket-type').lookup(DEFAULT_TYPE_ROW),
      ...(group ? { group_id: group } : {}),
      ...(customer
        ? { customer_id: customer, reporter_type: 'customer' as const, reporter_id: customer }
        : { reporter_type: 'none' as const }),
      ...(assignee ? { assign_to: assignee } : {}),
      created_at: created,
      updated_at: ticket.updated_at ? localDatetime(ticket, 'updated_at', 'ticket', ctx.timezone) : created,
      note: noteLines(ticket, ctx, subject).join('\n'),
      ...(description
        ? {
            message: {
              message: description,
              author_type: fromCustomer ? ('customer' as const) : ('admin' as const),
              ...(customer ? { customer_id: customer } : {}),
              hide_for_customer: '0' as const,
              source: fromCustomer ? ('incoming' as const) : ('administration' as const),
              ...splitDatetime(created),
            },
          }
        : {}),
      additional_attributes: { [SONAR_ID_FIELD]: String(ticket.id) },
    };
  },
  mappings: [
    {
      name: 'ticket-status',
      propose: (ctx) =>
        SONAR_TICKET_STATUSES.map((s) => {
          const [value, reason] = proposeTicketStatus(s);
          return { sonar_id: s, sonar_value: s, splynx_value: value, reason, records: String(countBy(ctx, 'status', s)) };
        }),
    },
    {
      name: 'ticket-priority',
      propose: (ctx) =>
        SONAR_TICKET_PRIORITIES.map((p) => {
          const [value, reason] = proposeTicketPriority(p);
          return { sonar_id: p, sonar_value: p, splynx_value: value, reason, records: String(countBy(ctx, 'priority', p)) };
        }),
    },
    {
      name: 'ticket-group',
      propose: (ctx) =>
        (ctx.tables.ticket_groups ?? []).map((g) => {
          const [value, reason] = proposeTicketGroup(String(g.name ?? ''));
          return {
            sonar_id: String(g.id),
            sonar_value: String(g.name ?? ''),
            splynx_value: value,
            reason,
            records: String(countBy(ctx, 'ticket_group_id', String(g.id))),
          };
        }),
    },
    {
      name: 'ticket-type',
      propose: (ctx) => [
        {
          sonar_id: DEFAULT_TYPE_ROW,
          sonar_value: '(every ticket)',
          splynx_value: '1',
          reason: `Sonar keeps a ticket's categories (${(ctx.tables.ticket_categories ?? []).map((c) => c.name).join(', ') || 'none defined'}) in a join table the snapshot cannot read, so every ticket takes this Splynx type; 1 is "Question" on a fresh Splynx`,
          records: String((ctx.tables.tickets ?? []).length),
        },
      ],
    },
  ],
};

export const MAPPING_SPECS = {
  'ticket-status': { name: 'ticket-status', describes: 'Splynx ticket status id' },
  'ticket-priority': { name: 'ticket-priority', describes: 'Splynx ticket priority', allowed: TICKET_PRIORITIES },
  'ticket-group': { name: 'ticket-group', describes: 'Splynx ticket group id' },
  'ticket-type': { name: 'ticket-type', describes: 'Splynx ticket type id' },
} as const;
