/**
 * The network: towers, fiber hubs and central offices (network sites) near the towns, and an IP
 * plan of supernets → subnets → pools. Customer statics come from 10.20.x.0/24 ACCOUNT subnets,
 * PPPoE sessions from a CGNAT pool per site, and site gear from 10.250.x.0/24 NETWORK subnets.
 */
import type { SonarRecord } from '../dataset.js';
import type { Catalog } from './catalog.js';
import { insertContact } from './contacts.js';
import { setupTime, type GenContext } from './context.js';
import { geopoint, insertAddress, REGIONS, type Geography, type Region, type Town } from './geography.js';
import type { Family } from './services.js';

export interface Site {
  id: string;
  name: string;
  town: Town;
  family: Family;
  pool: SitePool;
  createdMs: number;
}

export interface Assignable {
  ip: string;
  subnetId: string;
}

/** Hands out host addresses from consecutive /24s, adding a subnet each time one fills up. */
export class SubnetAllocator {
  private block = -1;
  private host = 255;
  private subnetId = '';
  private prefix = '';

  constructor(
    private readonly ctx: GenContext,
    private readonly supernetId: string,
    private readonly firstOctet: number,
    private readonly secondOctet: number,
    private readonly type: 'ACCOUNT' | 'NETWORK',
    private readonly label: string,
  ) {}

  next(): Assignable {
    if (this.host > 254) {
      this.block++;
      this.host = 2; // .1 is the gateway
      const prefix = `${this.firstOctet}.${this.secondOctet + Math.floor(this.block / 256)}.${this.block % 256}`;
      this.subnetId = this.ctx.t.insert('subnets', setupTime(this.ctx), {
        name: `${this.label} ${this.block + 1}`,
        subnet: `${prefix}.0/24`,
        supernet_id: this.supernetId,
        type: this.type,
        polling_priority: 5,
      }).id as string;
      this.prefix = prefix;
    }
    return { ip: `${this.prefix}.${this.host++}`, subnetId: this.subnetId };
  }
}

/** A site's PPPoE/DHCP pool: 100.64.x.10-100.64.x.250 in its own CGNAT /24. */
export class SitePool {
  private used = 0;
  static readonly SIZE = 241;

  constructor(
    readonly poolId: string,
    readonly subnetId: string,
    private readonly prefix: string,
    private readonly record: SonarRecord,
  ) {}

  /** The next free address, or null once the pool is exhausted (a full pool is normal). */
  next(): Assignable | null {
    if (this.used >= SitePool.SIZE) return null;
    const ip = `${this.prefix}.${10 + this.used++}`;
    this.record.ips_available = SitePool.SIZE - this.used;
    return { ip, subnetId: this.subnetId };
  }
}

export interface Network {
  sites: Site[];
  /** The serviceable address of each account, with the site that serves it (coverage.ts makes the lists). */
  served: Array<{ addressId: string; site: Site }>;
  sitesByRegion: Map<Region, Site[]>;
  sitesByTown: Map<Town, Site[]>;
  statics: SubnetAllocator;
  infrastructure: SubnetAllocator;
}

const SITE_FAMILY: [Family, number][] = [
  ['wireless', 55],
  ['fiber', 30],
  ['dsl', 10],
  ['cable', 5],
];

function siteName(ctx: GenContext, town: Town, family: Family): string {
  const kinds: Record<Family, string[]> = {
    wireless: ['Tower', 'Water Tower', 'Grain Elevator', 'Silo', 'Ridge Tower'],
    fiber: ['Fiber Hub', 'OLT Cabinet', 'Fiber POP'],
    dsl: ['Central Office', 'Remote Terminal'],
    cable: ['Headend', 'Hub Site'],
  };
  return `${town.city} ${ctx.rng.pick(kinds[family])}`;
}

function insertSupernets(ctx: GenContext) {
  const supernet = (name: string, subnet: string) => ctx.t.insert('supernets', setupTime(ctx), { name, subnet }).id as string;
  const privateId = supernet('Private', '10.0.0.0/8');
  const cgnatId = supernet('CGNAT', '100.64.0.0/10');
  const publicId = supernet('Public allocation', '198.51.100.0/24');
  ctx.t.insert('subnets', setupTime(ctx), {
    name: 'Core and NAT',
    subnet: '198.51.100.0/26',
    supernet_id: publicId,
    type: 'MIXED',
    polling_priority: 1,
  });
  ctx.t.insert('subnets', setupTime(ctx), {
    name: 'Reserved',
    subnet: '198.51.100.64/26',
    supernet_id: publicId,
    type: 'EXCLUDED',
    polling_priority: 10,
  });
  return { privateId, cgnatId };
}

