/**
 * Cleaning a whole snapshot: the small helpers of this folder applied to the fields they are for.
 * Records keep Sonar's shape (the next notebooks read them like a snapshot); only values change.
 * Every change is logged, and every value that could not be used is an issue for the analyst,
 * so nothing is dropped or cut without a row saying so.
 */
import { ADDRESS_LIMITS, cleanAddress } from './address.js';
import { applyCorrections, type CorrectionOutcome, type CorrectionRow } from './corrections.js';
import { planExclusions, withoutExcluded, type ExcludedRecord, type ExclusionOutcome, type ExclusionRow } from './exclusions.js';
import { cleanEmail } from './email.js';
import { cleanPhone, formatPhone } from './phone.js';
import { tidy } from './text.js';

export type Row = Record<string, unknown>;
export type Tables = Record<string, Row[]>;

export interface Change {
  entity: string;
  source_id: string;
  field: string;
  before: unknown;
  after: unknown;
  rule: string;
}

export type IssueCategory = 'validation' | 'transformation' | 'data';

export interface Issue {
  entity: string;
  source_id: string;
  field: string;
  category: IssueCategory;
  problem: string;
  suggested_fix: string;
}

export interface CleanOptions {
  /** Region for phone numbers written without a country code, when the record has no country. */
  defaultCountry?: string;
  /** The analyst's corrections (lib/clean/corrections.ts), applied after the automatic cleaning. */
  corrections?: readonly CorrectionRow[];
  /** The analyst's exclusions (lib/clean/exclusions.ts), applied last: these records are not migrated. */
  exclusions?: readonly ExclusionRow[];
  /** Ids Sonar deleted since an earlier snapshot of the chain: a decision about one is stale, not refused. */
  deleted?: Record<string, readonly string[]>;
}

export interface CleanResult {
  tables: Tables;
  changes: Change[];
  issues: Issue[];
  /** Each correction with its outcome: applied, stale, refused or superseded. */
  corrections: CorrectionOutcome[];
  /** Each exclusion with its outcome: excluded or refused. */
  exclusions: ExclusionOutcome[];
  /** The records left out by decision (the named ones and what belongs to them), with their reasons. */
  excluded: ExcludedRecord[];
}

/** The tables cleanSnapshot changes values in. */
const EDITED_TABLES = new Set(['accounts', 'contacts', 'phone_numbers', 'addresses']);

export function cleanSnapshot(input: Tables, opts: CleanOptions = {}): CleanResult {
  // The input is never modified: the tables cleaning edits are copied, the others passed through
  // as they are (copying every record doubled the memory of a 100,000-account snapshot).
  const tables: Tables = Object.fromEntries(
    Object.entries(input).map(([t, rows]) => [t, EDITED_TABLES.has(t) ? rows.map((r) => ({ ...r })) : rows]),
  );
  const changes: Change[] = [];
  const issues: Issue[] = [];
  const ctx = { changes, issues };

  for (const r of tables.accounts ?? []) {
    set(ctx, 'accounts', r, 'name', tidy(r.name as string | null), 'tidy');
    if (!r.name)
      issue(
        ctx,
        'accounts',
        r,
        'name',
        'data',
        'account has no name',
        "Give the account a name in Sonar, or the loader will use its primary contact's name",
      );
  }

  for (const r of tables.contacts ?? []) {
    set(ctx, 'contacts', r, 'name', tidy(r.name as string | null), 'tidy');
    if (!r.name) issue(ctx, 'contacts', r, 'name', 'data', 'contact has no name', 'Add a name in Sonar; Splynx needs one for a customer');
    const email = cleanEmail(r.email_address as string | null);
    if (email.issue)
      issue(
        ctx,
        'contacts',
        r,
        'email_address',
        'validation',
        email.issue,
        'Correct the address in Sonar and take a new snapshot; otherwise it is left out',
      );
    set(ctx, 'contacts', r, 'email_address', email.value, 'email');
  }
  duplicateEmails(ctx, tables.contacts ?? []);

  // A phone's region: its own country, else the owning account's first address, else the default.
  const countryOfContact = contactCountries(tables);
  for (const r of tables.phone_numbers ?? []) {
    const country = (r.country as string | null) || countryOfContact.get(String(r.contact_id)) || opts.defaultCountry || 'US';
    const phone = cleanPhone(r.number as string | null, country, r.extension as string | null);
    if (phone.issue) {
      issue(
        ctx,
        'phone_numbers',
        r,
        'number',
        'validation',
        phone.issue,
        'Correct the number in Sonar; it is kept as written and may not dial',
      );
      continue;
    }
    if (phone.value) set(ctx, 'phone_numbers', r, 'number', formatPhone(phone.value), 'phone E.164');
  }

  // A price cut to nothing with no reason is more often a slip than a gift: migrated as Sonar bills
  // it (0.00), and listed so someone confirms it.
  const price = new Map((tables.services ?? []).map((s) => [String(s.id), Number(s.amount ?? 0)]));
  for (const r of tables.account_services ?? []) {
    if (r.price_override === 0 && !r.price_override_reason && (price.get(String(r.service_id)) ?? 0) > 0) {
      issue(
        ctx,
        'account_services',
        r,
        'price_override',
        'data',
        `billed at 0 with no reason (service ${r.service_id} costs ${price.get(String(r.service_id))} cents)`,
        'Confirm it in Sonar (give the override a reason) or correct the price; it is migrated at 0.00',
      );
    }
  }

  for (const r of tables.addresses ?? []) {
    const a = cleanAddress(r as never);
    set(ctx, 'addresses', r, 'line1', a.value.street_1, 'address');
    set(ctx, 'addresses', r, 'line2', a.value.street_2, 'address');
    set(ctx, 'addresses', r, 'city', a.value.city, 'address');
    set(ctx, 'addresses', r, 'zip', a.value.zip_code, 'address');
    for (const problem of a.issues) {
      const field = Object.keys(ADDRESS_LIMITS).find((f) => problem.startsWith(f)) ?? 'coordinates';
      issue(
        ctx,
        'addresses',
        r,
        field,
        'transformation',
        problem,
        field === 'coordinates'
          ? 'Fix the position in Sonar, or accept that Splynx gets no GPS'
          : 'Shorten it in Sonar, or accept the cut shown',
      );
    }
    if (r.addressable_type === 'Account' && !r.line1)
      issue(ctx, 'addresses', r, 'line1', 'data', 'account address has no street line', 'Add the street in Sonar');
  }
  // The analyst's decisions come after the automatic cleaning, here and nowhere else, so notebook
  // 02, its replay and the delta cannot apply them differently.
  const corrected = applyCorrections(tables, input, opts.corrections ?? [], opts.deleted);
  changes.push(...corrected.changes);
  const plan = planExclusions(corrected.tables, opts.exclusions ?? [], opts.deleted);
  const result = {
    tables: withoutExcluded(corrected.tables, plan.excluded),
    changes,
    issues: [] as Issue[],
    corrections: corrected.outcomes,
    exclusions: plan.outcomes,
    excluded: plan.excluded,
  };
  result.issues = issuesLeft(result, issues);
  return result;
}

