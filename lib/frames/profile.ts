/**
 * Profiles of a snapshot for the analyst: each returns plain rows to `show()`, and
 * `issuesForReview` gathers them into the one review table (entity, source_id, field, category,
 * problem, suggested_fix), the same shape as `cleanSnapshot`'s issues.
 *
 * They take frames (`loadSnapshot`) or records (`loadRecords`, `cleanSnapshot(...).tables`), and
 * judge values with lib/clean's own rules, so a profile of the cleaned data shows what is left.
 * Orphans are only meaningful on a full snapshot (or one with its selected accounts' members):
 * an incremental one holds changes only, and every reference out of it looks dangling.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { SPLYNX_LIMITS } from '../clean/address.js';
import { cleanEmail, isValidEmail } from '../clean/email.js';
import { cleanPhone, formatPhone } from '../clean/phone.js';
import type { Issue, IssueCategory, Row } from '../clean/snapshot.js';
import { fitLength, tidy } from '../clean/text.js';
import { REFERENCES } from '../sandbox/generator/references.js';
import type { SonarRecord } from '../sandbox/dataset.js';
import type { TypeProblem } from './convert.js';
import type { DataFrame } from './danfo.js';
import type { TableSource } from './load.js';
import { isSingleTable, TableView, viewOf, viewsOf, type Viewable } from './view.js';

export type { Issue, IssueCategory };

/** `table.field` lists, per table. */
export type FieldList = Record<string, string[]>;

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
const pct = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : 0);
const byId = (a: { source_id: string }, b: { source_id: string }) =>
  Number(a.source_id) - Number(b.source_id) || a.source_id.localeCompare(b.source_id);

function fieldViews(source: TableSource, fields: FieldList): Array<{ view: TableView; field: string }> {
  const out: Array<{ view: TableView; field: string }> = [];
  for (const [table, list] of Object.entries(fields)) {
    const view = viewOf(source, table);
    if (!view) continue;
    for (const field of list) if (view.has(field)) out.push({ view, field });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Nulls and value counts

export interface NullCountRow {
  table: string;
  column: string;
  kind: string;
  rows: number;
  nulls: number;
  /** Text that is empty or only whitespace: present, but no better than null. */
  blanks: number;
  null_pct: number;
}

/**
 * Nulls (and blank text) per column. For one table (a frame, records, or `{ table }` of a
 * source), every column; for a whole source, only the columns that have some, unless `all`.
 */
export function nullCounts(data: Viewable, opts: { table?: string; all?: boolean } = {}): NullCountRow[] {
  const single = isSingleTable(data);
  const views = single ? [new TableView(opts.table ?? '', data)] : viewsOf(data, opts.table ? [opts.table] : undefined);
  const all = opts.all ?? (single || !!opts.table);
  const out: NullCountRow[] = [];
  for (const view of views) {
    for (const column of view.columns) {
      let nulls = 0;
      let blanks = 0;
      for (const v of view.col(column)) {
        if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) nulls++;
        else if (typeof v === 'string' && v.trim() === '') blanks++;
      }
      if (all || nulls || blanks)
        out.push({
          table: view.table,
          column,
          kind: view.kind(column),
          rows: view.length,
          nulls,
          blanks,
          null_pct: pct(nulls, view.length),
        });
    }
  }
  return out;
}

export interface ValueCountRow {
  value: unknown;
  label?: string;
  count: number;
  pct: number;
}

/** How often each value of one column occurs, most frequent first. `labels` names coded values (status ids). */
export function valueCounts(
  data: DataFrame | readonly Row[],
  column: string,
  opts: { labels?: Map<string, string> } = {},
): ValueCountRow[] {
  const view = new TableView('', data);
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const v of view.col(column)) {
    const value = v === undefined ? null : v instanceof Date ? v.toISOString() : v;
    const key = JSON.stringify(value);
    const c = counts.get(key) ?? { value, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)))
    .map(({ value, count }) => ({
      value,
      ...(opts.labels ? { label: value === null ? '' : (opts.labels.get(String(value)) ?? '(unknown)') } : {}),
      count,
      pct: pct(count, view.length),
    }));
}

