/**
 * Sonar network sites mapped to `location` in `network-site.csv` → Splynx locations.
 *
 * | Sonar                        | Splynx                            | note                                          |
 * |------------------------------|-----------------------------------|-----------------------------------------------|
 * | `name`                       | `name`                            | ≤ 128 characters                              |
 * | `id`                         | `additional_attributes.sonar_id`  | the natural key                               |
 *
 * A Splynx location is only a name (and per-location taxes Sonar does not have), so most of a
 * site has no place on it: `geopoint`, `height_in_meters`, its addresses, contacts and notes stay
 * in Sonar's export (Splynx's own network-sites module would hold them; it is not loaded here).
 * Its equipment is migrated as inventory (lib/entities/inventory-items.ts) with the site's name in
 * each item's notes; its IP assignments have no place on a location.
 *
 * This module also reports every site whose row in the mapping table is missing or not one of
 * `location`/`router`, so each site ends as exactly one record or one error row.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { siteKind, siteMapping } from './network-sites.js';
import { TransformError, type EntityModule } from './types.js';

const payload = z.object({
  name: z.string().trim().min(1).max(SPLYNX_LIMITS.locations.name),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const networkSiteLocations: EntityModule<Payload> = {
  name: 'network_site_locations',
  phase: 'network',
  source: 'network_sites',
  endpoint: 'admin/administration/locations',
  dependsOn: [],
  payload,
  mappings: [siteMapping],
  // Unmapped sites come here too, so their transform's lookup files the error row.
  select: (site, ctx) => siteKind(site, ctx) !== 'router',
  transform(site, ctx) {
    ctx.mapping('network-site').lookup(site.id);
    const name = String(site.name ?? '').trim();
    if (!name) throw new TransformError(`network site ${site.id} has no name`, 'name', 'Name the site in Sonar');
    return { name, additional_attributes: { [SONAR_ID_FIELD]: String(site.id) } };
  },
};
