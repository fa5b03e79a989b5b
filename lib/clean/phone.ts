/**
 * Phone numbers to E.164 with libphonenumber-js. Sonar stores digits (`Numeric`) plus a display
 * form and a country; Splynx takes a free string, so E.164 is the one unambiguous choice.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Cleaned } from './email.js';

/** Extensions written inline ("ext 9", "x12", "#3") are kept apart, not glued onto the number. */
const EXTENSION = /\s*(?:ext\.?|extension|x|#)\s*(\d{1,6})\s*$/i;

export interface CleanPhone {
  e164: string;
  extension?: string;
}

export function cleanPhone(input: string | null | undefined, country: string = 'US', extension?: string | null): Cleaned<CleanPhone> {
  if (input === null || input === undefined || input.trim() === '') return { value: null, changed: false };
  let text = input.trim();
  let ext = extension?.trim() || undefined;
  const m = EXTENSION.exec(text);
  if (m) {
    ext ??= m[1];
    text = text.slice(0, m.index);
  }
  if (/[a-z]{2,}/i.test(text.replace(/^tel:/i, ''))) return { value: null, issue: `"${input}" contains letters`, changed: true };
  const parsed = parsePhoneNumberFromString(text, country.toUpperCase() as CountryCode);
  if (!parsed || !parsed.isValid()) return { value: null, issue: `"${input}" is not a valid ${country} phone number`, changed: true };
  const value: CleanPhone = ext ? { e164: parsed.number, extension: ext } : { e164: parsed.number };
  return { value, changed: parsed.number !== input };
}

/** The form Splynx gets: E.164, with the extension after a space so nothing is lost. */
export function formatPhone(p: CleanPhone): string {
  return p.extension ? `${p.e164} ext. ${p.extension}` : p.e164;
}
