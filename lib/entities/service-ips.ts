/**
 * Sonar static IP assignments of an account → the static IPv4 of the customer's Splynx internet
 * service (`taking_ipv4 = 1`, `ipv4`, `ipv4_route`), PUT onto the service internet_services made.
 *
 * | Sonar (`ip_assignments`, not `soft`)                  | Splynx internet service | note                                 |
 * |-------------------------------------------------------|-------------------------|--------------------------------------|
 * | owner `Account`, or `RadiusAccount` → its `account_id`| the account's one DATA service | found through `account_services` |
 * | the account's first single address (`/32`)           | `ipv4`, `taking_ipv4 = 1` | a host address of its migrated subnet |
 * | the account's first routed block (prefix < 32)        | `ipv4_route`            | "additional network" routed to `ipv4` |
 * | `subnet_id`                                           | (the network must exist) | checked through the migrated ipv4_networks |
 *
 * One ledger record per service (the ledger maps one Splynx record to one Sonar record): the
 * account's first address is the record, and its first routed block travels in it (that block is
 * not selected on its own; a refusal of the address names the block). If a later snapshot makes
 * another assignment the first (the old one deleted in Sonar), its PUT would claim the same
 * service twice and the ledger refuses it: clear the old ledger row for that service.
 *
 * Refused into the error table, with what to do: further single addresses and further blocks
 * (Splynx holds one static IPv4 and one routed network per internet service), a block with no
 * single address to route it to, an address outside its Sonar subnet or on its network/broadcast
 * address, an IPv6 assignment, an account with no internet service or with several (Sonar does not
 * say which one carries the IP). `soft` assignments are RADIUS/DHCP sessions, not statics, and are
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
  ipv4_route: z.union([z.literal(''), z.string().regex(CIDR)]),
});
type Payload = Row & { id: string; customer_id: string; taking_ipv4: '1'; ipv4: string; ipv4_route: string };

/** A static assignment a customer owns: not a RADIUS/DHCP session, on the account or its RADIUS login. */
export const isCustomerStatic = (a: Row) => !a.soft && (a.ipassignmentable_type === 'Account' || a.ipassignmentable_type === 'RadiusAccount');

const byId = (a: Row, b: Row) => Number(a.id) - Number(b.id);

function ownerAccount(a: Row, ctx: TransformContext): string {
  if (a.ipassignmentable_type === 'Account') return String(a.ipassignmentable_id);
  const radius = ctx.byId('radius_accounts', a.ipassignmentable_id);
  if (!radius?.account_id) {
    throw new TransformError(`IP assignment ${a.id} belongs to RADIUS account ${a.ipassignmentable_id}, which is not in the snapshot`, 'ipv4', 'Take a new snapshot, or remove the stale assignment in Sonar');
  }
  return String(radius.account_id);
}

/** Every static the account owns, directly or through its RADIUS logins, oldest first. */
export function accountStatics(accountId: string, ctx: TransformContext): Row[] {
  const direct = ctx.children('ip_assignments', 'ipassignmentable_id', accountId, 'ipassignmentable_type', 'Account');
  const radius = ctx.children('radius_accounts', 'account_id', accountId).flatMap((r) => ctx.children('ip_assignments', 'ipassignmentable_id', r.id, 'ipassignmentable_type', 'RadiusAccount'));
  return [...direct, ...radius].filter(isCustomerStatic).sort(byId);
}

const prefixOf = (a: Row) => parseCidr(a.subnet)?.prefix;

/** The account's statics as Splynx can hold them: the first single address, and the first routed block. */
function statics(accountId: string, ctx: TransformContext): { primary?: Row; block?: Row } {
  const all = accountStatics(accountId, ctx);
  return { primary: all.find((s) => prefixOf(s) === 32), block: all.find((s) => (prefixOf(s) ?? 32) < 32) };
}

/**
 * The routed block that travels in its account's first address's record. The ledger maps one
 * Splynx record to one Sonar record, so the service's static IP and its route are one record.
 */