/**
 * The issues still open after the analyst's decisions, merged (mergeIssues): none on a cell a
 * correction was applied to, none on an excluded record (it is reported as excluded instead).
 */
export function issuesLeft(cleaned: Pick<CleanResult, 'corrections' | 'excluded'>, ...lists: Issue[][]): Issue[] {
  const corrected = new Set(cleaned.corrections.filter((c) => c.status === 'applied').map((c) => `${c.table}\0${c.sonar_id}\0${c.field}`));
  const excluded = new Set(cleaned.excluded.map((e) => `${e.table}\0${e.sonar_id}`));
  return mergeIssues(...lists).filter(
    (i) => !corrected.has(`${i.entity}\0${i.source_id}\0${i.field}`) && !excluded.has(`${i.entity}\0${i.source_id}`),
  );
}

type Ctx = { changes: Change[]; issues: Issue[] };

function set(ctx: Ctx, entity: string, r: Row, field: string, value: unknown, rule: string): void {
  const before = r[field] ?? null;
  const after = value ?? null;
  if (before === after) return;
  r[field] = after;
  ctx.changes.push({ entity, source_id: String(r.id), field, before, after, rule });
}

function issue(ctx: Ctx, entity: string, r: Row, field: string, category: IssueCategory, problem: string, suggested_fix: string): void {
  ctx.issues.push({ entity, source_id: String(r.id), field, category, problem, suggested_fix });
}

/** The same address on contacts of different accounts: Splynx logins and portal access need one owner. */
function duplicateEmails(ctx: Ctx, contacts: Row[]): void {
  const owners = new Map<string, Set<string>>();
  for (const c of contacts) {
    const e = (c.email_address as string | null)?.toLowerCase();
    if (!e) continue;
    const set = owners.get(e) ?? new Set<string>();
    set.add(`${c.contactable_type}:${c.contactable_id}`);
    owners.set(e, set);
  }
  for (const c of contacts) {
    const e = (c.email_address as string | null)?.toLowerCase();
    const n = e ? owners.get(e)!.size : 0;
    if (n > 1)
      issue(
        ctx,
        'contacts',
        c,
        'email_address',
        'data',
        `${e} is used by ${n} accounts`,
        'Decide which account keeps it; the others get no e-mail in Splynx',
      );
  }
}

function contactCountries(tables: Tables): Map<string, string> {
  const byOwner = new Map<string, string>();
  for (const a of tables.addresses ?? []) {
    const key = `${a.addressable_type}:${a.addressable_id}`;
    if (a.country && !byOwner.has(key)) byOwner.set(key, String(a.country));
  }
  const out = new Map<string, string>();
  for (const c of tables.contacts ?? []) {
    const country = byOwner.get(`${c.contactable_type}:${c.contactable_id}`);
    if (country) out.set(String(c.id), country);
  }
  return out;
}

/** Changes per entity, field and rule: the summary to read before the detail. */
export function changeSummary(changes: Change[]): Array<{ entity: string; field: string; rule: string; changed: number }> {
  const counts = new Map<string, { entity: string; field: string; rule: string; changed: number }>();
  for (const c of changes) {
    const key = `${c.entity}\0${c.field}\0${c.rule}`;
    const row = counts.get(key) ?? { entity: c.entity, field: c.field, rule: c.rule, changed: 0 };
    row.changed++;
    counts.set(key, row);
  }
  return [...counts.values()];
}

/** One row per (entity, record, field, kind of problem), whichever step found it first. */
export function mergeIssues(...lists: Issue[][]): Issue[] {
  const seen = new Set<string>();
  return lists.flat().filter((i) => {
    const key = `${i.entity}\0${i.source_id}\0${i.field}\0${i.category}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
