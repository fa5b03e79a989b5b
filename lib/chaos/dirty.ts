/**
 * Dirty data, proven record by record: for every mark the generator left (lib/sandbox/generator/
 * dirty.ts, 16 classes), the marked record must end one of three documented ways:
 *
 * - `cleaned`: a rule of lib/clean changed the value (the change log names the rule);
 * - `kept`: it reaches Splynx as Sonar has it, because a documented rule says that is right
 *   (an archived account becomes a disabled customer, a 2099 date is still a date, Splynx's
 *   street line holds 255 characters), and what Splynx holds is checked;
 * - `reported`: the record it feeds is in the error table, with a category the class allows.
 *
 * And a clean record is never blocked by a dirty neighbour: comparing with the same ISP without
 * dirt, every record that fails only in the dirty run must be marked itself, or fail because a
 * record it depends on (its customer, its account's address) is marked or failed for that reason.
 */
import type { Change, Issue } from '../clean/snapshot.js';
import { customerContacts } from '../entities/customer-contacts.js';
import { mainAddress } from '../sonar/relations.js';
import type { Row, TransformContext } from '../entities/types.js';
import type { ErrorRow } from '../load/errors.js';
import type { DirtyMark } from '../sandbox/dataset.js';
import { DIRTY_CLASSES } from '../sandbox/generator/dirty.js';

export type DirtyOutcome = 'cleaned' | 'kept' | 'reported';

/** What the check needs, gathered by the caller from a run (in process or through the notebooks). */
export interface DirtyEvidence {
  marks: DirtyMark[];
  /** The tables as Sonar served them (dirty). */
  raw: Record<string, Row[]>;
  /** A transform context over the cleaned tables (for which contact feeds which record). */
  ctx: TransformContext;
  changes: Change[];
  issues: Issue[];
  /** The error table of the run. */
  errors: ErrorRow[];
  /** The Splynx id of a record the ledger says is in Splynx, else null. */
  loaded(entity: string, sonarId: string): string | null;
  /** Splynx customers by Sonar account id, as GET answers them. */
  customers: Map<string, Record<string, unknown>>;
  /** Splynx services by `<entity>:<Sonar account-service id>`. */
  services: Map<string, Record<string, unknown>>;
  /** The error table of the same ISP without dirt: records that fail for reasons of their own. */
  baselineErrors: Array<Pick<ErrorRow, 'entity' | 'source_id'>>;
  /** Verify's first-bill check over the same Splynx, by Sonar account id (lib/verify/first-bill.ts). */
  firstBill: Map<string, FirstBillFinding>;
}

/** What the first-bill check found for one account: its decision and verdict, the fields it names, its note. */
export interface FirstBillFinding {
  decision: string;
  verdict: string;
  fields: string[];
  note: string;
}

export interface ClassResult {
  class: string;
  /** The documented rule the class is held to. */
  rule: string;
  marks: number;
  cleaned: number;
  kept: number;
  reported: number;
  /** Marks that ended none of the allowed ways: each is a failure. */
  unexplained: number;
  examples: string[];
}

export interface DirtyResult {
  classes: ClassResult[];
  /** Records that fail only with dirt around, and not because of it. */
  blocked: string[];
}

interface Target {
  entity: string;
  id: string;
}

