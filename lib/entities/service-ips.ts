/**
 * Sonar static IP assignments of an account → the static IPv4 of the customer's Splynx internet
 * service (`taking_ipv4 = 1`, `ipv4`, `ipv4_route`), PUT onto the service internet_services made.
 *
 * | Sonar (`ip_assignments`, not `soft`)                  | Splynx internet service | note                                 |
 * |-------------------------------------------------------|-------------------------|--------------------------------------|
 * | owner `Account`, or `RadiusAccount` → its `account_id`| the account's one DATA service | found through `account_services` |
 * | the account's first single address (`/32`)           | `ipv4`, `taking_ipv4 = 1` | a host address of its migrated subnet |
 * | the account's other statics (further /32s, blocks)    | `ipv4_route`            | comma-separated networks routed to `ipv4`; none is lost |
 * | `subnet_id`                                           | (the network must exist) | checked through the migrated ipv4_networks |
 * | (the internet service's own payload)                 | `customer_id`, `tariff_id`, `status`, `description`, `quantity`, `unit_price`, `start_date`, `end_date`, `login`, `password`, `mac`, `router_id`, `additional_attributes` | sent again unchanged, see below |
 * | (the service internet_services made)                 | `id`                    | the service the PUT goes to          |
 *
 * One ledger record per service (the ledger maps one Splynx record to one Sonar record): the
 * account's first address is the record, and the account's other statics travel in it as routes
 * (they are not selected on their own; a refusal of the address names them). If a later snapshot
 * makes another assignment the first (the old one deleted in Sonar), its PUT would claim the same
 * service twice and the ledger refuses it: clear the old ledger row for that service.
 *
 * Refused into the error table, with what to do: a block with no single address to route it to,
 * a misaligned block, routes longer than Splynx's 255 characters, an address outside its Sonar
 * subnet or on its network/broadcast address, an IPv6 assignment, an account with no internet
 * service or with several (Sonar does not say which one carries the IP; each static is a row). `soft` assignments are RADIUS/DHCP sessions, not statics, and are
 * not selected; `description` and `reference` have no place on the service (they stay in Sonar's
 * export).
 *
 * Why the payload is the whole internet service and not just the IP fields: internet_services
 * sends `taking_ipv4 = 0`, so whenever it updates a service (any change in Sonar) it takes the
 * static IP away again, and an IP-only payload would not notice (its hash would not change). This
 * payload is the service's own payload with the IP on top: any change to the service changes it,
 * so the IP is sent again right after the service update, in the same run.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { internetServices } from './customer-services.js';
import { cidrText, IPV4, isAligned, isHostOf, isIpv6, parseCidr } from './ipv4.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const payload = (internetServices.payload as unknown as z.ZodObject<z.ZodRawShape>).extend({
  /** The internet service the IP goes on (attach target; Splynx ignores an `id` in a PUT body). */
  id: z.string().regex(/^\d+$/),
  customer_id: z.string().regex(/^\d+$/),
  taking_ipv4: z.literal('1'),
  ipv4: z.string().regex(IPV4),
  ipv4_route: z.union([
    z.literal(''),
    z
      .string()
      .max(SPLYNX_LIMITS.internet_services.ipv4_route)
      .refine((v) => v.split(',').every((n) => CIDR.test(n)), 'must be comma-separated networks in CIDR form'),
  ]),
});
type Payload = Row & { id: string; customer_id: string; taking_ipv4: '1'; ipv4: string; ipv4_route: string };

/** A static assignment a customer owns: not a RADIUS/DHCP session, on the account or its RADIUS login. */
export const isCustomerStatic = (a: Row) =>
  !a.soft && (a.ipassignmentable_type === 'Account' || a.ipassignmentable_type === 'RadiusAccount');

const byId = (a: Row, b: Row) => Number(a.id) - Number(b.id);

function ownerAccount(a: Row, ctx: TransformContext): string {
  if (a.ipassignmentable_type === 'Account') return String(a.ipassignmentable_id);
  const radius = ctx.byId('radius_accounts', a.ipassignmentable_id);
  if (!radius?.account_id) {
    throw new TransformError(
      `IP assignment ${a.id} belongs to RADIUS account ${a.ipassignmentable_id}, which is not in the snapshot`,
      'ipv4',
      'Take a new snapshot, or remove the stale assignment in Sonar',
    );
  }
  return String(radius.account_id);
}

/** Every static the account owns, directly or through its RADIUS logins, oldest first. */
export function accountStatics(accountId: string, ctx: TransformContext): Row[] {
  const direct = ctx.children('ip_assignments', 'ipassignmentable_id', accountId, 'ipassignmentable_type', 'Account');
  const radius = ctx
    .children('radius_accounts', 'account_id', accountId)
    .flatMap((r) => ctx.children('ip_assignments', 'ipassignmentable_id', r.id, 'ipassignmentable_type', 'RadiusAccount'));
  return [...direct, ...radius].filter(isCustomerStatic).sort(byId);
}

const prefixOf = (a: Row) => parseCidr(a.subnet)?.prefix;

/**
 * The account's statics as Splynx holds them: the first single address is the service's `ipv4`,
 * and every other static (further addresses as /32s, and routed blocks) is routed to it through
 * `ipv4_route`, so a business with several statics keeps them all.
 */
function statics(accountId: string, ctx: TransformContext): { primary?: Row; routes: Row[] } {
  const all = accountStatics(accountId, ctx).filter((s) => !isIpv6(s.subnet));
  const primary = all.find((s) => prefixOf(s) === 32);
  return { primary, routes: primary ? all.filter((s) => s !== primary) : [] };
}

