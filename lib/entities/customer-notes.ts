/**
 * Sonar account notes → Splynx customer notes (type `comment`).
 *
 * | Sonar                          | Splynx          | note                                               |
 * |--------------------------------|-----------------|----------------------------------------------------|
 * | (always)                       | `type = comment` | Splynx's kind of customer note                   |
 * | `noteable_id` (Account)        | `customer_id`   | via the migrated customers                         |
 * | `message`                      | `comment`       |                                                    |
 * | `created_at`                   | `datetime`      | naive local time in the configured timezone        |
 * | `priority` STICKY…             | `is_pinned = 1` |                                                    |
 * | `id`                           | `title`         | "Sonar note N": notes have no additional fields, so the title is the natural key |
 *
 * Splynx cannot update a note, so a note edited in Sonar after it was migrated is reported as
 * skipped rather than sent twice. Notes on other owners (network sites, tickets) are not customer notes.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { toSplynxDatetime } from '../clean/datetime.js';
import type { EntityModule, SplynxReader } from './types.js';

const payload = z.object({
  customer_id: z.string().regex(/^\d+$/),
  type: z.literal('comment'),
  title: z.string().max(SPLYNX_LIMITS.customer_notes.title),
  comment: z.string().min(1).max(SPLYNX_LIMITS.customer_notes.comment),
  datetime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
  is_pinned: z.enum(['0', '1']),
});
type Payload = z.infer<typeof payload>;

export const noteTitle = (sonarId: unknown) => `Sonar note ${sonarId}`;

/** A comment is found again by its title (it names the Sonar record) among its customer's comments. */
export const byTitleOfCustomer = (p: { customer_id: string; title: string }) => ({
  key: `title "${p.title}" of customer ${p.customer_id}`,
  async find(api: SplynxReader, at: string) {
    const rows = await api.get<Array<{ id: string; title: string }>>(at, {
      main_attributes: { customer_id: p.customer_id, title: p.title },
    });
    return rows[0]?.id ?? null;
  },
});

const COMMENTS = 'admin/customers/customer-notes';
/** One comment is addressed by its customer and its own id. */
export const commentPath = (id: string, p: { customer_id?: unknown }) => `${COMMENTS}/${p.customer_id}--${id}`;

export const customerNotes: EntityModule<Payload> = {
  name: 'customer_notes',
  phase: 'customers',
  source: 'notes',
  endpoint: COMMENTS,
  itemPath: commentPath,
  dependsOn: ['customers'],
  payload,
  updatable: false,
  select: (n) => n.noteable_type === 'Account',
  transform: (note, ctx) => ({
    customer_id: ctx.ref('customers', note.noteable_id),
    type: 'comment',
    title: noteTitle(note.id),
    comment: String(note.message ?? '').trim() || '(empty note in Sonar)',
    datetime: toSplynxDatetime(note.created_at as string, ctx.timezone)!,
    is_pinned: /^STICKY/.test(String(note.priority ?? '')) ? '1' : '0',
  }),
  naturalKey: byTitleOfCustomer,
};
