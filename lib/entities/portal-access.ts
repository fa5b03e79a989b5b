/**
 * How a customer logs in to the Splynx portal. Sonar never reveals contact passwords (only
 * `contacts.username`), so two analyst decisions, each a one-row mapping table:
 *
 * - `portal-login.csv`, row `scheme`: `account_id` (the customer login is the Sonar account id:
 *   stable, unique, what the workbook did before) or `contact_username` (the primary contact's
 *   portal `username`, trimmed, where it is unique among every account's primary contact, ignoring
 *   case, fits Splynx's login and is not all digits, so it never meets an account-id login; any
 *   other account keeps its account id). Proposed: `account_id`, with the count that would get
 *   their username.
 * - `portal-password.csv`, row `password`: `generate` (a strong random password per customer
 *   created, sent with the create only and written only to `data/secrets/portal-passwords-<run>.csv`,
 *   so the ISP can send a welcome message) or `splynx_reset` (no password: customers use Splynx's
 *   own "forgot password" flow; nothing is written). Proposed: `generate`.
 *
 * The choices and their counts are in every run's report (`access` in report.json).
 */
import type { MappingRow } from '../mappings/table.js';
import { contactsOf } from '../sonar/relations.js';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import type { Row, TransformContext } from './types.js';

export const PORTAL_LOGIN_SCHEMES = ['account_id', 'contact_username'] as const;
export const PORTAL_PASSWORDS = ['generate', 'splynx_reset'] as const;
export type PortalLoginScheme = (typeof PORTAL_LOGIN_SCHEMES)[number];
export type PortalPassword = (typeof PORTAL_PASSWORDS)[number];

export const MAPPING_SPECS = {
  'portal-login': { name: 'portal-login', describes: 'customer portal login scheme', allowed: PORTAL_LOGIN_SCHEMES },
  'portal-password': {
    name: 'portal-password',
    describes: 'customer portal password (generate or splynx_reset)',
    allowed: PORTAL_PASSWORDS,
  },
} as const;

const LOGIN_ROW = 'scheme';
const PASSWORD_ROW = 'password';

const usernames = new WeakMap<object, Map<string, string>>();

/** Account id → its primary contact's username, for the usernames usable as a login. */
function usableUsernames(ctx: TransformContext): Map<string, string> {
  let out = usernames.get(ctx.tables);
  if (out) return out;
  const byName = new Map<string, string[]>();
  for (const account of ctx.tables.accounts ?? []) {
    const name = String(contactsOf(account, ctx)[0]?.username ?? '').trim();
    if (!name || /^\d+$/.test(name) || /\s/.test(name) || name.length > SPLYNX_LIMITS.customers.login) continue;
    byName.set(name.toLowerCase(), [...(byName.get(name.toLowerCase()) ?? []), String(account.id)]);
  }
  out = new Map();
  for (const [, ids] of byName)
    if (ids.length === 1) out.set(ids[0], String(contactsOf(ctx.byId('accounts', ids[0])!, ctx)[0].username).trim());
  usernames.set(ctx.tables, out);
  return out;
}

export const portalLoginScheme = (ctx: TransformContext) => ctx.mapping('portal-login').lookup(LOGIN_ROW) as PortalLoginScheme;
export const portalPassword = (ctx: TransformContext) => ctx.mapping('portal-password').lookup(PASSWORD_ROW) as PortalPassword;

/** The customer login of an account under the analyst's scheme. */
export function portalLogin(account: Row, ctx: TransformContext): string {
  if (portalLoginScheme(ctx) === 'contact_username') return usableUsernames(ctx).get(String(account.id)) ?? String(account.id);
  return String(account.id);
}

export function proposePortalLogin(ctx: TransformContext): MappingRow[] {
  const usable = usableUsernames(ctx).size;
  return [
    {
      sonar_id: LOGIN_ROW,
      sonar_value: 'customer portal login',
      splynx_value: 'account_id',
      reason: `the Sonar account id is unique and stable; contact_username would give ${usable} of ${(ctx.tables.accounts ?? []).length} accounts their primary contact's username (the others keep the account id)`,
      records: String((ctx.tables.accounts ?? []).length),
    },
  ];
}

export function proposePortalPassword(ctx: TransformContext): MappingRow[] {
  return [
    {
      sonar_id: PASSWORD_ROW,
      sonar_value: 'customer portal password (Sonar never reveals it)',
      splynx_value: 'generate',
      reason: 'a strong random password per customer, only in data/secrets/, for a welcome message; splynx_reset leaves it to Splynx',
      records: String((ctx.tables.accounts ?? []).length),
    },
  ];
}

/** The portal decisions and how many customers get their contact username, for the run report. */
export function portalSummary(ctx: TransformContext): { login_scheme: string; contact_usernames: number; password: string } {
  const read = (f: () => string) => {
    try {
      return f();
    } catch {
      return '(not decided)';
    }
  };
  const scheme = read(() => portalLoginScheme(ctx));
  return {
    login_scheme: scheme,
    contact_usernames: scheme === 'contact_username' ? usableUsernames(ctx).size : 0,
    password: read(() => portalPassword(ctx)),
  };
}
