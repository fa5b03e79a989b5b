/**
 * Which Sonar tables hang off an account, and through which key. A selective snapshot (one
 * account, a list, a filter) uses this to bring each selected account's members along; the
 * tables not listed here are reference data (plans, statuses, staff, network, inventory
 * catalogue) and are always taken whole.
 */
import type { SnapshotTable } from './queries.js';

export type MemberLink =
  /** The member has a plain foreign key to its parent. */
  | { table: SnapshotTable; parent: SnapshotTable; key: string }
  /** The member points at its parent through a polymorphic `<x>able_type`/`<x>able_id` pair. */
  | { table: SnapshotTable; parent: SnapshotTable; polyType: string; polyId: string; typeName: string };

/** In dependency order: a member's parent table always comes first. */
export const ACCOUNT_MEMBERS: MemberLink[] = [
  { table: 'account_billing_parameters', parent: 'accounts', key: 'account_id' },
  { table: 'addresses', parent: 'accounts', polyType: 'addressable_type', polyId: 'addressable_id', typeName: 'Account' },
  { table: 'contacts', parent: 'accounts', polyType: 'contactable_type', polyId: 'contactable_id', typeName: 'Account' },
  { table: 'phone_numbers', parent: 'contacts', key: 'contact_id' },
  { table: 'account_services', parent: 'accounts', key: 'account_id' },
  { table: 'radius_accounts', parent: 'accounts', key: 'account_id' },
  { table: 'ip_assignments', parent: 'accounts', polyType: 'ipassignmentable_type', polyId: 'ipassignmentable_id', typeName: 'Account' },
  {
    table: 'ip_assignments',
    parent: 'radius_accounts',
    polyType: 'ipassignmentable_type',
    polyId: 'ipassignmentable_id',
    typeName: 'RadiusAccount',
  },
  { table: 'notes', parent: 'accounts', polyType: 'noteable_type', polyId: 'noteable_id', typeName: 'Account' },
  { table: 'tickets', parent: 'accounts', polyType: 'ticketable_type', polyId: 'ticketable_id', typeName: 'Account' },
  { table: 'ticket_replies', parent: 'tickets', key: 'ticket_id' },
  { table: 'ticket_comments', parent: 'tickets', key: 'ticket_id' },
  {
    table: 'custom_field_data',
    parent: 'accounts',
    polyType: 'customfielddataable_type',
    polyId: 'customfielddataable_id',
    typeName: 'Account',
  },
  // Customer equipment is owned by the account's serviceable address, never by the account.
  {
    table: 'inventory_items',
    parent: 'addresses',
    polyType: 'inventoryitemable_type',
    polyId: 'inventoryitemable_id',
    typeName: 'Address',
  },
  { table: 'inventory_model_field_data', parent: 'inventory_items', key: 'inventory_item_id' },
  { table: 'invoices', parent: 'accounts', key: 'account_id' },
  { table: 'debits', parent: 'accounts', key: 'account_id' },
  { table: 'payments', parent: 'accounts', key: 'account_id' },
];

export const MEMBER_TABLES = new Set<SnapshotTable>(ACCOUNT_MEMBERS.map((m) => m.table));

/** The `search` argument that selects a member's rows for a set of parent ids (OR of one clause per id). */
export function memberSearch(link: MemberLink, parentIds: string[]): unknown[] {
  return parentIds.map((id) =>
    'key' in link
      ? { integer_fields: [{ attribute: link.key, operator: 'EQ', search_value: id }] }
      : {
          string_fields: [{ attribute: link.polyType, search_value: link.typeName, match: true, partial_matching: false }],
          integer_fields: [{ attribute: link.polyId, operator: 'EQ', search_value: id }],
        },
  );
}
