/**
 * Who an account is: its name and the people on it. Clean data keeps every email and portal
 * username unique, so duplicates only appear where the dirt classes put them.
 */
import type { AccountKind, Catalog } from './catalog.js';
import { insertContact } from './contacts.js';
import type { GenContext } from './context.js';
import type { Town } from './geography.js';
import { slug } from './slug.js';

export interface Person {
  firstName: string;
  lastName: string;
}

export interface Identity {
  accountName: string;
  holder: Person;
  /** The business's own email domain, when it has one. */
  domain: string | null;
}

export class Registry {
  readonly emails = new Set<string>();
  readonly usernames = new Set<string>();
}

const GOVERNMENT_SUFFIXES = [
  'Public Library',
  'Fire Department',
  'Water District',
  'School District',
  'City Hall',
  'County Clerk',
  'Police Department',
];
const BUSINESS_ROLES = ['Owner', 'Office Manager', 'IT Director', 'Accounts Payable', 'General Manager'];
const EXTRA_ROLES = ['Spouse', 'Billing contact', 'Technical contact', 'Property manager', 'Tenant'];

function person(ctx: GenContext, lastName?: string): Person {
  return { firstName: ctx.faker.person.firstName(), lastName: lastName ?? ctx.faker.person.lastName() };
}

export function identityFor(ctx: GenContext, kind: AccountKind, town: Town): Identity {
  const holder = person(ctx);
  if (kind === 'RESIDENTIAL') return { accountName: `${holder.firstName} ${holder.lastName}`, holder, domain: null };
  const accountName = kind === 'GOVERNMENT' ? `${town.city} ${ctx.rng.pick(GOVERNMENT_SUFFIXES)}` : ctx.faker.company.name();
  const tld = kind === 'GOVERNMENT' ? 'gov' : ctx.rng.pick(['com', 'net', 'biz']);
  return { accountName, holder, domain: ctx.rng.chance(0.6) ? `${slug(accountName)}.${tld}` : null };
}

function uniqueEmail(ctx: GenContext, registry: Registry, who: Person, domain: string | null): string {
  for (let attempt = 0; ; attempt++) {
    const email = ctx.faker.internet.email({ firstName: who.firstName, lastName: who.lastName, provider: domain ?? undefined });
    const candidate = attempt < 5 ? email : email.replace('@', `${attempt}@`);
    if (!registry.emails.has(candidate.toLowerCase())) {
      registry.emails.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

function uniqueUsername(ctx: GenContext, registry: Registry, who: Person): string {
  let username = ctx.faker.internet.username({ firstName: who.firstName, lastName: who.lastName }).toLowerCase();
  for (let n = 2; registry.usernames.has(username); n++) username = `${username.replace(/\d+$/, '')}${n}`;
  registry.usernames.add(username);
  return username;
}

export interface AccountContactsSpec {
  accountId: string;
  kind: AccountKind;
  identity: Identity;
  town: Town;
  createdMs: number;
}

export interface PrimaryContact {
  id: string;
  name: string;
  email: string | null;
}

/** The primary contact (always) and, on about one account in twenty, one or two more. */
export function insertAccountContacts(ctx: GenContext, catalog: Catalog, registry: Registry, spec: AccountContactsSpec): PrimaryContact {
  const { rng } = ctx;
  const { holder, domain } = spec.identity;
  const name = `${holder.firstName} ${holder.lastName}`;
  const email = rng.chance(0.96) ? uniqueEmail(ctx, registry, holder, domain) : null;
  const primary = insertContact(ctx, catalog, {
    contactableType: 'Account',
    contactableId: spec.accountId,
    name,
    email,
    primary: true,
    role: spec.kind === 'RESIDENTIAL' ? null : rng.pick(BUSINESS_ROLES),
    username: rng.chance(0.7) ? uniqueUsername(ctx, registry, holder) : null,
    region: spec.town.region,
    createdMs: spec.createdMs,
  });
  const extras = rng.weighted([
    [0, 95.5],
    [1, 4],
    [2, 0.5],
  ] as const);
  for (let i = 0; i < extras; i++) {
    const other = person(ctx, spec.kind === 'RESIDENTIAL' && rng.chance(0.7) ? holder.lastName : undefined);
    insertContact(ctx, catalog, {
      contactableType: 'Account',
      contactableId: spec.accountId,
      name: `${other.firstName} ${other.lastName}`,
      email: rng.chance(0.7) ? uniqueEmail(ctx, registry, other, domain) : null,
      primary: false,
      role: rng.pick(EXTRA_ROLES),
      username: rng.chance(0.3) ? uniqueUsername(ctx, registry, other) : null,
      region: spec.town.region,
      createdMs: spec.createdMs + rng.float(0, 400) * 86_400_000,
    });
  }
  return { id: primary.id as string, name, email };
}

export function radiusUsername(who: Person, accountId: string): string {
  return `${slug(who.firstName).slice(0, 1)}${slug(who.lastName)}${accountId}`;
}
