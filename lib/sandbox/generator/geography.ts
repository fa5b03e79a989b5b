/**
 * Where the synthetic ISP operates: a few rural service regions, each with real state, county
 * FIPS, timezone and area codes, and towns inside them whose city, zip and coordinates agree.
 */
import type { SonarRecord } from '../dataset.js';
import type { GenContext } from './context.js';

export interface Region {
  subdivision: string;
  country: 'US' | 'CA';
  /** The faker `state` key for postcodes. */
  state: string;
  timezone: string;
  latitude: number;
  longitude: number;
  areaCodes: string[];
  /** Real `UsCounty` values (FIPS) of the area; Canada has none. */
  counties: string[];
  /** Share of customers. */
  weight: number;
  /** Sales tax on taxable (non-internet) lines. */
  taxRate: number;
}

export const REGIONS: Region[] = [
  {
    subdivision: 'US_TX',
    country: 'US',
    state: 'TX',
    timezone: 'AMERICACHICAGO',
    latitude: 33.58,
    longitude: -101.86,
    areaCodes: ['806'],
    counties: ['COUNTY_48303', 'COUNTY_48189', 'COUNTY_48219', 'COUNTY_48445', 'COUNTY_48305'],
    weight: 34,
    taxRate: 0.0825,
  },
  {
    subdivision: 'US_OK',
    country: 'US',
    state: 'OK',
    timezone: 'AMERICACHICAGO',
    latitude: 35.47,
    longitude: -97.52,
    areaCodes: ['405', '580'],
    counties: ['COUNTY_40109', 'COUNTY_40027', 'COUNTY_40017', 'COUNTY_40125', 'COUNTY_40083'],
    weight: 26,
    taxRate: 0.085,
  },
  {
    subdivision: 'US_KS',
    country: 'US',
    state: 'KS',
    timezone: 'AMERICACHICAGO',
    latitude: 37.69,
    longitude: -97.34,
    areaCodes: ['316', '620'],
    counties: ['COUNTY_20173', 'COUNTY_20015', 'COUNTY_20079', 'COUNTY_20155', 'COUNTY_20191'],
    weight: 20,
    taxRate: 0.075,
  },
  {
    subdivision: 'US_NM',
    country: 'US',
    state: 'NM',
    timezone: 'AMERICADENVER',
    latitude: 35.08,
    longitude: -106.65,
    areaCodes: ['505', '575'],
    counties: ['COUNTY_35001', 'COUNTY_35043', 'COUNTY_35061', 'COUNTY_35049'],
    weight: 8,
    taxRate: 0.07875,
  },
  {
    subdivision: 'CA_MB',
    country: 'CA',
    state: 'MB',
    timezone: 'AMERICAWINNIPEG',
    latitude: 49.9,
    longitude: -97.14,
    areaCodes: ['204', '431'],
    counties: [],
    weight: 7,
    taxRate: 0.12,
  },
  {
    subdivision: 'CA_ON',
    country: 'CA',
    state: 'ON',
    timezone: 'AMERICATORONTO',
    latitude: 44.3,
    longitude: -78.32,
    areaCodes: ['705', '249'],
    counties: [],
    weight: 5,
    taxRate: 0.13,
  },
];

export interface Town {
  city: string;
  zip: string;
  county: string | null;
  latitude: number;
  longitude: number;
  region: Region;
}

export interface Geography {
  towns: Town[];
  townsByRegion: Map<Region, Town[]>;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** More customers means more towns, as a real service area grows outward. */
export function buildGeography(ctx: GenContext): Geography {
  const { rng } = ctx;
  const perRegion = Math.max(3, Math.min(40, Math.round(3 + Math.sqrt(ctx.accounts) / 6)));
  const towns: Town[] = [];
  const townsByRegion = new Map<Region, Town[]>();
  for (const region of REGIONS) {
    const faker = region.country === 'CA' ? rng.canada : rng.faker;
    const list: Town[] = [];
    const names = new Set<string>();
    while (list.length < perRegion) {
      const city = faker.location.city();
      if (names.has(city)) continue;
      names.add(city);
      list.push({
        city,
        zip: faker.location.zipCode({ state: region.state }),
        county: region.counties.length ? rng.pick(region.counties) : null,
        latitude: round6(region.latitude + rng.float(-0.7, 0.7)),
        longitude: round6(region.longitude + rng.float(-0.9, 0.9)),
        region,
      });
    }
    townsByRegion.set(region, list);
    towns.push(...list);
  }
  return { towns, townsByRegion };
}

export function pickRegion(ctx: GenContext): Region {
  return ctx.rng.weighted(REGIONS.map((r) => [r, r.weight] as const));
}

export function pickTown(ctx: GenContext, geography: Geography, region = pickRegion(ctx)): Town {
  return ctx.rng.pick(geography.townsByRegion.get(region)!);
}

export interface AddressOwner {
  type: 'Account' | 'NetworkSite' | 'InventoryLocation' | 'Company';
  id: string;
}

export interface AddressOptions {
  owner: AddressOwner | null;
  kind: 'PHYSICAL' | 'MAILING';
  serviceable: boolean;
  createdMs: number;
  speeds?: [number, number] | null;
}

/** A street address in `town`, a few kilometres from its centre. */
export function insertAddress(ctx: GenContext, town: Town, opts: AddressOptions): SonarRecord {
  const { rng } = ctx;
  const faker = town.region.country === 'CA' ? rng.canada : rng.faker;
  const poBox = opts.kind === 'MAILING' && rng.chance(0.45);
  const latitude = round6(town.latitude + rng.float(-0.06, 0.06));
  const longitude = round6(town.longitude + rng.float(-0.08, 0.08));
  return ctx.t.insert('addresses', opts.createdMs, {
    addressable_type: opts.owner?.type ?? null,
    addressable_id: opts.owner?.id ?? null,
    type: opts.kind,
    serviceable: opts.serviceable,
    line1: poBox ? `PO Box ${rng.int(1, 9999)}` : faker.location.streetAddress(),
    line2: !poBox && rng.chance(0.08) ? faker.location.secondaryAddress() : null,
    city: town.city,
    subdivision: town.region.subdivision,
    zip: town.zip,
    country: town.region.country,
    county: town.county,
    latitude: poBox ? null : latitude,
    longitude: poBox ? null : longitude,
    timezone: town.region.timezone,
    is_anchor: false,
    attainable_download_speed: opts.speeds?.[0] ?? null,
    attainable_upload_speed: opts.speeds?.[1] ?? null,
  });
}

export interface Phone {
  number: string;
  formatted: string;
}

/** A ten-digit NANP number in the region's area codes (exchange never starts with 0 or 1). */
export function phoneIn(ctx: GenContext, region: Region): Phone {
  const area = ctx.rng.pick(region.areaCodes);
  const exchange = String(ctx.rng.int(200, 999));
  const line = String(ctx.rng.int(0, 9999)).padStart(4, '0');
  return { number: `${area}${exchange}${line}`, formatted: `(${area}) ${exchange}-${line}` };
}

export function geopoint(latitude: number, longitude: number): string {
  return `${latitude},${longitude}`;
}