interface ClassRule {
  rule: string;
  outcomes: DirtyOutcome[];
  /** Error categories a `reported` outcome may carry. */
  categories: string[];
  /** For `kept`: what Splynx must hold (null when it does). */
  check?(mark: DirtyMark, ev: DirtyEvidence, target: Target | null): string | null;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The account's services as Splynx holds them (those that were migrated). */
function servicesOfAccount(ev: DirtyEvidence, accountId: string): Array<{ id: string; entity: string; row: Record<string, unknown> }> {
  return (ev.raw.account_services ?? [])
    .filter((as) => String(as.account_id) === accountId)
    .flatMap((as) =>
      Object.values(SERVICE_ENTITY).flatMap((entity) => {
        const row = ev.services.get(`${entity}:${as.id}`);
        return row ? [{ id: String(as.id), entity, row }] : [];
      }),
    );
}

/** Why a Splynx service would still be billed, or null: stopped and hidden are not, disabled only without an end date. */
function stillBilled(row: Record<string, unknown>): string | null {
  const status = text(row.status);
  if (status === 'stopped' || status === 'hidden') return null;
  if (status === 'disabled' && /^\d{4}-\d{2}-\d{2}$/.test(text(row.end_date)) && text(row.end_date) !== '0000-00-00') return null;
  return `status ${status}, end date ${text(row.end_date) || '(none)'}`;
}

/** The rules, one per class: what a person reading docs/proof.md or the entity tables is promised. */
export const DIRTY_RULES: Record<(typeof DIRTY_CLASSES)[number], ClassRule> = {
  orphan_reference: {
    rule: 'a reference to a record that is not in the snapshot is reported (data): account services under internet_services, notes and contacts under their customer modules',
    outcomes: ['reported'],
    categories: ['data'],
  },
  archived_account: {
    rule: 'an archived account becomes a disabled customer, even in a status that activates it and with a next bill date (lib/entities/customers.ts); its services are not billed: disabled with an end date, covered through its billing period, and the first-bill check finds Splynx charging it nothing',
    outcomes: ['kept', 'reported'],
    categories: ['data', 'transformation', 'validation'],
    check: (m, ev) => {
      const c = ev.customers.get(m.id);
      if (!c || c.status !== 'disabled')
        return `customer for account ${m.id} is ${c ? `status ${text(c.status)}` : 'not in Splynx'}, not disabled`;
      for (const s of servicesOfAccount(ev, m.id)) {
        const billed = stillBilled(s.row);
        if (billed) return `${s.entity} ${s.id} of archived account ${m.id} is still billed by Splynx (${billed})`;
      }
      const f = ev.firstBill.get(m.id);
      if (!f) return `the first-bill check did not check account ${m.id}`;
      return f.verdict === 'not billed'
        ? null
        : `the first-bill check finds archived account ${m.id} ${f.verdict} (${f.fields.join(', ')})`;
    },
  },
  billing_mismatch: {
    rule: "the services load as Sonar holds them (each service's own next_bill_date first); the first-bill check names the account: its stated next charge differs from Splynx's first bill, or (not billed) the charge Sonar still states is named",
    outcomes: ['kept', 'reported'],
    categories: ['data'],
    check: (m, ev, t) => {
      const account = m.table === 'accounts' ? m.id : text(ev.raw.account_services?.find((r) => String(r.id) === m.id)?.account_id);
      if (m.table === 'accounts' && !ev.customers.has(m.id)) return `customer for account ${m.id} is not in Splynx`;
      if (m.table !== 'accounts' && t && !ev.loaded(t.entity, t.id)) return `${t.entity} ${t.id} is not in Splynx`;
      const f = ev.firstBill.get(account);
      if (!f) return `the first-bill check did not check account ${account}`;
      if (f.decision !== 'billed')
        return /still states a next charge/.test(f.note)
          ? null
          : `the first-bill row of account ${account} does not name Sonar's next charge`;
      if (f.fields.includes('next_recurring_charge_amount')) return null;
      // A service on a later cycle that costs nothing changes no total: the row names its own date.
      if (m.table === 'account_services' && f.note.includes(` ${m.id} on `)) return null;
      return `the first-bill check does not name account ${account} (verdict ${f.verdict})`;
    },
  },
  zero_price_service: {
    rule: 'a price override of 0 with no reason is migrated as Sonar bills it (unit price 0.00) and listed for review by cleaning',
    outcomes: ['kept', 'reported'],
    categories: ['data'],
    check: (m, ev, t) => {
      if (!ev.issues.some((i) => i.entity === 'account_services' && i.source_id === m.id && i.field === 'price_override'))
        return `account service ${m.id} is not listed for review`;
      if (!t) return null; // a one-time charge: finance, not a service
      const s = ev.services.get(`${t.entity}:${m.id}`);
      return s && Number(s.unit_price) === 0 ? null : `${t.entity} ${m.id} is ${s ? `priced ${text(s.unit_price)}` : 'not in Splynx'}`;
    },
  },
  edge_date: {
    rule: 'dates are carried as the valid dates they are (1970-01-01, 2099-12-31, 29 February); a billed service next billed before its account is reported (data) on its billing coverage, since Splynx would charge every day since at once',
    outcomes: ['kept', 'reported'],
    categories: ['data', 'transformation'],
    check: (m, ev, t) => {
      if (m.table === 'account_services') {
        if (t && !ev.loaded(t.entity, t.id)) return `${t.entity} ${t.id} is not in Splynx`;
        const account = text(ev.raw.account_services?.find((r) => String(r.id) === m.id)?.account_id);
        if (ev.firstBill.get(account)?.decision !== 'billed') return null;
        const e = ev.errors.find((x) => x.entity === 'billing_coverage' && x.source_id === m.id);
        return e?.category === 'data' ? null : `billing_coverage ${m.id} is ${e ? `a ${e.category} error` : 'not reported'}`;
      }
      if (m.table !== 'accounts') return t && !ev.loaded(t.entity, t.id) ? `${t.entity} ${t.id} is not in Splynx` : null;
      const c = ev.customers.get(m.id);
      const raw = ev.raw.accounts.find((a) => String(a.id) === m.id);
      return c && c.date_add === raw?.activation_date
        ? null
        : `customer ${m.id} has date_add ${text(c?.date_add)}, Sonar ${text(raw?.activation_date)}`;
    },
  },
  missing_name: {
    rule: "a blank name is tidied to none and listed; a customer then takes its primary contact's name, and one with neither is reported (transformation)",
    outcomes: ['cleaned', 'reported'],
    categories: ['transformation', 'data'],
  },
  unicode_name: {
    rule: 'names are carried in Unicode, composed (NFC) by cleaning',
    outcomes: ['kept', 'cleaned', 'reported'],
    categories: ['data', 'transformation', 'validation'],
    check: (m, ev, t) => {
      if (m.table !== 'accounts') return t && !ev.loaded(t.entity, t.id) ? `${t.entity} ${t.id} is not in Splynx` : null;
      const c = ev.customers.get(m.id);
      const raw = text(ev.raw.accounts.find((a) => String(a.id) === m.id)?.name)
        .normalize('NFC')
        .trim();
      return c && c.name === raw ? null : `customer ${m.id} is named ${JSON.stringify(c?.name)}, Sonar ${JSON.stringify(raw)}`;
    },
  },
  whitespace_padding: {
    rule: 'leading and trailing whitespace is trimmed by cleaning (tidy, email)',
    outcomes: ['cleaned'],
    categories: [],
  },
  invalid_email: {
    rule: 'an address that cannot be repaired is left out by cleaning and listed (validation); one that can is repaired',
    outcomes: ['cleaned'],
    categories: [],
  },
  duplicate_email: {
    rule: 'an address shared by two accounts is kept on both and listed for a person to decide (Splynx allows it)',
    outcomes: ['kept', 'cleaned', 'reported'],
    categories: ['data', 'transformation', 'validation'],
    check: (m, ev) =>
      ev.issues.some((i) => i.entity === 'contacts' && i.source_id === m.id && i.category === 'data')
        ? null
        : `contact ${m.id} is not listed for review`,
  },
  duplicate_login: {
    rule: "a contact's portal username is no customer login under the proposed portal-login scheme (account id), so a shared one blocks nothing; a RADIUS username is its internet service's login, and two services that would both be active with it are reported (data), each naming the other; with one of them not active, both keep it",
    outcomes: ['kept', 'reported'],
    categories: ['data', 'transformation', 'validation'],
    check: (m, ev, t) => {
      if (m.table !== 'radius_accounts' || !t) return null;
      const login = text(ev.services.get(`${t.entity}:${t.id}`)?.login);
      const username = text(ev.ctx.byId('radius_accounts', m.id)?.username).trim();
      return login === username ? null : `internet service ${t.id} logs in as ${JSON.stringify(login)}, not its RADIUS username`;
    },
  },
  phone_format: {
    rule: 'phone numbers are written E.164 by cleaning; one that cannot be is kept as written and listed (validation)',
    outcomes: ['cleaned'],
    categories: [],
  },
  long_city: {
    rule: "a city longer than Splynx's 32 characters is cut by cleaning and listed (transformation)",
    outcomes: ['cleaned'],
    categories: [],
  },
  long_address: {
    rule: "a street line up to 255 characters fits Splynx's street_1 and is kept whole; a longer one is cut and listed",
    outcomes: ['kept', 'cleaned', 'reported'],
    categories: ['data', 'transformation', 'validation'],
    check: (m, ev, t) => {
      if (!t) return null; // not an account's address: it feeds no customer
      const account = ev.ctx.byId('accounts', t.id);
      // Only the account's main address is written on the customer; the others stay in Sonar's backup.
      if (!account || String(mainAddress(account, ev.ctx)?.id) !== m.id) return null;
      const c = ev.customers.get(t.id);
      const line = text(ev.ctx.byId('addresses', m.id)?.line1);
      return c && c.street_1 === line
        ? null
        : `customer ${t.id} has street_1 ${JSON.stringify(c?.street_1)}, not the whole line (${line.length} characters)`;
    },
  },
  missing_address: {
    rule: "a customer without a serviceable address takes the account's physical or first address, or none; equipment at the unassigned address is reported (transformation)",
    outcomes: ['kept', 'reported'],
    categories: ['data', 'transformation'],
    check: (m, ev) => (ev.customers.has(m.id) ? null : `customer ${m.id} is not in Splynx`),
  },
  radius_pairing: {
    rule: "an internet service with two RADIUS accounts and no IP assignment choosing one is reported (data), naming both; one whose RADIUS account is gone gets the service-access table's decision (proposed: generate, a login <account>-<service> and a password only in data/secrets/)",
    outcomes: ['kept', 'reported'],
    categories: ['data'],
    check: (m, ev, t) => {
      if (!t) return null;
      const as = ev.ctx.byId('account_services', m.id);
      const login = text(ev.services.get(`${t.entity}:${t.id}`)?.login);
      return login === `${text(as?.account_id)}-${m.id}`
        ? null
        : `internet service ${m.id} logs in as ${JSON.stringify(login)}, not a generated login`;
    },
  },
};

const SERVICE_ENTITY: Record<string, string> = { DATA: 'internet_services', RECURRING: 'recurring_services', VOICE: 'voice_services' };

/** The migrated record a mark ends up in (null: it feeds none, e.g. a RADIUS username). */
export function targetOf(mark: DirtyMark, ev: Pick<DirtyEvidence, 'raw' | 'ctx'>): Target | null {
  const row = (table: string, id: unknown) => ev.raw[table]?.find((r) => String(r.id) === String(id));
  const contactTarget = (contact: Row | undefined): Target | null => {
    if (!contact || contact.contactable_type !== 'Account') return null;
    const account = String(contact.contactable_id);
    if (contact.primary === true && ev.ctx.byId('accounts', account)) return { entity: 'customers', id: account };
    // Other contacts go to one note per account, carried by the account's first other contact.
    const carrier = (ev.ctx.tables.contacts ?? []).find(
      (c) => String(c.contactable_id) === account && c.contactable_type === 'Account' && customerContacts.select!(c, ev.ctx),
    );
    return carrier ? { entity: 'customer_contacts', id: String(carrier.id) } : { entity: 'customers', id: account };
  };
  switch (mark.table) {
    case 'accounts':
      return { entity: 'customers', id: mark.id };
    case 'contacts':
      return contactTarget(row('contacts', mark.id));
    case 'phone_numbers':
      return contactTarget(row('contacts', row('phone_numbers', mark.id)?.contact_id));
    case 'addresses': {
      const a = row('addresses', mark.id);
      return a?.addressable_type === 'Account' ? { entity: 'customers', id: String(a.addressable_id) } : null;
    }
    case 'account_services': {
      const as = row('account_services', mark.id);
      const type = text(ev.ctx.byId('services', as?.service_id)?.type);
      if (!type) return { entity: 'internet_services', id: mark.id };
      return SERVICE_ENTITY[type] ? { entity: SERVICE_ENTITY[type], id: mark.id } : null;
    }
    case 'notes':
      return { entity: 'customer_notes', id: mark.id };
    case 'radius_accounts': {
      // A RADIUS account feeds the login of its account's internet service (with one, the one).
      const account = text(row('radius_accounts', mark.id)?.account_id);
      const data = (ev.raw.account_services ?? []).filter(
        (as) => text(as.account_id) === account && ev.ctx.byId('services', as.service_id)?.type === 'DATA',
      );
      return data.length === 1 ? { entity: 'internet_services', id: String(data[0].id) } : null;
    }
    default:
      return null;
  }
}

export function verifyDirty(ev: DirtyEvidence): DirtyResult {
  const errorOf = new Map(ev.errors.map((e) => [`${e.entity}:${e.source_id}`, e]));
  const classes: ClassResult[] = [];
  for (const cls of DIRTY_CLASSES) {
    const rule = DIRTY_RULES[cls];
    const marks = ev.marks.filter((m) => m.class === cls);
    const r: ClassResult = {
      class: cls,
      rule: rule.rule,
      marks: marks.length,
      cleaned: 0,
      kept: 0,
      reported: 0,
      unexplained: 0,
      examples: [],
    };
    for (const m of marks) {
      const t = targetOf(m, ev);
      const outcome = judge(m, t, rule, ev, errorOf);
      if (typeof outcome === 'string' && (DIRTY_OUTCOMES as readonly string[]).includes(outcome)) r[outcome as DirtyOutcome]++;
      else {
        r.unexplained++;
        if (r.examples.length < 5)
          r.examples.push(`${m.table}/${m.id}${m.field ? ` ${m.field}` : ''} (${m.detail}): ${(outcome as { why: string }).why}`);
      }
    }
    classes.push(r);
  }
  return { classes, blocked: blockedByNeighbours(ev) };
}

const DIRTY_OUTCOMES = ['cleaned', 'kept', 'reported'] as const;

function judge(
  m: DirtyMark,
  t: Target | null,
  rule: ClassRule,
  ev: DirtyEvidence,
  errorOf: Map<string, ErrorRow>,
): DirtyOutcome | { why: string } {
  const error = t ? errorOf.get(`${t.entity}:${t.id}`) : undefined;
  if (error) {
    if (rule.outcomes.includes('reported') && rule.categories.includes(error.category)) return 'reported';
    // A cleaned value does not excuse a record that then failed for a reason the class does not allow.
    if (!rule.outcomes.includes('reported') && rule.outcomes.includes('cleaned') && cleanedBy(m, ev)) return 'cleaned';
    return { why: `${t!.entity} ${t!.id} is in the error table as ${error.category} (${error.message}), which this class does not allow` };
  }
  // Nothing reported: the record must be in Splynx (or feed nothing).
  if (t && !ev.loaded(t.entity, t.id)) return { why: `${t.entity} ${t.id} is neither in Splynx nor in the error table` };
  if (rule.outcomes.includes('cleaned') && cleanedBy(m, ev)) return 'cleaned';
  if (rule.outcomes.includes('kept')) {
    const problem = rule.check?.(m, ev, t) ?? null;
    return problem ? { why: problem } : 'kept';
  }
  return {
    why: `no cleaning rule changed ${m.table}/${m.id} ${m.field ?? ''}${rule.outcomes.includes('reported') ? ' and it is not in the error table' : ''}`,
  };
}

/** A rule changed the marked field (or listed it, for a value cleaning keeps as written on purpose). */
function cleanedBy(m: DirtyMark, ev: DirtyEvidence): boolean {
  const field = (f: string) => !m.field || f === m.field;
  return (
    ev.changes.some((c) => c.entity === m.table && c.source_id === m.id && field(c.field)) ||
    ev.issues.some((i) => i.entity === m.table && i.source_id === m.id && field(i.field))
  );
}

/**
 * Records that fail only in the dirty run must owe it to dirt: marked themselves (through what
 * they feed), or failing for a record they need that failed for such a reason, or standing at
 * an address dirt took from its account.
 */
function blockedByNeighbours(ev: DirtyEvidence): string[] {
  const baseline = new Set(ev.baselineErrors.map((e) => `${e.entity}:${e.source_id}`));
  const dirty = new Set<string>();
  const dirtyAccounts = new Set<string>();
  const freedAddresses = new Set<string>();
  // Accounts with a spoiled service: a static IP needs the account's internet service to ride on.
  const spoiledServiceOf = new Set(
    ev.marks
      .filter((m) => m.table === 'account_services')
      .map((m) => String(ev.raw.account_services?.find((r) => String(r.id) === m.id)?.account_id)),
  );
  for (const m of ev.marks) {
    const t = targetOf(m, ev);
    if (t) dirty.add(`${t.entity}:${t.id}`);
    // A spoiled account service feeds its billing coverage too.
    if (m.table === 'account_services') dirty.add(`billing_coverage:${m.id}`);
    if (t?.entity === 'customers') dirtyAccounts.add(t.id);
    // A duplicated value spoils its source too (two services with one login are both reported).
    const twin = /duplicates (radius_accounts)\/(\d+)/.exec(m.detail);
    const source = twin ? targetOf({ ...m, table: twin[1], id: twin[2] }, ev) : null;
    if (source) dirty.add(`${source.entity}:${source.id}`);
    const freed = /addresses\/(\d+) was unassigned/.exec(m.detail);
    if (freed) freedAddresses.add(freed[1]);
  }
  const failed = new Map(ev.errors.map((e) => [`${e.entity}:${e.source_id}`, e]));
  const excused = (key: string, seen = new Set<string>()): boolean => {
    if (dirty.has(key) || baseline.has(key)) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    const e = failed.get(key);
    if (!e) return false;
    // "needs customers 73, which has not been migrated": excused when customer 73 is.
    const need = /needs (\w+) (\S+), which has not been migrated/.exec(e.message);
    if (need) return excused(`${need[1]}:${need[2]}`, seen) || (need[1] === 'customers' && dirtyAccounts.has(need[2]));
    const at = /is at address (\d+), which belongs to no account/.exec(e.message);
    if (at) return freedAddresses.has(at[1]);
    const ip = /^account (\d+) has static IP .* but no internet service to carry it/.exec(e.message);
    return !!ip && spoiledServiceOf.has(ip[1]);
  };
  return ev.errors
    .filter((e) => !excused(`${e.entity}:${e.source_id}`))
    .map((e) => `${e.entity} ${e.source_id} (${e.category}): ${e.message}`);
}
