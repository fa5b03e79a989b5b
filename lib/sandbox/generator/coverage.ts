/**
 * Which serviceable addresses each network site serves: one `network_site_serviceable_address_lists`
 * record per site, holding the ids of its addresses (a link list, lib/sonar/relations.ts), as an
 * ISP keeps its coverage in Sonar. Most addresses are served by exactly one site: an account's by
 * the site it was installed from, an unassigned one by a site in its town. Some are served by two
 * (coverage that overlaps where two towers reach), and some by none (an install outside the
 * surveyed area, a passing no site was drawn around).
 *
 * Drawn from an RNG of its own, after everything else, so every other table stays as it was
 * without coverage, record for record.
 */
import type { SonarRecord } from '../dataset.js';
import type { GenContext } from './context.js';
import type { Town } from './geography.js';
import type { Network, Site } from './network.js';
import { Rng } from './rng.js';

/** Shares of account addresses served by a second site, and by none. */
export const COVERAGE = { overlap: 0.08, uncovered: 0.04, unassignedUncovered: 0.1 } as const;

export function insertCoverage(ctx: GenContext, network: Network, unassigned: Array<{ address: SonarRecord; town: Town }>): void {
  const rng = new Rng(ctx.seed * 7919 + 17);
  const bySite = new Map<string, string[]>(network.sites.map((s) => [s.id, []]));
  const add = (site: Site, addressId: string) => bySite.get(site.id)!.push(addressId);
  for (const { addressId, site } of network.served) {
    if (rng.chance(COVERAGE.uncovered)) continue;
    add(site, addressId);
    const others = (network.sitesByRegion.get(site.town.region) ?? []).filter((s) => s !== site);
    if (others.length && rng.chance(COVERAGE.overlap)) add(rng.pick(others), addressId);
  }
  for (const { address, town } of unassigned) {
    const local = network.sitesByTown.get(town) ?? network.sitesByRegion.get(town.region) ?? [];
    if (!local.length || rng.chance(COVERAGE.unassignedUncovered)) continue;
    add(rng.pick(local), address.id as string);
  }
  for (const site of network.sites) {
    const ids = bySite.get(site.id)!.sort((a, b) => Number(a) - Number(b));
    // Drawn when the site was built (an explicit edit time: the shared RNG is not touched).
    ctx.t.insert('network_site_serviceable_address_lists', site.createdMs, { network_site_id: site.id, addresses: ids }, site.createdMs);
  }
}
