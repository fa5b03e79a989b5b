/** Profiles of a snapshot: overlong fields, blanks, whitespace, unicode (see ./index.ts). */
import { limitOf } from '../../splynx/limits.js';
import { fitLength, tidy } from '../../clean/text.js';
import type { TableSource } from '../load.js';
import { viewOf } from '../view.js';
import { byId, fieldViews, text, type FieldList } from './common.js';

const into = (splynx: string) => ({ splynx, max: limitOf(splynx) });

/** Sonar field → the Splynx field it is loaded into, and that field's length (characters). */
export const FIELD_LIMITS: Record<string, Record<string, { splynx: string; max: number }>> = {
  addresses: {
    line1: into('customers.street_1'),
    line2: into('customers.street_2'),
    city: into('customers.city'),
    zip: into('customers.zip_code'),
  },
  accounts: { name: into('customers.name') },
  contacts: { name: into('customers.name'), email_address: into('customers.email'), username: into('customers.login') },
  radius_accounts: { username: into('internet_services.login') },
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