/** About one site per 250 customers, at least one in every region. */
export function buildNetwork(ctx: GenContext, geography: Geography, catalog: Catalog): Network {
  const { rng, t } = ctx;
  const { privateId, cgnatId } = insertSupernets(ctx);
  const statics = new SubnetAllocator(ctx, privateId, 10, 20, 'ACCOUNT', 'Customer statics');
  const infrastructure = new SubnetAllocator(ctx, privateId, 10, 250, 'NETWORK', 'Infrastructure');
  const count = Math.max(REGIONS.length, Math.min(400, Math.round(ctx.accounts / 250)));
  const sites: Site[] = [];
  const sitesByRegion = new Map<Region, Site[]>();
  const sitesByTown = new Map<Town, Site[]>();
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const region = i < REGIONS.length ? REGIONS[i] : rng.weighted(REGIONS.map((r) => [r, r.weight] as const));
    const town = rng.pick(geography.townsByRegion.get(region)!);
    // Every region gets wireless first, so every customer can be reached.
    const family = i < REGIONS.length ? 'wireless' : rng.weighted(SITE_FAMILY);
    let name = siteName(ctx, town, family);
    for (let n = 2; names.has(name); n++) name = `${siteName(ctx, town, family)} ${n}`;
    names.add(name);
    const created = setupTime(ctx) + rng.float(0, 0.8) * (ctx.referenceMs - ctx.foundedMs);
    const latitude = Math.round((town.latitude + rng.float(-0.05, 0.05)) * 1e6) / 1e6;
    const longitude = Math.round((town.longitude + rng.float(-0.05, 0.05)) * 1e6) / 1e6;
    const site = t.insert('network_sites', created, {
      name,
      geopoint: geopoint(latitude, longitude),
      height_in_meters: family === 'wireless' ? rng.int(25, 120) : Math.round(rng.float(2, 10) * 10) / 10,
    });
    const siteId = site.id as string;
    insertAddress(ctx, town, { owner: { type: 'NetworkSite', id: siteId }, kind: 'PHYSICAL', serviceable: false, createdMs: created });
    if (rng.chance(0.5)) {
      const first = ctx.faker.person.firstName();
      const last = ctx.faker.person.lastName();
      insertContact(ctx, catalog, {
        contactableType: 'NetworkSite',
        contactableId: siteId,
        name: `${first} ${last}`,
        email: ctx.faker.internet.email({ firstName: first, lastName: last }),
        primary: true,
        role: rng.pick(['Landowner', 'Tower owner', 'Site access', 'Property manager']),
        username: null,
        region,
        createdMs: created,
      });
    }
    const mgmt = infrastructure.next();
    t.insert('ip_assignments', created, {
      ipassignmentable_type: 'NetworkSite',
      ipassignmentable_id: siteId,
      subnet: `${mgmt.ip}/32`,
      subnet_id: mgmt.subnetId,
      ip_pool_id: null,
      soft: false,
      description: 'Site router',
      reference: null,
    });
    const prefix = `100.${64 + Math.floor(i / 256)}.${i % 256}`;
    const subnetId = t.insert('subnets', created, {
      name: `${name} CGNAT`,
      subnet: `${prefix}.0/24`,
      supernet_id: cgnatId,
      type: 'ACCOUNT',
      polling_priority: 5,
    }).id as string;
    const poolRecord = t.insert('ip_pools', created, {
      name: `${name} PPPoE`,
      ip_range: `${prefix}.10-${prefix}.250`,
      subnet_id: subnetId,
      ips_available: SitePool.SIZE,
    });
    const entry: Site = {
      id: siteId,
      name,
      town,
      family,
      createdMs: created,
      pool: new SitePool(poolRecord.id as string, subnetId, prefix, poolRecord),
    };
    sites.push(entry);
    sitesByRegion.set(region, [...(sitesByRegion.get(region) ?? []), entry]);
    sitesByTown.set(town, [...(sitesByTown.get(town) ?? []), entry]);
  }
  return { sites, served: [], sitesByRegion, sitesByTown, statics, infrastructure };
}

/** The site serving a customer in `town`: one in the same town if any, else any in the region. */
export function siteFor(ctx: GenContext, network: Network, town: Town): Site {
  const local = network.sitesByTown.get(town);
  return ctx.rng.pick(local && ctx.rng.chance(0.8) ? local : network.sitesByRegion.get(town.region)!);
}
