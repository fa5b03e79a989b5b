/**
 * Sonar users (staff) → Splynx administrators.
 *
 * | Sonar                              | Splynx                             | note                                                        |
 * |------------------------------------|------------------------------------|-------------------------------------------------------------|
 * | `users.username`                   | `login`                            | trimmed; unique in Splynx (an existing login is adopted)    |
 * | `name`, else `public_name`         | `name`                             | ≤ 64 characters                                             |
 * | `email_address`                    | `email`                            | required by Splynx, ≤ 64 characters                         |
 * | `role_id`, or `super_admin = true` | `role_name`                        | mapping table `role` (row `super_admin` for super admins)   |
 * | `mobile_number`                    | `phone`                            | E.164 when it parses, else as Sonar has it                  |
 * | (none: Sonar passwords are unreadable) | `password`, on create only     | a strong random temporary password, see below               |
 * | (none)                             | `router_access = none`             | least privilege; grant router access in Splynx by hand      |
 * | `id`                               | `additional_attributes.sonar_id`   | the natural key (then the login)                            |
 *
 * No place in Splynx: `public_name` (beyond the fallback above), `language`, `completed_setup`,
 * and the role's `applied_permissions` (Splynx roles carry their own permission sets; the mapping
 * table's reasons say which Sonar permissions led to each proposal). They stay in Sonar's backup.
 * Sonar users belong to no company, so `partner_id` is left to Splynx (every partner).
 *
 * Decisions:
 * - Disabled users (`enabled = false`, former staff) are not selected: creating a working login
 *   for someone who has left would be a security hole. Records they authored keep their Sonar user
 *   id in the backup; modules that point at administrators must use `optionalRef` for them.
 * - A user without a username or an e-mail cannot be an administrator: a transformation error
 *   with the fix. An e-mail Splynx would refuse is a validation error.
 * - Passwords: each administrator created gets a strong random temporary password, sent with the
 *   create only (`createOnly`): it is not in the payload, so not in the ledger's hash, not in a dry
 *   run, not in an update (a re-run never resets it), and an adopted login never gets one. It is
 *   written, and synced to disk, *before* it is sent, to the secrets store (lib/secrets: a CSV under
 *   `data/secrets/`, git-ignored, folder 700, file 600) and nowhere else. A row whose administrator then failed (see the error
 *   table) was never used; the next run issues a new one.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { cleanPhone, formatPhone } from '../clean/phone.js';
import { tidy } from '../clean/text.js';
import { SECRET_KINDS, secrets, temporaryPassword } from '../secrets/index.js';
import { findBySonarId, SONAR_ID_FIELD } from './sonar-id.js';
import { findBy, TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

/** The roles a fresh Splynx has (Administration / Roles); the `role` table must name one of them. */
export const SPLYNX_ADMIN_ROLES = [
  'administrator',
  'customer-creator',
  'engineer',
  'financial-manager',
  'manager',
  'super-administrator',
  'technician',
] as const;

/** The `role` table's row for users flagged `super_admin` (they need no Sonar role). */
export const SUPER_ADMIN_ROW = 'super_admin';

