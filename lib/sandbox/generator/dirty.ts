/**
 * Dirt on purpose: each class spoils a fraction (`dirtyRate`) of the records it applies to and
 * records a `DirtyMark` for each, so tests can prove a migration cleans or reports every one.
 * No two classes touch the same field of the same record, so every mark still shows its defect.
 */
import type { DirtyMark, SonarRecord } from '../dataset.js';
import { addMonths, DAY_MS, formatDate, formatDatetime } from './clock.js';
import type { GenContext } from './context.js';
import { BLANK_NAMES, brokenEmail, longAddressLine, longCity, messyPhone, padded, UNICODE_NAMES } from './dirty-variants.js';
import type { TableName } from './tables.js';

export const DIRTY_CLASSES = [
  'orphan_reference',
  'archived_account',
  'billing_mismatch',
  'zero_price_service',
  'edge_date',
  'missing_name',
  'unicode_name',
  'whitespace_padding',
  'invalid_email',
  'duplicate_email',
  'duplicate_login',
  'phone_format',
  'long_city',
  'long_address',
  'missing_address',
  'radius_pairing',
] as const;

export type DirtyClass = (typeof DIRTY_CLASSES)[number];

/** Activation dates that break naive date handling. */
export const EDGE_ACTIVATION_DATES = ['1970-01-01', '2099-12-31', '2024-02-29'];

interface Target {
  table: TableName;
  record: SonarRecord;
  field: string;
}

class Dirtier {
  private readonly used = new Set<string>();
  readonly marks: DirtyMark[] = [];

  constructor(
    readonly ctx: GenContext,
    private readonly rate: number,
  ) {}

  rows(table: TableName): SonarRecord[] {
    return this.ctx.t.tables[table];
  }

  /** A `rate` share (at least one) of the targets not already spoiled, at most `limit`. */
  choose(targets: Target[], limit = Infinity): Target[] {
    const free = targets.filter((t) => !this.used.has(key(t)));
    return this.take(free, Math.min(limit, Math.max(1, Math.round(this.rate * free.length))));
  }

  /** Exactly `count` of the targets not already spoiled, or all of them if fewer. */
  take(targets: Target[], count: number): Target[] {
    const chosen = this.ctx.rng.sample(
      targets.filter((t) => !this.used.has(key(t))),
      count,
    );
    for (const t of chosen) this.used.add(key(t));
    return chosen;
  }

  mark(cls: DirtyClass, t: Target, detail: string): void {
    const field = t.field in t.record ? t.field : undefined;
    this.marks.push({ class: cls, table: t.table, id: t.record.id as string, ...(field ? { field } : {}), detail });
  }
}

const key = (t: Target) => `${t.table}/${t.record.id}/${t.field}`;

function targets(d: Dirtier, table: TableName, field: string, keep: (r: SonarRecord) => boolean = () => true): Target[] {
  const out: Target[] = [];
  for (const record of d.rows(table)) if (keep(record)) out.push({ table, record, field });
  return out;
}

const names = (d: Dirtier) => [...targets(d, 'accounts', 'name'), ...targets(d, 'contacts', 'name')];
const accountOwned = (r: SonarRecord) => r.addressable_type === 'Account';

