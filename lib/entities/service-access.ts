/**
 * How a subscriber's internet service logs in, once in Splynx (operations.md, "Subscriber access"):
 * with the Sonar RADIUS account's `username` and `password`, which the subscriber's router or CPE
 * already holds. Which RADIUS account belongs to which DATA service is Sonar's relation
 * (`radiusPairing` in lib/sonar/relations.ts); this module turns its answer into the service's
 * `login` and `password`, or into an error row:
 *
 * - paired: the RADIUS `username` (trimmed) and `password`, as they are. A RADIUS account with no
 *   password is an error row: an empty service password makes Splynx fall back to the customer's
 *   portal password, which is never what the subscriber's device holds.
 * - ambiguous: an error row (category data) naming the service and every candidate RADIUS account.
 * - no RADIUS account in the account: the analyst's decision per service, in the mapping table
 *   `service-access.csv`: `generate` (login `<account id>-<service id>`, a strong random password
 *   sent on create only and written only to `data/secrets/`, lib/secrets) or `skip` (not migrated;
 *   the error table says so, with the reason).
 * - two services that would be active in Splynx with the same login (ignoring case, as Splynx's
 *   uniqueness rule compares) are both error rows, each naming the other: Splynx keeps a login
 *   unique among active services, and which one keeps it is the ISP's call.
 *
 * The password is a subscriber secret: it is in the payload (so a change in Sonar is sent again),
 * and the payload is only ever hashed into the ledger; no message here holds one.
 */
import type { MappingRow } from '../mappings/table.js';
import { radiusPairing } from '../sonar/relations.js';
import { serviceStatus } from './service-billing.js';
import { routerSummary, type RouterSummary } from './service-router.js';
import { TransformError, type Row, type TransformContext } from './types.js';

export const SERVICE_ACCESS = ['generate', 'skip'] as const;
export type ServiceAccessDecision = (typeof SERVICE_ACCESS)[number];

export const MAPPING_SPECS = {
  'service-access': {
    name: 'service-access',
    describes: 'decision for an internet service without a RADIUS account (generate or skip)',
    allowed: SERVICE_ACCESS,
  },
} as const;

export type Access =
  | { source: 'radius'; login: string; password: string; radiusId: string; rule: string }
  | { source: 'generated'; login: string }
  | { source: 'skip' }
  | { source: 'error'; message: string; field: string; suggestion: string };

const isData = (as: Row, ctx: TransformContext) => ctx.byId('services', as.service_id)?.type === 'DATA';