function carried(a: Row, ctx: TransformContext): boolean {
  if (!isCustomerStatic(a) || (prefixOf(a) ?? 32) === 32) return false;
  let accountId: string;
  try {
    accountId = ownerAccount(a, ctx);
  } catch {
    return false; // selected, so its transform reports the stale owner
  }
  const { primary, block } = statics(accountId, ctx);
  return !!primary && String(block?.id) === String(a.id);
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
  endpoint: 'admin/customers/customer/0/internet-services',
  dependsOn: ['customers', 'internet_services', 'ipv4_networks'],
  payload: payload as unknown as z.ZodType<Payload>,
  select: (a, ctx) => isCustomerStatic(a) && !carried(a, ctx),
  transform(a, ctx) {
    const accountId = ownerAccount(a, ctx);
    if (isIpv6(a.subnet)) throw new TransformError(`IP assignment ${a.id} ${a.subnet} is IPv6; only IPv4 statics are migrated`, 'ipv6', "Set it by hand on the customer's internet service (IPv6 fields)");
    const mine = parseCidr(a.subnet);
    if (!mine) throw new TransformError(`IP assignment ${a.id}: ${JSON.stringify(a.subnet ?? null)} is not an IPv4 address in CIDR form`, 'ipv4', 'Correct the assignment in Sonar');
    const { primary, block } = statics(accountId, ctx);
    const primaryIp = primary ? parseCidr(primary.subnet)!.ip : null;
    // This record also stands for the routed block it carries, so its refusals name the block too.
    const also = String(primary?.id) === String(a.id) && block ? ` (with routed block ${block.subnet})` : '';

    // The service first: without exactly one, none of the account's statics has a place.
    const data = ctx.children('account_services', 'account_id', accountId).filter((as) => ctx.byId('services', as.service_id)?.type === 'DATA').sort(byId);
    if (!data.length) {
      throw new TransformError(`account ${accountId} has static IP ${cidrText(mine)}${also} but no internet service to carry it`, 'ipv4', 'Add the data service to the account in Sonar, or mark the address used by the customer by hand in Splynx (Networking → IPv4)');
    }
    if (data.length > 1) {
      throw new TransformError(`account ${accountId} has ${data.length} internet services (${data.map((d) => d.id).join(', ')}) and Sonar does not say which one carries static IP ${cidrText(mine)}${also}`, 'ipv4', 'Set the IP by hand on the right service in Splynx; this row is the reminder');
    }

    if (mine.prefix === 32 && String(primary!.id) !== String(a.id)) {
      throw new TransformError(
        `account ${accountId} already has static IP ${primaryIp} (Sonar assignment ${primary!.id}) on its internet service; Splynx holds one static IPv4 per internet service, so ${mine.ip} has no place`,
        'ipv4',
        'Renumber the extra addresses into one block and route it to the customer (ipv4_route), or give the address its own internet service in Splynx by hand',
      );
    }
    if (mine.prefix < 32) {
      if (!primary) {
        throw new TransformError(`routed block ${cidrText(mine)} of account ${accountId} needs a static address of the customer to be routed to, and the account has none`, 'ipv4', "Assign the customer's WAN address in Sonar, or set the service's IP and route by hand in Splynx");
      }
      throw new TransformError(`account ${accountId} already routes ${block!.subnet} to its internet service; Splynx routes one additional network per service, so ${cidrText(mine)} has no place`, 'ipv4_route', 'Merge the blocks into one in Sonar, or add the route by hand on the router');
    }
    const route = block ? parseCidr(block.subnet) : null;
    if (route && !isAligned(route)) {
      throw new TransformError(`routed block ${cidrText(route)} of account ${accountId} (Sonar assignment ${block!.id}) is not a network address`, 'ipv4_route', 'Correct the routed block in Sonar');
    }

    // The address itself: a host of its own Sonar subnet, which must have become a Splynx network.
    const subnet = ctx.byId('subnets', a.subnet_id);
    const net = subnet ? parseCidr(subnet.subnet) : null;
    if (!net || !isHostOf(net, mine.ip)) {
      throw new TransformError(`static IP ${mine.ip}${also} is not a host address of its Sonar subnet ${String(subnet?.subnet ?? `(subnet ${a.subnet_id} missing)`)}`, 'ipv4', 'Correct the assignment or its subnet in Sonar');
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
      ipv4_route: route ? cidrText(route) : '',
    };
  },
  attachTo: (p) => p.id,
  itemPath: (sid, p) => `admin/customers/customer/${p.customer_id}/internet-services--${sid}`,
  naturalKey: (p) => ({ key: `internet service ${p.id}`, find: async () => p.id }),
};