/** Status and type fields worth counting, with the table that names coded ones. */
export const STATUS_FIELDS: Array<{ table: string; field: string; labels?: string }> = [
  { table: 'accounts', field: 'account_status_id', labels: 'account_statuses' },
  { table: 'accounts', field: 'account_type_id', labels: 'account_types' },
  { table: 'accounts', field: 'is_delinquent' },
  { table: 'account_types', field: 'type' },
  { table: 'addresses', field: 'addressable_type' },
  { table: 'addresses', field: 'type' },
  { table: 'contacts', field: 'contactable_type' },
  { table: 'phone_numbers', field: 'phone_number_type_id', labels: 'phone_number_types' },
  { table: 'services', field: 'type' },
  { table: 'services', field: 'application' },
  { table: 'account_billing_parameters', field: 'bill_mode' },
  { table: 'data_service_details', field: 'technology_code' },
  { table: 'ip_assignments', field: 'ipassignmentable_type' },
  { table: 'inventory_items', field: 'status' },
  { table: 'notes', field: 'noteable_type' },
  { table: 'tickets', field: 'status' },
  { table: 'tickets', field: 'priority' },
  { table: 'invoices', field: 'status' },
  { table: 'debits', field: 'type' },
  { table: 'payments', field: 'status' },
  { table: 'payments', field: 'payment_type' },
];

export interface StatusCountRow extends ValueCountRow {
  table: string;
  field: string;
}

