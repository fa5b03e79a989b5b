/**
 * The router an internet service is on in Splynx (`router_id`): the Splynx router of the network
 * site that serves the account's serviceable address. Sonar says which sites serve an address in
 * each site's serviceable address list (`sitesServing`, lib/sonar/relations.ts); the analyst says
 * which sites are routers in `network-site.csv` (lib/entities/network-sites.ts).
 *
 * The rule, and why a service is never refused for it:
 *
 * - exactly one serving site is mapped to `router` and is in Splynx: that router;
 * - no serving site, or no serving site mapped to `router` (only locations, or no row): 0;
 * - the one router site is not in Splynx (refused, e.g. without a management IP): 0, and the
 *   next run after the router is loaded updates the service;
 * - several serving sites mapped to `router` (overlapping coverage): 0. Nothing in Sonar says which
 *   of them carries the subscriber (an IP pool names no site), so any pick would be a guess.
 *
 * `router_id` 0 is what Splynx holds for a service on no router: the subscriber still logs in
 * (Splynx's RADIUS answers whichever NAS asks) and is billed, while refusing the service would
 * take a working subscriber offline over a field the ISP can set afterwards. So every 0 is counted
 * in the run report by its reason, and the services with several candidate routers are named
 * there with their sites (`routerSummary`), for the analyst to set by hand or to fix the coverage
 * lists in Sonar.
 */
import { sitesServing } from '../sonar/relations.js';
import { siteKind } from './network-sites.js';
import type { Row, TransformContext } from './types.js';

export const NO_ROUTER = [
  'no serviceable address',
  'no site serves the address',
  'no serving site is mapped to router',
  'router not migrated',
  'several router sites serve the address',
] as const;
export type NoRouter = (typeof NO_ROUTER)[number];

export type RouterChoice = { kind: 'router'; siteId: string; routerId: string } | { kind: 'none'; why: NoRouter; sites: string[] };

/** The account's serviceable addresses, in id order. */
const serviceableOf = (accountId: unknown, ctx: TransformContext) =>
  ctx
    .children('addresses', 'addressable_id', accountId, 'addressable_type', 'Account')
    .filter((a) => a.serviceable)
    .sort((a, b) => Number(a.id) - Number(b.id));

export function serviceRouter(as: Row, ctx: TransformContext): RouterChoice {
  const addresses = serviceableOf(as.account_id, ctx);
  if (!addresses.length) return { kind: 'none', why: 'no serviceable address', sites: [] };
  const serving = [...new Set(addresses.flatMap((a) => sitesServing(a.id, ctx)))];
  if (!serving.length) return { kind: 'none', why: 'no site serves the address', sites: [] };
  const routers = serving.filter((id) => {
    const site = ctx.byId('network_sites', id);
    return !!site && siteKind(site, ctx) === 'router';
  });
  if (!routers.length) return { kind: 'none', why: 'no serving site is mapped to router', sites: serving };
  if (routers.length > 1) return { kind: 'none', why: 'several router sites serve the address', sites: routers };
  const routerId = ctx.optionalRef('network_site_routers', routers[0]);
  return routerId ? { kind: 'router', siteId: routers[0], routerId } : { kind: 'none', why: 'router not migrated', sites: routers };
}

export interface RouterSummary {
  /** DATA services on the router of their serving site. */
  with_router: number;
  /** DATA services with `router_id` 0, by reason. */
  without: Partial<Record<NoRouter, number>>;
  /** The services several router sites serve (the analyst's to set), with those sites. */
  several: Array<{ account_service_id: string; sites: string[] }>;
}

/** Where each DATA service's router comes from, for the run report (counts, and the overlaps named). */
export function routerSummary(ctx: TransformContext, dataServices: Row[]): RouterSummary {
  const out: RouterSummary = { with_router: 0, without: {}, several: [] };
  for (const as of dataServices) {
    const r = serviceRouter(as, ctx);
    if (r.kind === 'router') out.with_router++;
    else {
      out.without[r.why] = (out.without[r.why] ?? 0) + 1;
      if (r.why === 'several router sites serve the address') out.several.push({ account_service_id: String(as.id), sites: r.sites });
    }
  }
  return out;
}
