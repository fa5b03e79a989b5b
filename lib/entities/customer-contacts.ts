/**
 * An account's other contacts (every contact but the primary one the customer record holds) →
 * one Splynx customer note per account, so no person on the account is dropped: a Splynx
 * customer has one name, one e-mail list and one phone, and no contacts API.
 *
 * | Sonar                                        | Splynx note        | note                                                 |
 * |----------------------------------------------|--------------------|------------------------------------------------------|
 * | (always)                                     | `type = comment`, `is_pinned = 0` | Splynx's kind of customer note       |
 * | `contacts.contactable_id` (Account)          | `customer_id`      | via the migrated customers                           |
 * | each other contact's `name`, `role`          | a block of `comment` | "Jane Doe — Billing contact"                       |
 * | its `email_address`                          | (in `comment`)     | as cleaned                                           |
 * | its `phone_numbers`: number, extension, type, SMS opt-in | (in `comment`) | E.164 as cleaned, "(Mobile, SMS)"         |
 * | its `username`                               | (in `comment`)     | the portal login; Sonar passwords cannot be read     |
 * | its `language`, `marketing_opt_in`           | (in `comment`)     |                                                      |
 * | its values of Contact custom fields          | (in `comment`)     | "Preferred Contact Time: Evening"                    |
 * | the newest `created_at` of those contacts    | `datetime`         | naive local time in the configured timezone          |
 * | the account id                               | `title`            | "Sonar contacts of account N": notes have no additional fields, so the title is the natural key |
 *
 * The primary contact is the one customers.ts puts on the customer (`primary`, else the lowest
 * id). What of it the customer record cannot hold (further phones, portal username, its Contact
 * custom fields) is not in this note.
 *
 * One note stands for several Sonar records, but a ledger record is one Sonar record: the note is
 * loaded from the account's first other contact (lowest id), whose Sonar id keys it. Contacts of
 * an account that was not migrated, or does not exist, end as one error row (missing customer).
 * Splynx cannot update a note, so a contact changed after migration is reported as skipped.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { toSplynxDatetime } from '../clean/datetime.js';
import { contactsOf } from '../sonar/relations.js';
import { byTitleOfCustomer, commentPath, customerNotes } from './customer-notes.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

const payload = z.object({
  customer_id: z.string().regex(/^\d+$/),
  type: z.literal('comment'),
  title: z.string().max(SPLYNX_LIMITS.customer_notes.title),
  comment: z.string().min(1).max(SPLYNX_LIMITS.customer_notes.comment),
  datetime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
  is_pinned: z.literal('0'),
});
type Payload = z.infer<typeof payload>;

export const contactsNoteTitle = (accountId: unknown) => `Sonar contacts of account ${accountId}`;

/** The contacts of an account the customer record does not hold; all of them when the account is unknown. */
export function otherContacts(accountId: unknown, ctx: TransformContext): Row[] {
  const all = contactsOf({ id: accountId }, ctx);
  const others = ctx.byId('accounts', accountId) ? all.slice(1) : all;
  return others.sort((a, b) => Number(a.id) - Number(b.id));
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

function phoneLine(p: Row, ctx: TransformContext): string {
  const number = text(p.number) || text(p.number_formatted);
  const ext = text(p.extension) && !/ext/i.test(number) ? ` ext. ${text(p.extension)}` : '';
  const kind = text(ctx.byId('phone_number_types', p.phone_number_type_id)?.name);
  const tags = [kind, p.sms_opt_in === true ? 'SMS' : ''].filter(Boolean);
  return `${number}${ext}${tags.length ? ` (${tags.join(', ')})` : ''}`;
}

function contactBlock(c: Row, ctx: TransformContext): string {
  const lines = [`${text(c.name) || '(no name in Sonar)'}${text(c.role) ? ` — ${text(c.role)}` : ''}`];
  if (text(c.email_address)) lines.push(`  E-mail: ${text(c.email_address)}`);
  const phones = ctx.children('phone_numbers', 'contact_id', c.id).sort((a, b) => Number(a.id) - Number(b.id));
  if (phones.length) lines.push(`  Phone: ${phones.map((p) => phoneLine(p, ctx)).join('; ')}`);
  if (text(c.username)) lines.push(`  Customer portal username: ${text(c.username)} (set a new password in Splynx)`);
  if (text(c.language)) lines.push(`  Language: ${text(c.language)}`);
  if (typeof c.marketing_opt_in === 'boolean') lines.push(`  Marketing e-mails: ${c.marketing_opt_in ? 'yes' : 'no'}`);
  const values = ctx
    .children('custom_field_data', 'customfielddataable_id', c.id, 'customfielddataable_type', 'Contact')
    .sort((a, b) => Number(a.id) - Number(b.id));
  for (const v of values)
    lines.push(`  ${text(ctx.byId('custom_fields', v.custom_field_id)?.name) || `Custom field ${v.custom_field_id}`}: ${text(v.value)}`);
  return lines.join('\n');
}

export const customerContacts: EntityModule<Payload> = {
  name: 'customer_contacts',
  phase: 'customers',
  source: 'contacts',
  endpoint: customerNotes.endpoint,
  itemPath: commentPath,
  dependsOn: ['customers'],
  payload,
  updatable: false,
  // The account's first other contact carries the note for all of them.
  select: (c, ctx) => c.contactable_type === 'Account' && String(otherContacts(c.contactable_id, ctx)[0]?.id) === String(c.id),
  transform(c, ctx) {
    const accountId = c.contactable_id;
    const customerId = ctx.ref('customers', accountId);
    const others = otherContacts(accountId, ctx);
    const newest = others
      .map((o) => String(o.created_at ?? ''))
      .filter(Boolean)
      .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
    let datetime: string | null = null;
    try {
      datetime = toSplynxDatetime(newest, ctx.timezone);
    } catch {
      // reported below
    }
    if (!datetime)
      throw new TransformError(
        `contacts of account ${accountId} have no usable created_at ("${newest ?? ''}")`,
        'datetime',
        'Take a new snapshot: Sonar always sets created_at',
      );
    const head = `Contacts on the Sonar account besides the primary one (a Splynx customer holds a single contact):`;
    return {
      customer_id: customerId,
      type: 'comment',
      title: contactsNoteTitle(accountId),
      comment: [head, ...others.map((o) => contactBlock(o, ctx))].join('\n\n'),
      datetime,
      is_pinned: '0',
    };
  },
  naturalKey: byTitleOfCustomer,
};