const payload = z.object({
  login: z.string().min(1).max(SPLYNX_LIMITS.administrators.login).regex(/^\S+$/, 'a login cannot contain spaces'),
  name: z.string().trim().min(1).max(SPLYNX_LIMITS.administrators.name),
  email: z.email().max(SPLYNX_LIMITS.administrators.email),
  role_name: z.enum(SPLYNX_ADMIN_ROLES),
  phone: z.string().max(SPLYNX_LIMITS.administrators.phone),
  router_access: z.literal('none'),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

// ---------------------------------------------------------------------------------------------
// The role mapping.

const WRITES = /^(CREATE|UPDATE|DELETE|MODIFY|REVERSE|REFUND|ARCHIVE|UNARCHIVE|ASSIGN|CLAIM|COMPLETE|CHECK_IN)_/;

/** A first guess from the role's name and permissions, with its reason; the analyst has the last word. */
export function proposeRole(name: string, permissions: readonly string[]): [string, string] {
  const has = (...p: string[]) => p.filter((x) => permissions.includes(x));
  const why = (list: string[]) => (list.length ? ` (${list.slice(0, 3).join(', ')})` : '');
  if (/admin/i.test(name) || has('UPDATE_SYSTEM_SETTINGS').length)
    return ['administrator', `"${name}" manages the system${why(has('UPDATE_SYSTEM_SETTINGS', 'CREATE_COMPANY'))}`];
  const money = has('CREATE_PAYMENT', 'REFUND_PAYMENTS', 'CREATE_ACCOUNT_TRANSACTIONS', 'UPDATE_ACCOUNT_BILLING_PARAMETERS');
  if (/bill|financ|accounting|collection/i.test(name) || money.length >= 2)
    return ['financial-manager', `"${name}" handles payments and billing${why(money)}`];
  const net = has('CREATE_IPAM_ELEMENT', 'UPDATE_IP_ASSIGNMENT', 'UPDATE_NETWORK_SITE', 'CREATE_RADIUS_ACCOUNT');
  if (/network|engineer|\bnoc\b/i.test(name) || net.length >= 2) return ['engineer', `"${name}" runs the network${why(net)}`];
  const field = has('COMPLETE_OWN_JOB', 'CHECK_IN_OWN_JOB', 'CLAIM_INVENTORY_ITEM');
  if (/tech|field|install|dispatch/i.test(name) || field.length) return ['technician', `"${name}" works jobs in the field${why(field)}`];
  if (/sales|market/i.test(name) || (has('CREATE_ACCOUNT').length && !has('UPDATE_ACCOUNT').length))
    return ['customer-creator', `"${name}" signs up customers${why(has('CREATE_ACCOUNT'))}`];
  const support = has('UPDATE_ACCOUNT', 'UPDATE_TICKET', 'CREATE_TICKET');
  if (/support|csr|customer|care|help/i.test(name) || support.length >= 2)
    return ['manager', `"${name}" looks after customers and tickets${why(support)}`];
  if (!permissions.some((p) => WRITES.test(p)))
    return ['technician', `"${name}" only reads; Splynx has no read-only role and technician is among the narrowest: review`];
  return ['', `no seeded Splynx role fits "${name}": choose one (least privilege first)`];
}

// ---------------------------------------------------------------------------------------------

function defaultCountry(ctx: TransformContext): string {
  const companies = ctx.tables.companies ?? [];
  return String((companies.find((c) => c.default) ?? companies[0])?.country ?? 'US');
}

function phoneOf(user: Row, ctx: TransformContext): string {
  const raw = user.mobile_number === null || user.mobile_number === undefined ? '' : String(user.mobile_number).trim();
  if (!raw) return '';
  const p = cleanPhone(raw, defaultCountry(ctx));
  return p.value ? formatPhone(p.value) : raw;
}

export const administrators: EntityModule<Payload> = {
  name: 'administrators',
  phase: 'foundation',
  source: 'users',
  endpoint: 'admin/administration/administrators',
  dependsOn: [],
  payload,
  // Former staff get no login (see the header); everyone else is migrated or explained.
  select: (u) => u.enabled !== false,
  transform(user, ctx) {
    const login = tidy(user.username as string | null);
    if (!login)
      throw new TransformError(
        `user ${user.id} has no username`,
        'login',
        `Give user ${user.id} a username in Sonar: it becomes the Splynx login`,
      );
    const email = tidy(user.email_address as string | null);
    if (!email)
      throw new TransformError(
        `user ${user.id} (${login}) has no e-mail address; Splynx requires one for every administrator`,
        'email',
        `Set the e-mail address of user ${login} in Sonar`,
      );
    let role: string;
    if (user.super_admin === true) role = ctx.mapping('role').lookup(SUPER_ADMIN_ROW);
    else if (user.role_id !== null && user.role_id !== undefined && user.role_id !== '') role = ctx.mapping('role').lookup(user.role_id);
    else
      throw new TransformError(
        `user ${login} has no role and is not a super admin`,
        'role_name',
        `Give ${login} a role in Sonar (or make them a super admin), then run again`,
      );
    return {
      login,
      name: tidy(user.name as string | null) ?? tidy(user.public_name as string | null) ?? login,
      email,
      role_name: role as Payload['role_name'],
      phone: phoneOf(user, ctx),
      router_access: 'none',
      additional_attributes: { [SONAR_ID_FIELD]: String(user.id) },
    };
  },
  createOnly(p, user) {
    const password = temporaryPassword();
    secrets.record(SECRET_KINDS.administrators, {
      sonar_user_id: String(user.id),
      login: p.login,
      name: p.name,
      email: p.email,
      role_name: p.role_name,
      temporary_password: password,
    });
    return { password };
  },
  // The Sonar id first; then the login, which Splynx keeps unique: a login made by hand is adopted, never overwritten.
  naturalKey: (p) => ({
    key: `sonar_id ${p.additional_attributes[SONAR_ID_FIELD]}, else login "${p.login}"`,
    find: async (api, at) =>
      (await findBySonarId(api, at, p.additional_attributes[SONAR_ID_FIELD])) ?? (await findBy(api, at, 'login', p.login)),
  }),
  mappings: [
    {
      name: 'role',
      propose(ctx) {
        const enabled = (ctx.tables.users ?? []).filter((u) => u.enabled !== false);
        const supers = enabled.filter((u) => u.super_admin === true).length;
        const rows = [
          {
            sonar_id: SUPER_ADMIN_ROW,
            sonar_value: 'super admin (flag on the user)',
            splynx_value: 'super-administrator',
            reason: 'Sonar super admins hold every permission',
            records: String(supers),
          },
        ];
        for (const role of ctx.tables.roles ?? []) {
          const permissions = Array.isArray(role.applied_permissions) ? (role.applied_permissions as string[]) : [];
          const [value, reason] = proposeRole(String(role.name ?? ''), permissions);
          const records = enabled.filter((u) => u.super_admin !== true && String(u.role_id) === String(role.id)).length;
          rows.push({ sonar_id: String(role.id), sonar_value: String(role.name), splynx_value: value, reason, records: String(records) });
        }
        return rows;
      },
    },
  ],
};

export const MAPPING_SPECS = {
  role: { name: 'role', describes: 'Splynx administrator role', allowed: SPLYNX_ADMIN_ROLES },
} as const;
