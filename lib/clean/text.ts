/**
 * Names and free text. Splynx fields have fixed lengths (a customer's `city` is varchar(32)), and
 * a value cut silently is data lost, so `fitLength` reports every cut for the analyst's review.
 */
import type { Cleaned } from './email.js';

/** Trims, folds runs of whitespace (including non-breaking and zero-width) into one space, and NFC-normalises. */
export function tidy(input: string | null | undefined): string | null {
  if (input === null || input === undefined) return null;
  const s = input
    .normalize('NFC')
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/[\s\u00A0]+/g, ' ')
    .trim();
  return s === '' ? null : s;
}

export interface NameParts {
  first: string;
  last: string;
}

/**
 * "Doe, Jane" and "Jane van der Doe" → first/last. Sonar keeps one `name`; this only matters where
 * a target wants two parts. Particles (van, de, …) stay with the last name.
 */
export function splitName(input: string | null | undefined): Cleaned<NameParts> {
  const name = tidy(input);
  if (!name) return { value: null, issue: 'name is empty', changed: input !== null && input !== undefined };
  if (name.includes(',')) {
    const [last, first] = name.split(',', 2).map((s) => s.trim());
    return { value: { first, last }, changed: true };
  }
  const words = name.split(' ');
  if (words.length === 1) return { value: { first: '', last: words[0] }, changed: name !== input };
  const particles = new Set(['van', 'von', 'de', 'der', 'den', 'del', 'della', 'da', 'di', 'du', 'la', 'le', 'st.', 'mac']);
  let i = words.length - 1;
  while (i > 1 && particles.has(words[i - 1].toLowerCase())) i--;
  return { value: { first: words.slice(0, i).join(' '), last: words.slice(i).join(' ') }, changed: name !== input };
}

/** Cuts to `max` characters (code points, so an emoji is never split), saying so when it does. */
export function fitLength(input: string | null | undefined, max: number, field: string): Cleaned<string> {
  const s = tidy(input);
  if (s === null) return { value: null, changed: input !== null && input !== undefined && input !== '' };
  const chars = [...s];
  if (chars.length <= max) return { value: s, changed: s !== input };
  const cut = chars.slice(0, max).join('').trimEnd();
  return { value: cut, issue: `${field} has ${chars.length} characters; Splynx keeps ${max}: cut to "${cut}"`, changed: true };
}
