/**
 * E-mail cleaning. Sonar holds one `email_address` per contact, typed by hand over years: we
 * pull the address out of whatever surrounds it, and say why when there is none to be had.
 */
import { z } from 'zod';

export interface Cleaned<T> {
  value: T | null;
  /** Set when the input could not be used as it was: what was wrong, in words for the analyst. */
  issue?: string;
  /** True when the value differs from the input (trimmed, extracted, normalised). */
  changed: boolean;
}

const emailSchema = z.email();
// Loose on purpose: we find a candidate, then zod decides whether it is valid.
const CANDIDATE = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/;

export function isValidEmail(s: string): boolean {
  return emailSchema.safeParse(s).success;
}

/**
 * `"  Jane Doe <Jane@Example.COM> "` → `Jane@example.com`. The local part keeps its case (it may be
 * significant); the domain is lower-cased (it never is).
 */
export function cleanEmail(input: string | null | undefined): Cleaned<string> {
  if (input === null || input === undefined || input.trim() === '') return { value: null, changed: false };
  const match = CANDIDATE.exec(input.trim());
  if (!match) return { value: null, issue: `no e-mail address in "${input.trim()}"`, changed: true };
  const raw = match[0].replace(/^mailto:/i, '').replace(/\.+$/, '');
  const at = raw.lastIndexOf('@');
  const email = `${raw.slice(0, at)}@${raw.slice(at + 1).toLowerCase()}`;
  if (!isValidEmail(email)) return { value: null, issue: `"${input.trim()}" is not a valid e-mail address`, changed: true };
  return { value: email, changed: email !== input };
}