const DIRT: Record<DirtyClass, (d: Dirtier) => void> = {
  orphan_reference(d) {
    const refs: [TableName, string, TableName, (r: SonarRecord) => boolean][] = [
      ['account_services', 'service_id', 'services', () => true],
      ['contacts', 'contactable_id', 'accounts', (r) => r.contactable_type === 'Account' && !r.primary],
      ['notes', 'noteable_id', 'accounts', (r) => r.noteable_type === 'Account'],
    ];
    for (const [table, field, parent, keep] of refs) {
      d.choose(targets(d, table, field, keep)).forEach((t, i) => {
        const missing = String(d.rows(parent).length + 1_000_000 + i);
        t.record[field] = missing;
        d.mark('orphan_reference', t, `${field} ${missing} does not exist in ${parent}`);
      });
    }
  },

  archived_account(d) {
    // Churned accounts are archived regularly (accounts.ts); the dirt is an archive that the rest of
    // the record contradicts: a status that still activates it and a next bill date still set.
    const activating = new Set(
      d
        .rows('account_statuses')
        .filter((s) => s.activates_account === true)
        .map((s) => s.id),
    );
    const users = d.rows('users');
    for (const t of d.choose(targets(d, 'accounts', 'archived_at', (r) => !r.archived_at && activating.has(r.account_status_id)))) {
      const created = Date.parse(t.record.created_at as string);
      const archived = d.ctx.rng.float(created, d.ctx.referenceMs);
      t.record.archived_at = formatDatetime(archived);
      t.record.archived_by_user_id = d.ctx.rng.pick(users).id;
      if (Date.parse(t.record.updated_at as string) < archived) t.record.updated_at = t.record.archived_at;
      d.mark('archived_account', t, `archived at ${t.record.archived_at} in an active status, next bill ${t.record.next_bill_date}`);
    }
  },

  billing_mismatch(d) {
    // What Sonar says it will bill next disagrees with the account's services: a stale amount, or
    // one service on another cycle than its account.
    for (const t of d.choose(targets(d, 'accounts', 'next_recurring_charge_amount', (r) => r.next_bill_date !== null))) {
      const was = t.record.next_recurring_charge_amount as number;
      t.record.next_recurring_charge_amount = was + d.ctx.rng.pick([-1500, -500, 500, 1000, 2500]);
      d.mark('billing_mismatch', t, `next_recurring_charge_amount ${was} → ${t.record.next_recurring_charge_amount}`);
    }
    for (const t of d.choose(targets(d, 'account_services', 'next_bill_date', (r) => r.next_bill_date !== null))) {
      const was = t.record.next_bill_date as string;
      t.record.next_bill_date = formatDate(addMonths(Date.parse(`${was}T00:00:00Z`), 1));
      d.mark('billing_mismatch', t, `next_bill_date ${was} → ${t.record.next_bill_date}, a cycle after its account's`);
    }
  },

  zero_price_service(d) {
    const priced = new Set(
      d
        .rows('services')
        .filter((s) => (s.amount as number) > 0 && s.application === 'DEBIT')
        .map((s) => s.id),
    );
    for (const t of d.choose(targets(d, 'account_services', 'price_override', (r) => priced.has(r.service_id)))) {
      t.record.price_override = 0;
      t.record.price_override_reason = null;
      d.mark('zero_price_service', t, `billed at 0 cents with no reason (service ${t.record.service_id})`);
    }
  },

  edge_date(d) {
    for (const t of d.choose(targets(d, 'accounts', 'activation_date', (r) => r.activation_date !== null))) {
      const was = t.record.activation_date;
      t.record.activation_date = d.ctx.rng.pick(EDGE_ACTIVATION_DATES);
      d.mark('edge_date', t, `activation_date ${was} → ${t.record.activation_date}`);
    }
    for (const t of d.choose(targets(d, 'account_services', 'next_bill_date', (r) => r.next_bill_date !== null))) {
      t.record.next_bill_date = formatDate(d.ctx.referenceDay - d.ctx.rng.int(1, 900) * DAY_MS);
      d.mark('edge_date', t, `next_bill_date ${t.record.next_bill_date} is before the reference date`);
    }
  },

  missing_name(d) {
    for (const t of d.choose(names(d))) {
      const was = t.record.name;
      t.record.name = d.ctx.rng.pick(BLANK_NAMES);
      d.mark('missing_name', t, `name ${JSON.stringify(was)} → ${JSON.stringify(t.record.name)}`);
    }
  },

  unicode_name(d) {
    for (const t of d.choose(names(d))) {
      t.record.name = d.ctx.rng.pick(UNICODE_NAMES);
      d.mark('unicode_name', t, `name is ${JSON.stringify(t.record.name)}`);
    }
  },

  whitespace_padding(d) {
    const emails = targets(d, 'contacts', 'email_address', (r) => r.email_address !== null);
    for (const t of d.choose([...names(d), ...emails])) {
      t.record[t.field] = padded(d.ctx, t.record[t.field] as string);
      d.mark('whitespace_padding', t, `${t.field} is ${JSON.stringify(t.record[t.field])}`);
    }
  },

  invalid_email(d) {
    for (const t of d.choose(targets(d, 'contacts', 'email_address', (r) => r.email_address !== null))) {
      const was = t.record.email_address as string;
      t.record.email_address = brokenEmail(d.ctx, was);
      d.mark('invalid_email', t, `${JSON.stringify(was)} → ${JSON.stringify(t.record.email_address)}`);
    }
  },

  duplicate_email(d) {
    // The primary contacts of two different accounts share an address (sometimes differing in case).
    const primaries = targets(
      d,
      'contacts',
      'email_address',
      (r) => r.primary === true && r.contactable_type === 'Account' && r.email_address !== null,
    );
    pairUp(d, primaries, 'duplicate_email', (source) => (d.ctx.rng.chance(0.3) ? source.toUpperCase() : source));
  },

  duplicate_login(d) {
    pairUp(
      d,
      targets(d, 'contacts', 'username', (r) => r.username !== null),
      'duplicate_login',
      (source) => source,
    );
    pairUp(d, targets(d, 'radius_accounts', 'username'), 'duplicate_login', (source) => source);
  },

  phone_format(d) {
    for (const t of d.choose(targets(d, 'phone_numbers', 'number'))) {
      const messy = messyPhone(d.ctx, t.record.number as string);
      t.record.number = messy.number;
      t.record.number_formatted = messy.formatted;
      if (messy.extension) t.record.extension = messy.extension;
      d.mark('phone_format', t, `number ${messy.number}, shown as ${JSON.stringify(messy.formatted)}`);
    }
  },

  long_city(d) {
    for (const t of d.choose(targets(d, 'addresses', 'city', accountOwned))) {
      t.record.city = longCity(d.ctx, t.record.city as string);
      d.mark('long_city', t, `city has ${(t.record.city as string).length} characters`);
    }
  },

  long_address(d) {
    for (const t of d.choose(targets(d, 'addresses', 'line1', (r) => accountOwned(r) && r.line1 !== null))) {
      t.record.line1 = longAddressLine(d.ctx, t.record.line1 as string);
      d.mark('long_address', t, `line1 has ${(t.record.line1 as string).length} characters`);
    }
  },

  missing_address(d) {
    // Unassigning (not deleting) the serviceable address keeps the equipment at it resolvable.
    const serviceable = new Map<string, SonarRecord>();
    for (const a of d.rows('addresses')) if (accountOwned(a) && a.serviceable) serviceable.set(a.addressable_id as string, a);
    for (const t of d.choose(targets(d, 'accounts', 'serviceable_address', (r) => serviceable.has(r.id as string)))) {
      const address = serviceable.get(t.record.id as string)!;
      address.addressable_type = null;
      address.addressable_id = null;
      d.mark('missing_address', t, `no serviceable address (addresses/${address.id} was unassigned)`);
    }
  },

  radius_pairing(d) {
    // The variants Splynx's one-login-per-service cannot take as they are (the duplicate username
    // is duplicate_login's): a second RADIUS account for an account's only internet service, and
    // an internet service whose RADIUS account is on another account, one without an internet
    // service (a RADIUS account without IP assignments, so nothing else points at it). Each mark
    // is on the account service it spoils.
    const dataServices = new Set(
      d
        .rows('services')
        .filter((s) => s.type === 'DATA')
        .map((s) => s.id),
    );
    const dataOf = new Map<string, SonarRecord[]>();
    for (const as of d.rows('account_services'))
      if (dataServices.has(as.service_id)) dataOf.set(as.account_id as string, [...(dataOf.get(as.account_id as string) ?? []), as]);
    const radiusOf = new Map<string, SonarRecord[]>();
    for (const r of d.rows('radius_accounts')) radiusOf.set(r.account_id as string, [...(radiusOf.get(r.account_id as string) ?? []), r]);
    const withIps = new Set(
      d
        .rows('ip_assignments')
        .filter((a) => a.ipassignmentable_type === 'RadiusAccount')
        .map((a) => a.ipassignmentable_id),
    );
    const pool = targets(
      d,
      'account_services',
      'radius',
      (as) =>
        dataServices.has(as.service_id) &&
        dataOf.get(as.account_id as string)?.length === 1 &&
        radiusOf.get(as.account_id as string)?.length === 1,
    );
    const chosen = d.choose(pool);
    const half = Math.ceil(chosen.length / 2);
    for (const t of chosen.slice(0, half)) {
      const first = radiusOf.get(t.record.account_id as string)![0];
      const extra = d.ctx.t.insert('radius_accounts', Date.parse(first.created_at as string) + DAY_MS, {
        account_id: t.record.account_id,
        username: `${first.username as string}-2`,
        password: d.ctx.faker.internet.password({ length: 12 }),
      });
      d.mark('radius_pairing', t, `a second RADIUS account radius_accounts/${extra.id} for the account's only internet service`);
    }
    // The login was made on the wrong account: one without an internet service (ids stay as they are).
    const marked = new Set(d.marks.filter((m) => m.table === 'radius_accounts').map((m) => m.id));
    const hosts = d.rows('accounts').filter((a) => !dataOf.has(a.id as string) && !radiusOf.has(a.id as string));
    for (const t of chosen.slice(half)) {
      const r = radiusOf.get(t.record.account_id as string)![0];
      const host = hosts.shift();
      if (!host || withIps.has(r.id) || marked.has(r.id as string)) continue;
      r.account_id = host.id;
      d.mark(
        'radius_pairing',
        t,
        `its RADIUS account radius_accounts/${r.id} is on account ${host.id}, which has no internet service: the service has none`,
      );
    }
  },
};

/** Copies the value of one target onto another, so two records collide. */
function pairUp(d: Dirtier, pool: Target[], cls: DirtyClass, variant: (source: string) => string): void {
  const copies = d.choose(pool, Math.floor(pool.length / 2));
  const sources = d.take(pool, copies.length);
  copies.forEach((copy, i) => {
    const source = sources[i];
    if (!source) return;
    copy.record[copy.field] = variant(source.record[source.field] as string);
    d.mark(cls, copy, `${copy.field} ${JSON.stringify(copy.record[copy.field])} duplicates ${source.table}/${source.record.id}`);
  });
}

export function applyDirt(ctx: GenContext, rate: number): DirtyMark[] {
  if (rate <= 0) return [];
  const d = new Dirtier(ctx, rate);
  for (const cls of DIRTY_CLASSES) DIRT[cls](d);
  return d.marks;
}
