/** Account and site notes, and support tickets with their replies and internal comments. */
import type { AccountFacts } from './accounts.js';
import type { Catalog } from './catalog.js';
import { DAY_MS, formatDate, formatDatetime, HOUR_MS, localDay, YEAR_MS } from './clock.js';
import type { GenContext } from './context.js';
import type { Network } from './network.js';
import { pickStaff } from './staff.js';
import { commentText, customerLine, noteText, staffLine, ticketSubject } from './support-text.js';

interface Ticketable {
  type: 'Account' | 'NetworkSite';
  id: string;
  companyId: string | null;
  createdMs: number;
  customer: { name: string; email: string | null } | null;
}

function insertNote(ctx: GenContext, catalog: Catalog, type: 'Account' | 'NetworkSite', id: string, sinceMs: number): void {
  const { rng } = ctx;
  const created = rng.float(sinceMs, ctx.referenceMs);
  ctx.t.insert('notes', created, {
    noteable_type: type,
    noteable_id: id,
    message: noteText(ctx),
    priority: rng.weighted([
      ['NORMAL', 92],
      ['STICKY', 6],
      ['STICKY_WITH_CONFIRMATION', 2],
    ] as const),
    user_id: rng.chance(0.95) ? pickStaff(ctx, catalog).id : null,
  });
}

function insertTicket(ctx: GenContext, catalog: Catalog, owner: Ticketable, previous: string | null): string {
  const { rng, t } = ctx;
  const [subject, groupName] = owner.type === 'NetworkSite' ? ['Sector down at tower', 'Network Operations'] : ticketSubject(ctx);
  const created = rng.float(Math.max(owner.createdMs, ctx.referenceMs - 3 * YEAR_MS), ctx.referenceMs - HOUR_MS);
  const recent = ctx.referenceMs - created < 30 * DAY_MS;
  const status = recent
    ? rng.weighted([
        ['OPEN', 50],
        ['PENDING_INTERNAL', 20],
        ['PENDING_EXTERNAL', 15],
        ['CLOSED', 15],
      ] as const)
    : rng.weighted([
        ['CLOSED', 92],
        ['OPEN', 3],
        ['PENDING_INTERNAL', 2],
        ['PENDING_EXTERNAL', 3],
      ] as const);
  const end = status === 'CLOSED' ? Math.min(ctx.referenceMs, created + rng.float(1, 240) * HOUR_MS) : ctx.referenceMs;
  const assignee = rng.chance(0.8)
    ? pickStaff(ctx, catalog, groupName === 'Network Operations' ? 'Network Engineer' : 'Customer Support')
    : null;
  const ticket = t.insert(
    'tickets',
    created,
    {
      subject,
      description: owner.customer ? customerLine(ctx) : staffLine(ctx),
      status,
      priority: rng.weighted([
        ['LOW', 20],
        ['MEDIUM', 55],
        ['HIGH', 20],
        ['CRITICAL', 5],
      ] as const),
      ticketable_type: owner.type,
      ticketable_id: owner.id,
      ticket_group_id: catalog.ticketGroups.get(groupName)!,
      user_id: assignee?.id ?? null,
      closed_at: status === 'CLOSED' ? formatDatetime(end) : null,
      due_date: rng.chance(0.2) ? formatDate(localDay(created + 3 * DAY_MS)) : null,
      company_id: owner.companyId,
      parent_ticket_id: previous && rng.chance(0.1) ? previous : null,
      inbound_mailbox_id: null,
    },
    end,
  );
  const ticketId = ticket.id as string;

  const replies = rng.weighted([
    [0, 30],
    [1, 25],
    [2, 25],
    [3, 12],
    [4, 8],
  ] as const);
  for (let i = 0; i < replies; i++) {
    const at = created + ((i + 1) / (replies + 1)) * (end - created);
    const incoming = owner.customer !== null && i % 2 === 1;
    const staff = assignee ?? pickStaff(ctx, catalog);
    t.insert(
      'ticket_replies',
      at,
      {
        ticket_id: ticketId,
        body: incoming ? customerLine(ctx) : staffLine(ctx),
        incoming,
        author: incoming ? owner.customer!.name : staff.name,
        author_email: incoming ? owner.customer!.email : staff.email,
        user_id: incoming ? null : staff.id,
      },
      at,
    );
  }
  const comments = rng.weighted([
    [0, 50],
    [1, 35],
    [2, 15],
  ] as const);
  for (let i = 0; i < comments; i++) {
    const at = rng.float(created, end);
    t.insert('ticket_comments', at, { ticket_id: ticketId, body: commentText(ctx), user_id: (assignee ?? pickStaff(ctx, catalog)).id }, at);
  }
  return ticketId;
}

export function generateSupport(ctx: GenContext, catalog: Catalog, network: Network, accounts: AccountFacts[]): void {
  const { rng } = ctx;
  for (const account of accounts) {
    const notes = rng.weighted([
      [0, 65],
      [1, 22],
      [2, 9],
      [3, 4],
    ] as const);
    for (let i = 0; i < notes; i++) insertNote(ctx, catalog, 'Account', account.id, account.createdMs);
    const tickets = rng.weighted([
      [0, 80],
      [1, 14],
      [2, 4],
      [3, 2],
    ] as const);
    let previous: string | null = null;
    const owner: Ticketable = {
      type: 'Account',
      id: account.id,
      companyId: account.companyId,
      createdMs: account.createdMs,
      customer: account.primary,
    };
    for (let i = 0; i < tickets; i++) previous = insertTicket(ctx, catalog, owner, previous);
  }
  for (const site of network.sites) {
    if (rng.chance(0.3)) insertNote(ctx, catalog, 'NetworkSite', site.id, site.createdMs);
    if (rng.chance(0.3))
      insertTicket(ctx, catalog, { type: 'NetworkSite', id: site.id, companyId: null, createdMs: site.createdMs, customer: null }, null);
  }
}
