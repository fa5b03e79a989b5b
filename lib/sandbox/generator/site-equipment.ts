/** Radios, OLTs and routers at network sites, each access device with a management IP. */
import type { GenContext } from './context.js';
import { insertItem, modelsFor, type Inventory } from './inventory.js';
import type { Network } from './network.js';

export function equipSites(ctx: GenContext, network: Network, inventory: Inventory): void {
  const { rng, t } = ctx;
  const routers = modelsFor(inventory, 'core');
  for (const site of network.sites) {
    const owner = { type: 'NetworkSite' as const, id: site.id };
    const installed = site.createdMs;
    insertItem(ctx, inventory, rng.pick(routers), owner, installed);
    const access = modelsFor(inventory, 'access-point', site.family);
    const count = access.length ? (site.family === 'wireless' ? rng.int(1, 4) : 1) : 0;
    for (let i = 0; i < count; i++) {
      const item = insertItem(ctx, inventory, rng.pick(access), owner, installed);
      const mgmt = network.infrastructure.next();
      t.insert('ip_assignments', installed, {
        ipassignmentable_type: 'InventoryItem',
        ipassignmentable_id: item.id,
        subnet: `${mgmt.ip}/32`,
        subnet_id: mgmt.subnetId,
        ip_pool_id: null,
        soft: false,
        description: `${site.name} access ${i + 1}`,
        reference: null,
      });
    }
  }
}
