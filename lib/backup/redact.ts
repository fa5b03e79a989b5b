/**
 * Keeping secrets out of what a backup prints: the Sonar token (handled by lib/config.ts's
 * scrubSecrets) and the password inside a `--database-url`, which is not a setting and so is not
 * covered there. Every message a backup writes goes through `scrub` below.
 */
import { scrubSecrets } from '../config.js';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; anything unparsable is masked whole. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString().replace('%2A%2A%2A', '***');
  } catch {
    return '<database url>';
  }
}

/** The password of a database URL (decoded), to scrub from any text; empty when there is none. */
export function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const p = new URL(url).password;
    return p ? [...new Set([p, decodeURIComponent(p)])] : [];
  } catch {
    // An unparsable URL may still hold a password between ':' and '@'; mask the whole URL instead.
    return [url];
  }
}

/** A scrubber for one run: every known secret (token, database password, whole URL) becomes `***`. */
export function makeScrubber(secrets: Array<string | undefined>): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text: string) => scrubSecrets(text, list);
}
