/** Profiles of a snapshot: duplicate ids, e-mails and logins (see ./index.ts). */
import { cleanEmail } from '../../clean/email.js';
import { tidy } from '../../clean/text.js';
import type { TableSource } from '../load.js';
import { TableView, viewOf } from '../view.js';
import { ownerOfContact, text } from './common.js';

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
