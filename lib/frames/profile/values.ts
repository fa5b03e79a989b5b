/** Profiles of a snapshot: invalid e-mails and phone numbers (see ./index.ts). */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cleanEmail, isValidEmail } from '../../clean/email.js';
import { cleanPhone, formatPhone } from '../../clean/phone.js';
import { tidy } from '../../clean/text.js';
import type { TableSource } from '../load.js';
import { viewOf } from '../view.js';
import { byId, fieldViews, ownerOfContact, text, type FieldList } from './common.js';

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