/** The account's DATA account services, oldest first. */
export function dataServicesOf(accountId: unknown, ctx: TransformContext): Row[] {
  return ctx
    .children('account_services', 'account_id', accountId)
    .filter((as) => isData(as, ctx))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

export const generatedLogin = (as: Row) => `${as.account_id}-${as.id}`;

/** The access a DATA service gets before the uniqueness check across services. */
function ownAccess(as: Row, ctx: TransformContext): Access {
  const pairing = radiusPairing(as, dataServicesOf(as.account_id, ctx), ctx);
  if (pairing.kind === 'paired') {
    const r = pairing.radius;
    const login = String(r.username ?? '').trim();
    if (!login)
      return {
        source: 'error',
        field: 'login',
        message: `account service ${as.id} pairs with RADIUS account ${r.id} (${pairing.rule}), which has no username`,
        suggestion: `Give RADIUS account ${r.id} its username in Sonar`,
      };
    if (typeof r.password !== 'string' || r.password === '')
      return {
        source: 'error',
        field: 'password',
        message: `RADIUS account ${r.id} (${login}) of account service ${as.id} has no password; an empty service password would let in the customer's portal password`,
        suggestion: `Set the password of RADIUS account ${login} in Sonar (the one the subscriber's device holds)`,
      };
    return { source: 'radius', login, password: r.password, radiusId: String(r.id), rule: pairing.rule };
  }
  if (pairing.kind === 'ambiguous') {
    const names = pairing.candidates.map((r) => `${r.id} (${String(r.username ?? '').trim()})`).join(', ');
    return {
      source: 'error',
      field: 'login',
      message: `account service ${as.id} of account ${as.account_id} cannot be paired with one RADIUS account: ${pairing.why}; candidates: RADIUS accounts ${names}`,
      suggestion:
        'In Sonar, remove the RADIUS account that is no longer used, or link the right one to the service by an IP assignment on the service equipment; then run again',
    };
  }
  const decision = ctx.mapping('service-access').lookup(as.id) as ServiceAccessDecision;
  return decision === 'skip' ? { source: 'skip' } : { source: 'generated', login: generatedLogin(as) };
}

interface Index {
  own: Map<string, Access>;
  /** Lower-cased login → the DATA services that would be active in Splynx with it. */
  active: Map<string, string[]>;
}

const indexes = new WeakMap<object, Index>();

/** Every DATA service's access and the active logins, once per snapshot (and mapping tables). */
function indexOf(ctx: TransformContext): Index {
  let index = indexes.get(ctx.tables);
  if (index) return index;
  index = { own: new Map(), active: new Map() };
  for (const as of ctx.tables.account_services ?? []) {
    if (!isData(as, ctx)) continue;
    let access: Access;
    try {
      access = ownAccess(as, ctx);
    } catch {
      continue; // an unmapped decision is the record's own error, reported by its transform
    }
    index.own.set(String(as.id), access);
    if (access.source !== 'radius' && access.source !== 'generated') continue;
    let active = false;
    try {
      active = serviceStatus(as, ctx).status === 'active';
    } catch {
      active = false;
    }
    if (!active) continue;
    const key = access.login.toLowerCase();
    index.active.set(key, [...(index.active.get(key) ?? []), String(as.id)]);
  }
  indexes.set(ctx.tables, index);
  return index;
}

/** The login and password source of a DATA service, or throws the error row it is. */
export function serviceAccess(as: Row, ctx: TransformContext): Extract<Access, { login: string }> {
  const access = indexOf(ctx).own.get(String(as.id)) ?? ownAccess(as, ctx);
  if (access.source === 'error') throw new TransformError(access.message, access.field, access.suggestion, 'data');
  if (access.source === 'skip')
    throw new TransformError(
      `account service ${as.id} of account ${as.account_id} has no RADIUS account and is not migrated: the analyst's decision in service-access.csv`,
      'login',
      'Change the row to generate in data/mappings/service-access.csv to migrate it with a new login and password',
      'data',
    );
  let active = false;
  try {
    active = serviceStatus(as, ctx).status === 'active';
  } catch {
    active = false;
  }
  const holders = active ? (indexOf(ctx).active.get(access.login.toLowerCase()) ?? []).filter((id) => id !== String(as.id)) : [];
  if (holders.length)
    throw new TransformError(
      `login "${access.login}" of account service ${as.id} (account ${as.account_id}) is also the login of active account service${holders.length > 1 ? 's' : ''} ${holders.join(', ')}; Splynx keeps a login unique among active services`,
      'login',
      'Give one of the RADIUS accounts another username in Sonar (and the subscriber device), or end the service that is no longer used',
      'data',
    );
  return access;
}

/** One row per DATA service whose account has no RADIUS account: the analyst decides. */
export function proposeServiceAccess(ctx: TransformContext): MappingRow[] {
  const rows: MappingRow[] = [];
  for (const as of ctx.tables.account_services ?? []) {
    if (!isData(as, ctx) || ctx.children('radius_accounts', 'account_id', as.account_id).length) continue;
    const account = ctx.byId('accounts', as.account_id);
    const name = String(ctx.byId('services', as.service_id)?.name ?? '');
    rows.push({
      sonar_id: String(as.id),
      sonar_value: `account ${as.account_id} ${String(account?.name ?? '').trim()}: ${name}`.trim(),
      splynx_value: 'generate',
      reason: account?.archived_at
        ? 'archived account: generated credentials keep the record whole, the service is ended anyway'
        : 'no RADIUS account in Sonar (DHCP/IPoE or never provisioned): a new login and strong password, in data/secrets/, for the device',
      records: '1',
    });
  }
  return rows;
}

export interface AccessSummary {
  /** DATA services by where their login comes from (counts only; never a credential). */
  internet_services: { sonar_radius: number; generated: number; not_migrated: number; errors: number };
  /** Of the Sonar ones, paired by each rule. */
  pairing: Record<string, number>;
  portal: { login_scheme: string; contact_usernames: number; password: string };
  /** Which router each DATA service is on (service-router.ts). */
  routers: RouterSummary;
}

/** What the run does with subscriber access, for the run report. */
export function accessSummary(ctx: TransformContext, portal: AccessSummary['portal']): AccessSummary {
  const out: AccessSummary = {
    internet_services: { sonar_radius: 0, generated: 0, not_migrated: 0, errors: 0 },
    pairing: {},
    portal,
    routers: routerSummary(
      ctx,
      (ctx.tables.account_services ?? []).filter((as) => isData(as, ctx)),
    ),
  };
  for (const as of ctx.tables.account_services ?? []) {
    if (!isData(as, ctx)) continue;
    try {
      const a = serviceAccess(as, ctx);
      if (a.source === 'radius') {
        out.internet_services.sonar_radius++;
        out.pairing[a.rule] = (out.pairing[a.rule] ?? 0) + 1;
      } else out.internet_services.generated++;
    } catch (e) {
      if (/not migrated: the analyst's decision/.test((e as Error).message)) out.internet_services.not_migrated++;
      else out.internet_services.errors++;
    }
  }
  return out;
}
