/**
 * What Sonar network sites become, decided per site by the analyst in the mapping table
 * `data/mappings/network-site.csv`: `location` (lib/entities/network-site-locations.ts) or `router`
 * (lib/entities/network-site-routers.ts). A tower whose router Splynx will talk to is a router; a
 * POP, shelter or hub with nothing Splynx manages is a location. The proposal reads Sonar: a site
 * with a management IP is proposed as a router, one without as a location, because a Splynx
 * router cannot exist without an IP and the loader never invents one.
 *
 * Changing a row after the site has been loaded leaves the earlier record in Splynx (the loader
 * never deletes): remove it by hand.
 */
import type { MappingRow } from '../mappings/table.js';
import { parseCidr } from './ipv4.js';
import type { Row, TransformContext } from './types.js';

export const SITE_KINDS = ['location', 'router'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const MAPPING_SPECS = {
  'network-site': { name: 'network-site', describes: 'Splynx record for a network site (location or router)', allowed: SITE_KINDS },
} as const;

/** The analyst's choice for a site, or null when the table has no usable row (the locations module reports it). */
export function siteKind(site: Row, ctx: TransformContext): SiteKind | null {
  try {
    return ctx.mapping('network-site').lookup(site.id) as SiteKind;
  } catch {
    return null;
  }
}

/** The site's own static IPv4 addresses (not soft, a single address), oldest assignment first. */
export function siteIps(site: Row, ctx: TransformContext): Array<{ ip: string; assignment: Row }> {
  return ctx
    .children('ip_assignments', 'ipassignmentable_id', site.id, 'ipassignmentable_type', 'NetworkSite')
    .filter((a) => !a.soft)
    .map((a) => ({ c: parseCidr(a.subnet), assignment: a }))
    .filter((x) => x.c?.prefix === 32)
    .sort((a, b) => Number(a.assignment.id) - Number(b.assignment.id))
    .map((x) => ({ ip: x.c!.ip, assignment: x.assignment }));
}

export const siteItems = (site: Row, ctx: TransformContext) =>
  ctx
    .children('inventory_items', 'inventoryitemable_id', site.id, 'inventoryitemable_type', 'NetworkSite')
    .sort((a, b) => Number(a.id) - Number(b.id));

/** The equipment that is the site's router: an item whose model category reads router or core. */
export function siteRouter(site: Row, ctx: TransformContext): { item: Row; model: string } | null {
  for (const item of siteItems(site, ctx)) {
    const model = ctx.byId('inventory_models', item.inventory_model_id);
    const category = ctx.byId('inventory_model_categories', model?.inventory_model_category_id);
    if (!model || !/router|core/i.test(String(category?.name ?? ''))) continue;
    const maker = String(ctx.byId('manufacturers', model.manufacturer_id)?.name ?? '').trim();
    return { item, model: [maker, String(model.name ?? '').trim()].filter(Boolean).join(' ') };
  }
  return null;
}

/** The site's address on one line, "123 Main St, Springfield, TX 62701". */
export function siteAddress(site: Row, ctx: TransformContext): string {
  const a = ctx
    .children('addresses', 'addressable_id', site.id, 'addressable_type', 'NetworkSite')
    .sort((x, y) => Number(x.id) - Number(y.id))[0];
  if (!a) return '';
  // Sonar's subdivision is "US_TX"; on an address line the state reads "TX".
  const zipped = [String(a.subdivision ?? '').replace(/^[A-Z]{2}_/, ''), a.zip].filter(Boolean).join(' ');
  return [a.line1, a.line2, a.city, zipped]
    .map((v) => String(v ?? '').trim())
    .filter(Boolean)
    .join(', ');
}

/** Sonar's geopoint "lat,lon" as Splynx's "lat,lon", or '' when it is not a position. */
export function siteGps(site: Row): string {
  const [lat, lon, ...rest] = String(site.geopoint ?? '')
    .split(',')
    .map((s) => Number(s.trim()));
  const ok =
    !rest.length &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180 &&
    String(site.geopoint ?? '').trim() !== '';
  return ok ? `${lat},${lon}` : '';
}

/** One proposed row per site, with the reason an analyst can check. */
export function proposeSites(ctx: TransformContext): MappingRow[] {
  return (ctx.tables.network_sites ?? []).map((site) => {
    const ips = siteIps(site, ctx);
    const router = siteRouter(site, ctx);
    const items = siteItems(site, ctx).length;
    const base = { sonar_id: String(site.id), sonar_value: String(site.name ?? '').trim(), records: String(items) };
    if (ips.length) {
      const desc = String(ips[0].assignment.description ?? '').trim();
      const has = router ? ` and holds a ${router.model}` : '';
      return { ...base, splynx_value: 'router', reason: `has management IP ${ips[0].ip}${desc ? ` ("${desc}")` : ''}${has} in Sonar` };
    }
    return { ...base, splynx_value: 'location', reason: 'has no management IP in Sonar, and a Splynx router needs one' };
  });
}

export const siteMapping = { name: 'network-site', propose: proposeSites };
