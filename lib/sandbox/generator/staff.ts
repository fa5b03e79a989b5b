/** Staff: roles with their Sonar permissions, and the users who hold them. */
import type { Catalog } from './catalog.js';
import { setupTime, type GenContext } from './context.js';
import { phoneIn, REGIONS } from './geography.js';
import { slug } from './slug.js';

const ROLE_PERMISSIONS: Record<string, string[]> = {
  Administrator: [
    'READ_ALL_LOGS',
    'UPDATE_SYSTEM_SETTINGS',
    'CREATE_ACCOUNT',
    'READ_ACCOUNT',
    'UPDATE_ACCOUNT',
    'CREATE_ACCOUNT_STATUS',
    'READ_ACCOUNT_STATUS',
    'UPDATE_ACCOUNT_STATUS',
    'CREATE_SERVICE',
    'READ_SERVICE',
    'UPDATE_SERVICE',
    'DELETE_SERVICE',
    'MODIFY_ACCOUNT_SERVICES',
    'UPDATE_BILLING_SETTINGS',
    'CREATE_COMPANY',
    'UPDATE_COMPANY',
    'ARCHIVE_ACCOUNTS',
    'UNARCHIVE_ACCOUNTS',
    'READ_FINANCIAL_REPORTS',
    'READ_ACCOUNT_REPORTS',
  ],
  Billing: [
    'READ_ACCOUNT',
    'UPDATE_ACCOUNT',
    'READ_ACCOUNT_TRANSACTIONS',
    'CREATE_ACCOUNT_TRANSACTIONS',
    'REVERSE_ACCOUNT_TRANSACTIONS',
    'UPDATE_ACCOUNT_BILLING_PARAMETERS',
    'CREATE_PAYMENT',
    'UPDATE_PAYMENT',
    'REFUND_PAYMENTS',
    'READ_PAYMENT_METHOD',
    'CREATE_PAYMENT_METHOD',
    'READ_FINANCIAL_REPORTS',
    'CREATE_NOTE',
  ],
  'Customer Support': [
    'READ_ACCOUNT',
    'UPDATE_ACCOUNT',
    'CREATE_CONTACT',
    'UPDATE_CONTACT',
    'READ_TICKET',
    'CREATE_TICKET',
    'UPDATE_TICKET',
    'CREATE_NOTE',
    'UPDATE_NOTE',
    'READ_RADIUS_ACCOUNT',
    'READ_IP_ASSIGNMENT',
    'READ_SERVICE',
  ],
  'Field Technician': [
    'READ_ACCOUNT',
    'READ_TICKET',
    'UPDATE_TICKET',
    'READ_JOB',
    'CHECK_IN_OWN_JOB',
    'COMPLETE_OWN_JOB',
    'READ_LIMITED_INVENTORY',
    'CLAIM_INVENTORY_ITEM',
    'ASSIGN_ACCOUNT_INVENTORY',
    'READ_NETWORK_SITE',
    'CREATE_NOTE',
  ],
  'Network Engineer': [
    'READ_NETWORK_SITE',
    'UPDATE_NETWORK_SITE',
    'CREATE_NETWORK_SITE',
    'READ_IP_ASSIGNMENT',
    'CREATE_IP_ASSIGNMENT',
    'UPDATE_IP_ASSIGNMENT',
    'CREATE_IPAM_ELEMENT',
    'UPDATE_IPAM_ELEMENT',
    'READ_RADIUS_ACCOUNT',
    'CREATE_RADIUS_ACCOUNT',
    'UPDATE_RADIUS_ACCOUNT',
    'READ_ALL_INVENTORY',
    'READ_POLLER',
  ],
  Sales: [
    'CREATE_ACCOUNT',
    'READ_ACCOUNT',
    'READ_SERVICE',
    'READ_SERVICEABLE_ADDRESS',
    'CREATE_SERVICEABLE_ADDRESS',
    'CREATE_CONTACT',
    'CREATE_NOTE',
  ],
  'Read Only': ['READ_ACCOUNT', 'READ_ACCOUNT_STATUS', 'READ_ACCOUNT_TYPE', 'READ_SERVICE', 'READ_TICKET', 'READ_NETWORK_SITE'],
};

// How many of each role a staff of a given size has, by weight.
const ROLE_WEIGHTS: [string, number][] = [
  ['Administrator', 1],
  ['Billing', 2],
  ['Customer Support', 6],
  ['Field Technician', 5],
  ['Network Engineer', 2],
  ['Sales', 2],
  ['Read Only', 1],
];

export interface Staff {
  id: string;
  name: string;
  email: string;
  role: string;
}

export function insertStaff(ctx: GenContext, domain: string): Staff[] {
  const { rng, faker, t } = ctx;
  const roleIds = new Map<string, string>();
  for (const [name, permissions] of Object.entries(ROLE_PERMISSIONS)) {
    roleIds.set(name, t.insert('roles', setupTime(ctx), { name, applied_permissions: permissions }).id as string);
  }
  const count = Math.max(5, Math.min(120, Math.round(ctx.accounts / 400)));
  const usernames = new Set<string>();
  const staff: Staff[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let username = slug(`${firstName[0]}${lastName}`);
    for (let n = 2; usernames.has(username); n++) username = slug(`${firstName[0]}${lastName}${n}`);
    usernames.add(username);
    const role = i === 0 ? 'Administrator' : rng.weighted(ROLE_WEIGHTS);
    const name = `${firstName} ${lastName}`;
    const email = `${username}@${domain}`;
    const created = i < 3 ? setupTime(ctx) : rng.float(ctx.foundedMs, ctx.referenceMs - 30 * 86_400_000);
    const record = t.insert('users', created, {
      name,
      public_name: firstName,
      username,
      email_address: email,
      enabled: i < 3 || rng.chance(0.9),
      super_admin: i === 0,
      role_id: i === 0 ? null : roleIds.get(role)!,
      mobile_number: rng.chance(0.7) ? phoneIn(ctx, REGIONS[0]).number : null,
      language: 'en',
      completed_setup: i < 3 || rng.chance(0.95),
    });
    staff.push({ id: record.id as string, name, email, role });
  }
  return staff;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** A staff member, of `role` when the staff has one. */
export function pickStaff(ctx: GenContext, catalog: Catalog, role?: string): Staff {
  return ctx.rng.pick((role && catalog.staffByRole.get(role)) || catalog.staff);
}