/** Ipv4_route is varchar(255) in Splynx; a longer list would be cut, so it is refused instead. */
const ROUTE_MAX = SPLYNX_LIMITS.internet_services.ipv4_route;

/**
 * The statics that travel in their account's first address's record. The ledger maps one
 * Splynx record to one Sonar record, so the service's static IP and its routes are one record.
 */
function carried(a: Row, ctx: TransformContext): boolean {
  if (!isCustomerStatic(a) || isIpv6(a.subnet)) return false;
  let accountId: string;
  try {
    accountId = ownerAccount(a, ctx);
  } catch {
    return false; // selected, so its transform reports the stale owner
  }
  const { primary } = statics(accountId, ctx);
  // Only where they will travel: an account without exactly one internet service gets a row per static.
  const data = ctx
    .children('account_services', 'account_id', accountId)
    .filter((as) => ctx.byId('services', as.service_id)?.type === 'DATA');
  return !!primary && String(primary.id) !== String(a.id) && data.length === 1;
}

export const serviceIps: EntityModule<Payload> = {
  name: 'service_ips',
  phase: 'customers',
  source: 'ip_assignments',
  accountOf: (a, ctx) => {
    try {
      return ownerAccount(a, ctx);
    } catch {
      return null;
    }
  },
  endpoint: internetServices.endpoint,
  dependsOn: ['customers', 'internet_services', 'ipv4_networks'],
  payload: payload as unknown as z.ZodType<Payload>,
  select: (a, ctx) => isCustomerStatic(a) && !carried(a, ctx),
  transform(a, ctx) {
    const accountId = ownerAccount(a, ctx);
    if (isIpv6(a.subnet))
      throw new TransformError(
        `IP assignment ${a.id} ${a.subnet} is IPv6; only IPv4 statics are migrated`,
        'ipv6',
        "Set it by hand on the customer's internet service (IPv6 fields)",
      );
    const mine = parseCidr(a.subnet);
    if (!mine)
      throw new TransformError(
        `IP assignment ${a.id}: ${JSON.stringify(a.subnet ?? null)} is not an IPv4 address in CIDR form`,
        'ipv4',
        'Correct the assignment in Sonar',
      );
    const { primary, routes } = statics(accountId, ctx);
    // This record also stands for the statics routed to it, so its refusals name them too.
    const routeText = routes.map((r) => cidrText(parseCidr(r.subnet) ?? { ip: String(r.subnet), prefix: 32 })).join(',');
    const also = String(primary?.id) === String(a.id) && routes.length ? ` (with routes ${routeText})` : '';

    // The service first: without exactly one, none of the account's statics has a place.
    const data = ctx
      .children('account_services', 'account_id', accountId)
      .filter((as) => ctx.byId('services', as.service_id)?.type === 'DATA')
      .sort(byId);
    if (!data.length) {
      throw new TransformError(
        `account ${accountId} has static IP ${cidrText(mine)}${also} but no internet service to carry it`,
        'ipv4',
        'Add the data service to the account in Sonar, or mark the address used by the customer by hand in Splynx (Networking → IPv4)',
      );
    }
    if (data.length > 1) {
      throw new TransformError(
        `account ${accountId} has ${data.length} internet services (${data.map((d) => d.id).join(', ')}) and Sonar does not say which one carries static IP ${cidrText(mine)}${also}`,
        'ipv4',
        'Set the IP by hand on the right service in Splynx; this row is the reminder',
      );
    }
    if (mine.prefix < 32) {
      throw new TransformError(
        `routed block ${cidrText(mine)} of account ${accountId} needs a static address of the customer to be routed to, and the account has none`,
        'ipv4',
        "Assign the customer's WAN address in Sonar, or set the service's IP and route by hand in Splynx",
      );
    }
    for (const r of routes) {
      const route = parseCidr(r.subnet);
      if (!route || !isAligned(route)) {
        throw new TransformError(
          `routed block ${String(r.subnet)} of account ${accountId} (Sonar assignment ${r.id}) is not a network address`,
          'ipv4_route',
          'Correct the routed block in Sonar',
        );
      }
    }
    if (routeText.length > ROUTE_MAX) {
      throw new TransformError(
        `account ${accountId} has ${routes.length + 1} statics; the ${routes.length} routed to ${mine.ip} need ${routeText.length} characters and Splynx keeps ${ROUTE_MAX}`,
        'ipv4_route',
        'Renumber the addresses into one block in Sonar and route that, or add the routes by hand on the router',
      );
    }

    // The address itself: a host of its own Sonar subnet, which must have become a Splynx network.
    const subnet = ctx.byId('subnets', a.subnet_id);
    const net = subnet ? parseCidr(subnet.subnet) : null;
    if (!net || !isHostOf(net, mine.ip)) {
      throw new TransformError(
        `static IP ${mine.ip}${also} is not a host address of its Sonar subnet ${String(subnet?.subnet ?? `(subnet ${a.subnet_id} missing)`)}`,
        'ipv4',
        'Correct the assignment or its subnet in Sonar',
      );
    }
    ctx.ref('ipv4_networks', a.subnet_id);

    // The service must be in Splynx already; asking first keeps its own problems out of this row.
    const serviceId = ctx.ref('internet_services', data[0].id);
    const service = internetServices.transform(data[0], ctx) as Row;
    return {
      ...service,
      id: serviceId,
      customer_id: String(service.customer_id),
      taking_ipv4: '1',
      ipv4: mine.ip,
      ipv4_route: routeText,
    };
  },
  attachTo: (p) => p.id,
  itemPath: (sid, p) => internetServices.itemPath!(sid, p as never),
  naturalKey: (p) => ({ key: `internet service ${p.id}`, find: async () => p.id }),
};
