/**
 * Sonar subnets (with their IP pools) → Splynx IPv4 networks of type `endnet`.
 *
 * A Sonar subnet is the unit Splynx hands addresses out of, so each becomes one endnet. Sonar's
 * pools have no Splynx record of their own: a Splynx pool is a whole network with
 * `type_of_usage = pool`, so a subnet that holds a pool becomes a pool network, and the pool's name
 * and range are kept in the network's comment.
 *
 * | Sonar                          | Splynx                          | note                                           |
 * |--------------------------------|---------------------------------|------------------------------------------------|
 * | `subnet` (CIDR)                | `network`, `mask`               | must be aligned; network/mask is the natural key |
 * | `name`                         | `title`                         | the CIDR when Sonar has no name                |
 * | an `ip_pools` row on it        | `type_of_usage = pool`          | whatever the subnet's type                     |
 * | `type` ACCOUNT / MIXED         | `type_of_usage = static`        | customers' static IPs are taken from it        |
 * | `type` NETWORK / EXCLUDED      | `type_of_usage = management`    | infrastructure, or nothing may be assigned     |
 * | (the record)                   | `network_type = endnet`         | addresses are handed out from it               |
 * | pools' `name`, `ip_range`      | `comment`                       | Splynx pools are whole networks: the range does not carry over |
 * | `type`, `id`                   | `comment`                       | "Sonar ACCOUNT subnet 12"                      |
 * | (none)                         | `location_id = 1`, `network_category = 1` | see ipv4.ts                          |
 * | `id`                           | `additional_attributes.sonar_id = "subnet:<id>"` |                               |
 *
 * No place in Splynx: `supernet_id` (the tree is implied by the ranges: the supernet is a rootnet
 * that contains this network), `polling_priority` and `poller_id` (Splynx monitors devices, not
 * subnets), `largest_cidr_available`, and a pool's `ips_available` (Splynx counts its own).
 * Refused into the error table: IPv6 subnets, a CIDR that is not a network address, a second
 * subnet with the CIDR of an earlier one, a type Sonar does not document, and a pool whose range
 * is not inside its subnet.
 */
import {
  assertFirstWithCidr,
  cidrText,
  ipToInt,
  IPV4,
  NETWORK_CATEGORY_ID,
  NETWORK_LOCATION_ID,
  networkCidr,
  networkKey,
  networkPayload,
  range,
  type NetworkPayload,
} from './ipv4.js';
import { ipv4Rootnets } from './ipv4-rootnets.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { TransformError, type EntityModule } from './types.js';

/** Sonar's `SubnetType` → what Splynx may assign from the network. */
export const SUBNET_USAGE: Record<string, NetworkPayload['type_of_usage']> = {
  ACCOUNT: 'static',
  MIXED: 'static',
  NETWORK: 'management',
  EXCLUDED: 'management',
};

export const ipv4Networks: EntityModule<NetworkPayload> = {
  name: 'ipv4_networks',
  phase: 'network',
  source: 'subnets',
  // Supernets and subnets share Splynx's IPv4 list.
  endpoint: ipv4Rootnets.endpoint,
  // Not a Splynx reference (endnets do not point at rootnets), but the tree reads best built top down.
  dependsOn: ['ipv4_rootnets'],
  payload: networkPayload,
  transform(subnet, ctx) {
    const c = networkCidr(subnet, 'subnet');
    assertFirstWithCidr(subnet, 'subnets', c, ctx, 'subnet');
    const type = String(subnet.type ?? '');
    const usage = SUBNET_USAGE[type];
    if (!usage)
      throw new TransformError(
        `subnet ${subnet.id} has type ${JSON.stringify(subnet.type ?? null)}, which Sonar does not document`,
        'type_of_usage',
        'Set the subnet type in Sonar (ACCOUNT, MIXED, NETWORK or EXCLUDED)',
      );
    const pools = ctx.children('ip_pools', 'subnet_id', subnet.id).sort((a, b) => Number(a.id) - Number(b.id));
    const { first, last } = range(c);
    const poolLines = pools.map((pool) => {
      const [from, to, ...rest] = String(pool.ip_range ?? '')
        .split('-')
        .map((s) => s.trim());
      const inside =
        !rest.length &&
        IPV4.test(from ?? '') &&
        IPV4.test(to ?? '') &&
        ipToInt(from) >= first &&
        ipToInt(to) <= last &&
        ipToInt(from) <= ipToInt(to);
      if (!inside) {
        throw new TransformError(
          `IP pool ${pool.id} range ${JSON.stringify(pool.ip_range ?? null)} is not inside subnet ${cidrText(c)}`,
          'type_of_usage',
          `Correct the pool's range or subnet in Sonar`,
        );
      }
      return `Sonar pool ${pool.id} "${String(pool.name ?? '').trim()}": ${from}-${to}`;
    });
    return {
      network: c.ip,
      mask: c.prefix,
      title: String(subnet.name ?? '').trim() || cidrText(c),
      comment: [`Sonar ${type} subnet ${subnet.id}`, ...poolLines].join('\n'),
      location_id: NETWORK_LOCATION_ID,
      network_category: NETWORK_CATEGORY_ID,
      network_type: 'endnet',
      type_of_usage: pools.length ? 'pool' : usage,
      additional_attributes: { [SONAR_ID_FIELD]: `subnet:${subnet.id}` },
    };
  },
  naturalKey: (p) => networkKey(p),
};
