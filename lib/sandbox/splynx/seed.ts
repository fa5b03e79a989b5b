/**
 * What a fresh Splynx instance already holds: partner and location "Main", the default lookup
 * tables (payment methods, transaction categories, taxes, ticket statuses/groups/types, admin
 * roles) and one administrator. Ids match a real install because clients hard-code some of them
 * (payment method 1 = Cash, ticket status 1 = open).
 */
import type { SplynxStore } from './store.js';

export interface SeedOptions {
  admin: { login: string; password: string };
}

export const ADMIN_ROLES = [
  'administrator',
  'customer-creator',
  'engineer',
  'financial-manager',
  'manager',
  'super-administrator',
  'technician',
];

export function seedFreshInstance(store: SplynxStore, opts: SeedOptions): void {
  store.insert('partners', { id: 1, name: 'Main' });
  store.insert('locations', { id: 1, name: 'Main' });
  store.insert('inventory_stocks', { id: 1, name: 'Main' });

  ADMIN_ROLES.forEach((name, i) => store.insert('admin_roles', { id: i + 1, name, title: name }));
  store.insert('administrators', {
    id: 1,
    partner_id: 0,
    role_name: 'super-administrator',
    login: opts.admin.login,
    name: 'Administrator',
    email: 'admin@example.com',
    password: opts.admin.password,
    timeout: 1200,
    router_access: 'full',
    phone: '',
    last_ip: '',
    last_dt: '',
  });

  // Id 4 is missing on a real install too: clients must not assume the ids are contiguous.
  for (const [id, name] of [
    [1, 'Cash'],
    [2, 'Bank transfer'],
    [3, 'Credit card'],
    [5, 'Other'],
    [6, 'Refill card'],
  ] as const)
    store.insert('payment_methods', {
      id,
      name,
      is_active: 1,
      name_1: '',
      name_2: '',
      name_3: '',
      name_4: '',
      name_5: '',
      accounting_bank_accounts_id: 0,
    });

  ['Service', 'Discount', 'Payment', 'Refund', 'Correction'].forEach((name, i) =>
    store.insert('transaction_categories', { id: i + 1, name, is_base: '1' }),
  );

  store.insert('taxes', { id: 1, name: 'VAT', rate: 20, type: 'single', archived: 0 });
  store.insert('taxes', { id: 2, name: 'Reduced VAT', rate: 5, type: 'single', archived: 0 });

  const statuses: Array<[number, string, string, string[]]> = [
    [1, 'New', 'open', ['open', 'unresolved']],
    [2, 'Work in progress', 'info', ['unresolved']],
    [3, 'Resolved', 'success', ['closed']],
    [4, 'Waiting on customer', 'warning', ['unresolved']],
    [5, 'Waiting on agent', 'danger', ['open', 'unresolved']],
  ];
  for (const [id, title, label, mark] of statuses)
    store.insert('ticket_statuses', {
      id,
      title_for_agent: title,
      title_for_customer: title,
      label,
      mark,
      icon: '',
      view_on_dashboard: 1,
    });

  ['General', 'Technical support', 'Billing'].forEach((title, i) =>
    store.insert('ticket_groups', { id: i + 1, title, description: '', agent_ids: [] }),
  );
  ['Question', 'Incident', 'Problem', 'Feature request', 'Lead'].forEach((title, i) =>
    store.insert('ticket_types', { id: i + 1, title, background_color: '' }),
  );
}
