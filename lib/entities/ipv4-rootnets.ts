/**
 * Sonar supernets → Splynx IPv4 networks of type `rootnet`.
 *
 * Sonar's IPAM is Supernet → Subnet → IpPool / IpAssignment. Splynx has one IPv4-network list
 * whose rootnets group the endnets that addresses are handed out from, so a supernet becomes a
 * rootnet (nothing is assigned from it) and keeps Sonar's tree visible in Splynx; its subnets
 * follow as endnets (lib/entities/ipv4-networks.ts).
 *
 * | Sonar                    | Splynx                          | note                                               |
 * |--------------------------|---------------------------------|----------------------------------------------------|
 * | `subnet` (CIDR)          | `network`, `mask`               | must be aligned (`10.0.0.0/8`, not `10.0.0.1/8`); network/mask is the natural key |
 * | `name`                   | `title`                         | the CIDR when Sonar has no name                    |
 * | `id`                     | `comment`                       | "Sonar supernet N"                                 |
 * | (the record)             | `network_type = rootnet`, `type_of_usage = management` | nothing is assigned from a rootnet |
 * | (none)                   | `location_id = 1`, `network_category = 1` | Sonar has neither; see ipv4.ts               |
 * | `id`                     | `additional_attributes.sonar_id = "supernet:<id>"` | supernets and subnets share Splynx's module, so the id says which table it is |
 *
 * No place in Splynx: `largest_cidr_available` (Splynx computes its own usage) and the supernet's
 * notes (they stay in Sonar's export). IPv6 supernets, and a second supernet with the CIDR of an
 * earlier one, are refused into the error table.
 */
import {
  assertFirstWithCidr,
  NETWORK_CATEGORY_ID,
  NETWORK_LOCATION_ID,
  networkCidr,
  networkKey,
  networkPayload,
  type NetworkPayload,
} from './ipv4.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import type { EntityModule } from './types.js';

export const ipv4Rootnets: EntityModule<NetworkPayload> = {
  name: 'ipv4_rootnets',
  phase: 'network',
  source: 'supernets',
  endpoint: 'admin/networking/ipv4',
  dependsOn: [],
  payload: networkPayload,
  transform(supernet, ctx) {
    const c = networkCidr(supernet, 'supernet');
    assertFirstWithCidr(supernet, 'supernets', c, ctx, 'supernet');
    return {
      network: c.ip,
      mask: c.prefix,
      title: String(supernet.name ?? '').trim() || `${c.ip}/${c.prefix}`,
      comment: `Sonar supernet ${supernet.id}`,
      location_id: NETWORK_LOCATION_ID,
      network_category: NETWORK_CATEGORY_ID,
      network_type: 'rootnet',
      type_of_usage: 'management',
      additional_attributes: { [SONAR_ID_FIELD]: `supernet:${supernet.id}` },
    };
  },
  naturalKey: (p) => networkKey(p),
};
