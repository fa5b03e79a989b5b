/**
 * A subscriber logging in as Splynx's RADIUS would let them: `POST /__sandbox/radius/authorize
 * {login, password}`, a sandbox control route (no API credentials, outside `/api/2.0/`). Splynx
 * itself has no such API call; this stands in for the NAS asking Splynx's RADIUS server.
 *
 * - The login is an internet service's `login`, matched ignoring case like the uniqueness rule
 *   (service-login.ts), and only an active service that has not passed its end date answers: an
 *   end date disables the service "at the end of the specified day", with a disconnect sent to the
 *   NAS (customer_services.md, "Cancellations").
 * - The password is the service's `password`; "if the service password is not entered, the
 *   password from the Main Information page will be used" — the customer's portal password
 *   (customer_services.md, "Service password"; operations.md). With neither set, nobody gets in.
 * - The answer never holds a password, only which one was checked (`password_source`).
 *
 * Not modelled: the customer's own status (a blocked customer's NAS treatment is router
 * configuration), reply attributes (Framed-IP-Address, rate limits), MAC binding, accounting.
 */
import type { Reply } from '../../http.js';
import type { Row, SplynxStore } from '../store.js';

export type RadiusReason = 'accepted' | 'unknown_login' | 'service_not_active' | 'service_ended' | 'no_password' | 'wrong_password';

export interface RadiusAnswer {
  result: 'Access-Accept' | 'Access-Reject';
  reason: RadiusReason;
  /** The service the login named (the one checked, when several share it), or null. */
  service_id: number | null;
  customer_id: number | null;
  /** Whose password was compared: the service's own, or the customer's portal password (fallback). */
  password_source: 'service' | 'customer' | null;
}

/** `0000-00-00` is "endless"; a service is usable through its end date (disabled at the end of that day). */
const ended = (s: Row, today: string) => {
  const end = String(s.end_date ?? '');
  return /^\d{4}-\d{2}-\d{2}$/.test(end) && end !== '0000-00-00' && end < today;
};

function answer(reason: RadiusReason, service?: Row, source: RadiusAnswer['password_source'] = null): RadiusAnswer {
  return {
    result: reason === 'accepted' ? 'Access-Accept' : 'Access-Reject',
    reason,
    service_id: service ? service.id : null,
    customer_id: service ? Number(service.customer_id) : null,
    password_source: source,
  };
}

export function authorize(store: SplynxStore, today: string, login: string, password: string): RadiusAnswer {
  const named = store
    .byValue('internet_services', 'login', login)
    .filter((s) => String(s.login).toLowerCase() === login.toLowerCase())
    .sort((a, b) => a.id - b.id);
  if (!named.length) return answer('unknown_login');
  const active = named.filter((s) => s.status === 'active');
  const service = active.find((s) => !ended(s, today));
  if (!service) return active.length ? answer('service_ended', active[0]) : answer('service_not_active', named[0]);
  const own = String(service.password ?? '');
  const source = own ? 'service' : 'customer';
  const expected = own || String(store.get('customers', service.customer_id)?.password ?? '');
  if (!expected) return answer('no_password', service, source);
  return answer(password === expected ? 'accepted' : 'wrong_password', service, source);
}

export function radiusRoute(store: SplynxStore, now: Date, body: Record<string, unknown>): Reply {
  const { login, password } = body;
  if (typeof login !== 'string' || !login || typeof password !== 'string')
    return { status: 400, body: { error: 'send {"login": "<service login>", "password": "<password>"} as strings' } };
  return { status: 200, body: authorize(store, now.toISOString().slice(0, 10), login, password) };
}