/** Value counts of every status and type field present, coded ids named (account 3 → "Active"). Archived accounts count as `archived`. */
export function statusCounts(source: TableSource): StatusCountRow[] {
  const out: StatusCountRow[] = [];
  for (const { table, field, labels } of STATUS_FIELDS) {
    const view = viewOf(source, table);
    if (!view || !view.has(field)) continue;
    const names = labels ? viewOf(source, labels) : undefined;
    const map = names ? new Map(names.ids().map((id, i) => [id, String(names.col('name')[i] ?? '')])) : undefined;
    for (const row of valueCounts(source[table], field, map ? { labels: map } : {})) out.push({ table, field, ...row });
  }
  const accounts = viewOf(source, 'accounts');
  if (accounts?.has('archived_at')) {
    const archived = accounts.col('archived_at').filter((v) => v !== null && v !== undefined).length;
    for (const [value, count] of [
      [true, archived],
      [false, accounts.length - archived],
    ] as const) {
      if (count) out.push({ table: 'accounts', field: 'archived', value, count, pct: pct(count, accounts.length) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Duplicates

export interface DuplicateGroup {
  table: string;
  field: string;
  /** The shared value, as compared (normalised). */
  value: string;
  /** Records that share it. */
  count: number;
  ids: string[];
  /** Distinct owners among them, when duplicates are counted per owner (e-mails per account). */
  owners?: number;
}

export interface DuplicateOptions {
  /** The comparison key of a value; null skips it. Default: the value tidied (blank skipped). */
  normalize?: (value: unknown) => string | null;
  /** Count only values shared by more than one owner (e.g. contacts of different accounts). */
  ownerOf?: (view: TableView, i: number) => string;
}

/** Values of `table.field` held by more than one record (or owner). */
export function duplicateKeys(source: TableSource, table: string, field: string, opts: DuplicateOptions = {}): DuplicateGroup[] {
  const view = viewOf(source, table);
  if (!view || !view.has(field)) return [];
  const normalize = opts.normalize ?? ((v: unknown) => tidy(text(v)));
  const groups = new Map<string, { ids: string[]; owners: Set<string> }>();
  const values = view.col(field);
  const ids = view.ids();
  values.forEach((v, i) => {
    const key = normalize(v);
    if (key === null) return;
    const g = groups.get(key) ?? { ids: [], owners: new Set<string>() };
    g.ids.push(ids[i]);
    if (opts.ownerOf) g.owners.add(opts.ownerOf(view, i));
    groups.set(key, g);
  });
  const out: DuplicateGroup[] = [];
  for (const [value, g] of groups) {
    if (g.ids.length < 2 || (opts.ownerOf && g.owners.size < 2)) continue;
    out.push({ table, field, value, count: g.ids.length, ids: g.ids, ...(opts.ownerOf ? { owners: g.owners.size } : {}) });
  }
  return out.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Ids that occur more than once in a table (a bad merge of snapshots, or a broken extract). */
export function duplicateIds(source: TableSource): DuplicateGroup[] {
  return Object.keys(source).flatMap((t) => duplicateKeys(source, t, 'id', { normalize: (v) => text(v) }));
}

const emailKey = (v: unknown) => cleanEmail(text(v)).value?.toLowerCase() ?? null;
const ownerOfContact = (view: TableView, i: number) => `${view.col('contactable_type')[i]}:${view.col('contactable_id')[i]}`;

/**
 * E-mail addresses used by contacts of more than one account (compared as cleaned, ignoring
 * case): Splynx logins and portal access need one owner. Addresses that are invalid are left to
 * `invalidEmails`.
 */
export function duplicateEmails(source: TableSource): DuplicateGroup[] {
  return duplicateKeys(source, 'contacts', 'email_address', { normalize: emailKey, ownerOf: ownerOfContact });
}

/** Logins (contact usernames, RADIUS usernames) used twice, ignoring case: Splynx keeps customer and service logins unique. */
export function duplicateLogins(source: TableSource): DuplicateGroup[] {
  const login = (v: unknown) => tidy(text(v))?.toLowerCase() ?? null;
  return [
    ...duplicateKeys(source, 'contacts', 'username', { normalize: login }),
    ...duplicateKeys(source, 'radius_accounts', 'username', { normalize: login }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Invalid values

export interface InvalidValueRow {
  table: string;
  source_id: string;
  field: string;
  value: string;
  problem: string;
  /** What cleaning makes of it, when it can. */
  fix: string | null;
}

export const EMAIL_FIELDS: FieldList = { contacts: ['email_address'], users: ['email_address'], ticket_replies: ['author_email'] };

/**
 * E-mail addresses that are not valid as written (surrounding whitespace aside: that is
 * `paddedText`'s). `fix` is what `cleanEmail` makes of it, when it can make anything.
 */
export function invalidEmails(source: TableSource, fields: FieldList = EMAIL_FIELDS): InvalidValueRow[] {
  const out: InvalidValueRow[] = [];
  for (const { view, field } of fieldViews(source, fields)) {
    const ids = view.ids();
    view.col(field).forEach((v, i) => {
      const t = tidy(text(v));
      if (t === null || isValidEmail(t)) return;
      const c = cleanEmail(text(v));
      out.push({
        table: view.table,
        source_id: ids[i],
        field,
        value: text(v)!,
        problem: c.issue ?? `"${t}" is not a valid e-mail address as written`,
        fix: c.value,
      });
    });
  }
  return out.sort(byId);
}

export interface PhoneRow extends InvalidValueRow {
  country: string;
  /** `invalid`: the number will not dial; `format`: the number is fine, its display form says something else. */
  kind: 'invalid' | 'format';
}

/** Each contact's country from its owner's first address, for numbers that carry none. */
function contactCountries(source: TableSource): Map<string, string> {
  const owner = new Map<string, string>();
  const addresses = viewOf(source, 'addresses');
  if (addresses) {
    const [types, ids, countries] = [addresses.col('addressable_type'), addresses.col('addressable_id'), addresses.col('country')];
    types.forEach((t, i) => {
      const key = `${t}:${ids[i]}`;
      if (countries[i] && !owner.has(key)) owner.set(key, String(countries[i]));
    });
  }
  const out = new Map<string, string>();
  const contacts = viewOf(source, 'contacts');
  if (contacts) {
    const ids = contacts.ids();
    ids.forEach((id, i) => {
      const c = owner.get(ownerOfContact(contacts, i));
      if (c) out.set(id, c);
    });
  }
  return out;
}

/**
 * Phone numbers that are not valid for their country (libphonenumber, through `cleanPhone`), and
 * valid ones whose display form (`number_formatted`) is not that number as its country writes it
 * ("555-1234 ext 9", "+1 806.555.1234", letters): Splynx gets the E.164 form, not that text.
 */
export function invalidPhones(source: TableSource, opts: { defaultCountry?: string } = {}): PhoneRow[] {
  const out: PhoneRow[] = [];
  const fallback = opts.defaultCountry ?? 'US';
  const phones = viewOf(source, 'phone_numbers');
  if (phones?.has('number')) {
    const countryOf = contactCountries(source);
    const ids = phones.ids();
    const [numbers, exts, countries, shown, contactIds] = ['number', 'extension', 'country', 'number_formatted', 'contact_id'].map((c) =>
      phones.col(c),
    );
    numbers.forEach((n, i) => {
      const value = text(n);
      if (value === null || value.trim() === '') return;
      const country = text(countries[i]) || countryOf.get(String(contactIds[i])) || fallback;
      const c = cleanPhone(value, country, text(exts[i]));
      const row = { table: 'phone_numbers', source_id: ids[i], country };
      if (c.issue || !c.value) {
        out.push({ ...row, field: 'number', value, problem: c.issue ?? `"${value}" is not a phone number`, fix: null, kind: 'invalid' });
        return;
      }
      const display = tidy(text(shown[i]));
      const expected = parsePhoneNumberFromString(c.value.e164)?.formatNational();
      if (display !== null && expected && display !== expected) {
        out.push({
          ...row,
          field: 'number_formatted',
          value: text(shown[i])!,
          problem: `shown as "${display}", but the number is ${c.value.e164} ("${expected}")`,
          fix: formatPhone(c.value),
          kind: 'format',
        });
      }
    });
  }
  const others: Array<[string, string, string | null]> = [
    ['users', 'mobile_number', null],
    ['companies', 'phone_number', 'country'],
  ];
  for (const [table, field, countryField] of others) {
    const view = viewOf(source, table);
    if (!view?.has(field)) continue;
    const ids = view.ids();
    view.col(field).forEach((n, i) => {
      const value = text(n);
      if (value === null || value.trim() === '') return;
      const country = (countryField && text(view.col(countryField)[i])) || fallback;
      const c = cleanPhone(value, country);
      if (c.issue) out.push({ table, source_id: ids[i], field, value, country, problem: c.issue, fix: null, kind: 'invalid' });
    });
  }
  return out.sort(byId);
}

// ---------------------------------------------------------------------------------------------
// Lengths, blanks, whitespace, unicode

/** Sonar field → the Splynx field it is loaded into, and that field's length (characters). */
export const FIELD_LIMITS: Record<string, Record<string, { splynx: string; max: number }>> = {
  addresses: {
    line1: { splynx: 'customers.street_1', max: SPLYNX_LIMITS.street_1 },
    line2: { splynx: 'customers.street_2', max: SPLYNX_LIMITS.street_2 },
    city: { splynx: 'customers.city', max: SPLYNX_LIMITS.city },
    zip: { splynx: 'customers.zip_code', max: SPLYNX_LIMITS.zip_code },
  },
  accounts: { name: { splynx: 'customers.name', max: 255 } },
  contacts: {
    name: { splynx: 'customers.name', max: 255 },
    email_address: { splynx: 'customers.email', max: 255 },
    username: { splynx: 'customers.login', max: 128 },
  },
  radius_accounts: { username: { splynx: 'internet_services.login', max: 128 } },
};

export interface OverlongRow {
  table: string;
  source_id: string;
  field: string;
  splynx_field: string;
  length: number;
  limit: number;
  value: string;
  /** The value cut to the limit, as `fitLength` would load it. */
  fix: string;
}

/** Values longer (in characters, after tidying) than the Splynx field they go into. */
export function overlongFields(source: TableSource, limits: typeof FIELD_LIMITS = FIELD_LIMITS): OverlongRow[] {
  const out: OverlongRow[] = [];
  for (const [table, fields] of Object.entries(limits)) {
    const view = viewOf(source, table);
    if (!view) continue;
    const ids = view.ids();
    for (const [field, { splynx, max }] of Object.entries(fields)) {
      if (!view.has(field)) continue;
      view.col(field).forEach((v, i) => {
        const r = fitLength(text(v), max, field);
        if (!r.issue) return;
        out.push({
          table,
          source_id: ids[i],
          field,
          splynx_field: splynx,
          length: [...tidy(text(v))!].length,
          limit: max,
          value: text(v)!,
          fix: r.value!,
        });
      });
    }
  }
  return out.sort(byId);
}

export const REQUIRED_TEXT: FieldList = { accounts: ['name'], contacts: ['name'] };

export interface FieldValueRow {
  table: string;
  source_id: string;
  field: string;
  /** The value as JSON, so whitespace shows: `"  "`, `"\t"`, `null`. */
  value: string;
}

/** Required text (a customer's name) that is null, empty or only whitespace. */
export function blankRequired(source: TableSource, fields: FieldList = REQUIRED_TEXT): FieldValueRow[] {
  const out: FieldValueRow[] = [];
  for (const { view, field } of fieldViews(source, fields)) {
    const ids = view.ids();
    view.col(field).forEach((v, i) => {
      if (tidy(text(v)) === null) out.push({ table: view.table, source_id: ids[i], field, value: JSON.stringify(v ?? null) });
    });
  }
  return out.sort(byId);
}

/** The short text fields a customer record is made of: names, e-mails, logins, address lines. */
export const NAME_FIELDS: FieldList = {
  accounts: ['name'],
  contacts: ['name', 'email_address', 'username'],
  addresses: ['line1', 'line2', 'city', 'zip'],
  radius_accounts: ['username'],
  users: ['name', 'email_address'],
};

export interface PaddedRow extends FieldValueRow {
  /** The value as `tidy` leaves it. */
  fix: string;
}

const PADDING = /^[\s\u200b-\u200d\ufeff]|[\s\u200b-\u200d\ufeff]$|[\u200b-\u200d\ufeff]|\s{2,}|[^\S ]/;

/** Leading, trailing or doubled whitespace, tabs, non-breaking and zero-width spaces. Blank values are `blankRequired`'s. */
export function paddedText(source: TableSource, fields: FieldList = NAME_FIELDS): PaddedRow[] {
  const out: PaddedRow[] = [];
  for (const { view, field } of fieldViews(source, fields)) {
    const ids = view.ids();
    view.col(field).forEach((v, i) => {
      const s = text(v);
      const t = tidy(s);
      if (s === null || t === null || !PADDING.test(s)) return;
      out.push({ table: view.table, source_id: ids[i], field, value: JSON.stringify(s), fix: t });
    });
  }
  return out.sort(byId);
}

export interface UnicodeRow extends FieldValueRow {
  problem: string;
  /** `warn`: may not survive as is; `info`: fine, but worth a look in Splynx. */
  level: 'warn' | 'info';
}

/**
 * Text beyond ASCII: emoji and other characters outside the Basic Multilingual Plane (MySQL's
 * 3-byte `utf8` cannot store them; only `utf8mb4` can), decomposed accents (not NFC; cleaning
 * normalises them), and other non-ASCII text (fine, but worth checking on invoices and e-mails).
 */
export function unicodeText(source: TableSource, fields: FieldList = NAME_FIELDS): UnicodeRow[] {
  const out: UnicodeRow[] = [];
  for (const { view, field } of fieldViews(source, fields)) {
    const ids = view.ids();
    view.col(field).forEach((v, i) => {
      const s = text(v);
      const t = tidy(s);
      if (s === null || t === null) return;
      const row = { table: view.table, source_id: ids[i], field, value: s };
      if ([...t].some((ch) => ch.codePointAt(0)! > 0xffff))
        out.push({
          ...row,
          problem: 'has emoji or other 4-byte characters, which a Splynx database in 3-byte utf8 cannot store',
          level: 'warn',
        });
      else if (s.normalize('NFC') !== s)
        out.push({ ...row, problem: 'has decomposed accents (not NFC); cleaning composes them', level: 'warn' });
      else if (/[^\x00-\x7f]/.test(t))
        out.push({
          ...row,
          problem: 'has non-ASCII letters; check they show correctly in Splynx, on invoices and in e-mails',
          level: 'info',
        });
    });
  }
  return out.sort(byId);
}

// ---------------------------------------------------------------------------------------------
// References

export interface OrphanRow {
  table: string;
  source_id: string;
  field: string;
  /** The table the reference should find its record in. */
  target: string;
  value: string;
}

type Target = string | ((record: SonarRecord) => string | null);

interface RefCheck {
  table: string;
  field: string;
  target: string;
  checked: boolean;
  references: number;
  orphans: OrphanRow[];
  note: string;
}

function checkReferences(source: TableSource, references: Record<string, Record<string, Target>>): RefCheck[] {
  const idSets = new Map<string, Set<string>>();
  const idsOf = (table: string) => {
    let set = idSets.get(table);
    if (!set) idSets.set(table, (set = new Set(viewOf(source, table)!.ids())));
    return set;
  };
  const checks = new Map<string, RefCheck>();
  for (const [table, fields] of Object.entries(references)) {
    const view = viewOf(source, table);
    if (!view) continue;
    const ids = view.ids();
    for (const [field, target] of Object.entries(fields)) {
      if (!view.has(field)) continue;
      // A polymorphic owner's table comes from its *able_type field; the target function reads only that.
      const typeFields = typeof target === 'string' ? [] : view.columns.filter((c) => c.endsWith('_type'));
      view.col(field).forEach((v, i) => {
        if (v === null || v === undefined || v === '') return;
        const to = typeof target === 'string' ? target : target(view.pick(i, typeFields) as SonarRecord);
        if (to === null) return;
        const key = `${table}.${field}→${to}`;
        let check = checks.get(key);
        if (!check) {
          const known = !to.startsWith('?') && to in source;
          const note = to.startsWith('?')
            ? `owner type ${to.slice(1)} is not a known table: not checked`
            : known
              ? ''
              : `${to} is not in this snapshot: not checked`;
          checks.set(key, (check = { table, field, target: to.replace(/^\?/, ''), checked: known, references: 0, orphans: [], note }));
        }
        check.references++;
        if (check.checked && !idsOf(to).has(String(v)))
          check.orphans.push({ table, source_id: ids[i], field, target: to, value: String(v) });
      });
    }
  }
  return [...checks.values()];
}

/**
 * References (`*_id`, and polymorphic `*able_type` + `*able_id` owners) that point at no record
 * of their table. `references` defaults to the foreign keys of lib/sandbox/generator/references.ts;
 * targets the snapshot does not hold are skipped, and listed by `referenceCoverage`.
 */
export function orphanReferences(source: TableSource, references: Record<string, Record<string, Target>> = REFERENCES): OrphanRow[] {
  return checkReferences(source, references)
    .flatMap((c) => c.orphans)
    .sort((a, b) => a.table.localeCompare(b.table) || byId(a, b));
}

export interface ReferenceCoverageRow {
  table: string;
  field: string;
  target: string;
  checked: boolean;
  references: number;
  orphans: number;
  note: string;
}

/** Which references were checked, how many there are and how many dangle; and which could not be checked. */
export function referenceCoverage(
  source: TableSource,
  references: Record<string, Record<string, Target>> = REFERENCES,
): ReferenceCoverageRow[] {
  return checkReferences(source, references).map(({ orphans, ...c }) => ({ ...c, orphans: orphans.length }));
}

// ---------------------------------------------------------------------------------------------
// Everything, for review

export interface ReviewOptions {
  defaultCountry?: string;
  limits?: typeof FIELD_LIMITS;
  references?: Record<string, Record<string, Target>>;
  /** Values that did not fit their column type when loading (the `problems` of loadSnapshot). */
  typeProblems?: TypeProblem[];
}

/**
 * Every profile's findings as one table, one row per record and field:
 *
 * - `validation`: the value breaks a rule and cannot be loaded as it is (invalid e-mail or phone, emoji);
 * - `transformation`: the value will be changed on the way (trimmed, cut to length, reformatted);
 * - `data`: the data contradicts itself and a person must decide (duplicates, orphans, blanks).
 */
export function issuesForReview(source: TableSource, opts: ReviewOptions = {}): Issue[] {
  const out: Issue[] = [];
  const add = (entity: string, source_id: string, field: string, category: IssueCategory, problem: string, suggested_fix: string) =>
    out.push({ entity, source_id, field, category, problem, suggested_fix });

  for (const p of opts.typeProblems ?? []) {
    add(
      p.table,
      p.source_id,
      p.field,
      'validation',
      `${JSON.stringify(p.value)} is not a ${p.kind}`,
      'Check the extract; the value is null in the frames',
    );
  }
  for (const r of invalidEmails(source)) {
    if (r.fix)
      add(
        r.table,
        r.source_id,
        r.field,
        'transformation',
        `"${r.value.trim()}" is not a valid e-mail address as written`,
        `Cleaning makes it ${r.fix}; check that is the address meant`,
      );
    else
      add(
        r.table,
        r.source_id,
        r.field,
        'validation',
        r.problem,
        'Correct the address in Sonar and take a new snapshot; otherwise it is left out',
      );
  }
  for (const r of invalidPhones(source, { defaultCountry: opts.defaultCountry })) {
    if (r.kind === 'invalid')
      add(r.table, r.source_id, r.field, 'validation', r.problem, 'Correct the number in Sonar; it is kept as written and may not dial');
    else
      add(
        r.table,
        r.source_id,
        r.field,
        'transformation',
        r.problem,
        `Splynx gets ${r.fix}; check the display form did not hold something the number lacks`,
      );
  }
  for (const r of overlongFields(source, opts.limits)) {
    add(
      r.table,
      r.source_id,
      r.field,
      'transformation',
      `${r.length} characters; ${r.splynx_field} keeps ${r.limit}`,
      `Shorten it in Sonar, or accept the cut: "${r.fix}"`,
    );
  }
  for (const r of blankRequired(source))
    add(r.table, r.source_id, r.field, 'data', `${r.field} is blank (${r.value})`, 'Fill it in Sonar; Splynx requires it');
  for (const r of paddedText(source))
    add(r.table, r.source_id, r.field, 'transformation', `extra whitespace: ${r.value}`, `Trimmed on cleaning to "${r.fix}"`);
  for (const r of unicodeText(source)) {
    if (r.level === 'warn')
      add(
        r.table,
        r.source_id,
        r.field,
        r.problem.startsWith('has emoji') ? 'validation' : 'transformation',
        `"${r.value}" ${r.problem}`,
        r.problem.startsWith('has emoji')
          ? 'Try one such record in Splynx first; remove the emoji in Sonar if it is refused or garbled'
          : 'Composed (NFC) on cleaning; nothing to do',
      );
  }
  const dup = (groups: DuplicateGroup[], what: string, fix: string) => {
    for (const g of groups) {
      for (const id of g.ids) {
        const others = g.ids.filter((x) => x !== id);
        add(
          g.table,
          id,
          g.field,
          'data',
          `${what} "${g.value}" is also on ${g.table} ${others.slice(0, 5).join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}`,
          fix,
        );
      }
    }
  };
  dup(
    duplicateIds(source),
    'id',
    'The snapshot holds the record twice: take a fresh full snapshot, or merge by id keeping the newest updated_at',
  );
  dup(duplicateEmails(source), 'e-mail', 'Decide which account keeps it; the others get no e-mail (or a different one) in Splynx');
  dup(duplicateLogins(source), 'login', 'Make the logins unique in Sonar; Splynx refuses a second customer or service with the same login');
  for (const r of orphanReferences(source, opts.references)) {
    add(
      r.table,
      r.source_id,
      r.field,
      'data',
      `${r.field} ${r.value} points at no record of ${r.target}`,
      'Fix or clear the reference in Sonar; it cannot be linked in Splynx as it is',
    );
  }
  return out.sort(
    (a, b) => a.entity.localeCompare(b.entity) || byId(a, b) || a.field.localeCompare(b.field) || a.category.localeCompare(b.category),
  );
}
