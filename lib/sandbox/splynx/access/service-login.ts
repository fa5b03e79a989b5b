/**
 * "Service login – the username used in services such as PPPoE or Hotspot. Login must be unique in
 * active services." (customer_services.md, "Plan settings"; operations.md "Subscriber access")
 *
 * So only active services count. A disabled, stopped, pending or archived (`hidden`) service may
 * hold the login of an active one: a customer going inactive has its service disabled and a
 * "duplicate of the previous service" created stopped, which becomes active when the customer pays
 * while the original stays disabled (customer_services.md, point 5). What
 * is refused is a second active service with the login: creating one, giving an active service a
 * login an active service holds, or activating a service whose login an active service holds.
 * Compared ignoring case, like every uniqueness rule of the sandbox (MySQL's collation).
 */
import type { FieldError, HookContext } from '../entity.js';
import type { Row } from '../store.js';
import { isBlank } from '../validate.js';

const sameLogin = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();

export function activeLoginErrors(row: Row, ctx: HookContext, old: Row | undefined, input: Record<string, unknown>): FieldError[] {
  if (row.status !== 'active' || isBlank(row.login)) return [];
  // A PUT re-checks only what it changes.
  if (old && !('login' in input) && !('status' in input)) return [];
  const holder = ctx.store
    .byValue('internet_services', 'login', row.login)
    .find((s) => s.id !== old?.id && s.status === 'active' && sameLogin(s.login, row.login));
  return holder ? [{ field: 'login', message: `Login "${row.login}" has already been taken.` }] : [];
}
