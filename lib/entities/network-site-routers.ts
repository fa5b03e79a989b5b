/**
 * Sonar network sites mapped to `router` in `network-site.csv` → Splynx routers (NAS).
 *
 * | Sonar                                         | Splynx                   | note                                            |
 * |-----------------------------------------------|--------------------------|-------------------------------------------------|
 * | `name`                                        | `title`                  | unique in Splynx                                |
 * | the site's first static /32 IP assignment     | `ip`                     | required and unique; none in Sonar → error row, never an invented IP |
 * | the site's router item: manufacturer + model  | `model`                  | an item whose model category reads router/core  |
 * | the site's address                            | `address`                | one line                                        |
 * | `geopoint`                                    | `gps_point`              | "lat,lon"                                       |
 * | (Sonar network sites have no company)         | `partners_ids`           | every migrated partner, as for company-less tariffs |
 * | (none)                                        | `location_id = 1`        | Sonar has no location; the fresh-instance "Main" |
 * | (none)                                        | `nas_type`, `authorization_method`, `accounting_method` | ROUTER_DEFAULTS below |
 * | `id`                                          | `additional_attributes.sonar_id` | the natural key                         |
 *
 * The gaps, chosen explicitly. Sonar keeps no NAS type, RADIUS client or authorization scheme per
 * site, so every router gets ROUTER_DEFAULTS: NAS type 1 (MikroTik, the type Splynx selects for a
 * new router) and authorization/accounting `none`/`none`, which makes Splynx push nothing to the
 * router and claim nothing about how customers authenticate (Splynx's RADIUS still answers). The
 * analyst sets the real method per router in Splynx; `nas_ip` and `radius_secret` stay empty for
 * the same reason. Splynx's value for each is in ROUTER_DEFAULTS so it is changed in one place.
 *
 * The internet services of the addresses the site serves (its serviceable address list) are put on
 * this router (`router_id`, lib/entities/service-router.ts), so routers load before them.
 *
 * No place in Splynx: `height_in_meters`, the site's contacts and notes, further IP assignments
 * beyond the first, and routed blocks assigned to the site (they stay in Sonar's export). The
 * site's equipment is migrated as inventory with the site's name in each item's notes.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { IPV4 } from './ipv4.js';
import { siteAddress, siteGps, siteIps, siteKind, siteRouter } from './network-sites.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { partnersFor } from './tariff-common.js';
import { TransformError, type EntityModule } from './types.js';

export const AUTHORIZATION_METHODS = [
  'none',
  'firewall_ip_mac_filter',
  'dhcp_leases',
  'ppp_dhcp_radius',
  'ppp_secrets',
  'hotspot_users',
  'hotspot_radius',
] as const;
export const ACCOUNTING_METHODS = ['none', 'radius', 'netflow'] as const;

/** What every migrated router gets where Sonar has nothing (see the header). */
export const ROUTER_DEFAULTS = {
  nas_type: '1',
  authorization_method: 'none',
  accounting_method: 'none',
  location_id: '1',
} as const;

const id = z.string().regex(/^\d+$/);
const payload = z.object({
  title: z.string().trim().min(1).max(SPLYNX_LIMITS.routers.title),
  model: z.string().max(SPLYNX_LIMITS.routers.model),
  partners_ids: z.array(id).min(1),
  location_id: id,
  address: z.string().max(SPLYNX_LIMITS.routers.address),
  ip: z.string().regex(IPV4),
  gps_point: z.string().max(SPLYNX_LIMITS.routers.gps_point),
  nas_type: id,
  authorization_method: z.enum(AUTHORIZATION_METHODS),
  accounting_method: z.enum(ACCOUNTING_METHODS),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const networkSiteRouters: EntityModule<Payload> = {
  name: 'network_site_routers',
  phase: 'network',
  source: 'network_sites',
  endpoint: 'admin/networking/routers',
  dependsOn: ['partners'],
  payload,
  // The network-site table is declared once, on network_site_locations (same phase), so it is proposed once.
  select: (site, ctx) => siteKind(site, ctx) === 'router',
  transform(site, ctx) {
    const title = String(site.name ?? '').trim();
    if (!title) throw new TransformError(`network site ${site.id} has no name`, 'title', 'Name the site in Sonar');
    const ip = siteIps(site, ctx)[0]?.ip;
    if (!ip) {
      throw new TransformError(
        `network site "${title}" (${site.id}) is mapped to a router but has no management IP in Sonar`,
        'ip',
        `Add the router's IP to the site in Sonar (IP assignments), or map site ${site.id} to "location" in data/mappings/network-site.csv`,
      );
    }
    return {
      title,
      model: siteRouter(site, ctx)?.model ?? '',
      partners_ids: partnersFor({ company_id: null }, ctx),
      location_id: ROUTER_DEFAULTS.location_id,
      address: siteAddress(site, ctx),
      ip,
      gps_point: siteGps(site),
      nas_type: ROUTER_DEFAULTS.nas_type,
      authorization_method: ROUTER_DEFAULTS.authorization_method,
      accounting_method: ROUTER_DEFAULTS.accounting_method,
      additional_attributes: { [SONAR_ID_FIELD]: String(site.id) },
    };
  },
};
