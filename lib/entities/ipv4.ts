/**
 * IPv4 arithmetic and the Splynx IPv4-network payload shared by the network entities (supernets →
 * rootnets, subnets → endnets) and read by the static-IP and router entities. Sonar writes every
 * address in CIDR form (`10.20.0.5/32`, `10.20.0.0/24`); Splynx wants the address and the mask
 * apart, the network address aligned to its mask, and statics on host addresses only.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { TransformError, type Row, type SplynxReader, type TransformContext } from './types.js';

/** Dotted quad, no leading zeros (what Splynx's ip validator and MySQL's INET_ATON agree on). */
export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export interface Cidr {
  ip: string;
  prefix: number;
}

export const ipToInt = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
export const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** `a.b.c.d/p` (a bare address is a /32), IPv4 only; null when it is not one. */
export function parseCidr(value: unknown): Cidr | null {
  if (typeof value !== 'string') return null;
  const [ip, prefix, ...rest] = value.trim().split('/');
  if (rest.length || !IPV4.test(ip)) return null;
  const p = prefix === undefined ? 32 : /^\d{1,2}$/.test(prefix) ? Number(prefix) : NaN;
  return Number.isInteger(p) && p >= 0 && p <= 32 ? { ip, prefix: p } : null;
}

export const isIpv6 = (value: unknown) => typeof value === 'string' && value.includes(':');
export const cidrText = (c: Cidr) => `${c.ip}/${c.prefix}`;

export function range(c: Cidr): { first: number; last: number } {
  const size = 2 ** (32 - c.prefix);
  const first = Math.floor(ipToInt(c.ip) / size) * size;
  return { first, last: first + size - 1 };
}

export const isAligned = (c: Cidr) => range(c).first === ipToInt(c.ip);

/** A host address of the network: not its network or broadcast address (except on /31 and /32). */
export function isHostOf(net: Cidr, ip: string): boolean {
  const { first, last } = range(net);
  const n = ipToInt(ip);
  return net.prefix >= 31 ? n >= first && n <= last : n > first && n < last;
}

export const within = (net: Cidr, inner: Cidr) => range(inner).first >= range(net).first && range(inner).last <= range(net).last;

/**
 * The network a Sonar supernet or subnet stands for, or a TransformError saying why Splynx cannot
 * hold it: IPv6 (the workbook loads IPv4 networks only), not CIDR, or not aligned to its mask.
 */
export function networkCidr(row: Row, what: string): Cidr {
  const raw = row.subnet;
  if (isIpv6(raw)) {
    throw new TransformError(
      `${what} ${row.id} ${raw} is IPv6; only IPv4 networks are migrated`,
      'network',
      'Create it by hand under Networking → IPv6 networks in Splynx',
    );
  }
  const c = parseCidr(raw);
  if (!c)
    throw new TransformError(
      `${what} ${row.id}: ${JSON.stringify(raw ?? null)} is not an IPv4 network in CIDR form`,
      'network',
      `Correct the ${what} in Sonar`,
    );
  if (!isAligned(c)) {
    const fixed = { ip: intToIp(range(c).first), prefix: c.prefix };
    throw new TransformError(
      `${what} ${row.id}: ${cidrText(c)} is not a network address`,
      'network',
      `Correct it in Sonar to ${cidrText(fixed)} (the network that contains it)`,
    );
  }
  return c;
}

/** The first record of `table` (by id) with each CIDR, once per snapshot. */
const firstByCidr = new WeakMap<object, Map<string, Map<string, string>>>();

/**
 * Splynx holds a network/mask once, and the ledger maps one Splynx record to one Sonar record: a
 * second Sonar record with the same network is refused, naming the first.
 */
export function assertFirstWithCidr(row: Row, table: string, c: Cidr, ctx: TransformContext, what: string): void {
  let byTable = firstByCidr.get(ctx.tables);
  if (!byTable) firstByCidr.set(ctx.tables, (byTable = new Map()));
  let first = byTable.get(table);
  if (!first) {
    first = new Map();
    for (const r of [...(ctx.tables[table] ?? [])].sort((a, b) => Number(a.id) - Number(b.id))) {
      const rc = parseCidr(r.subnet);
      if (rc && !first.has(cidrText(rc))) first.set(cidrText(rc), String(r.id));
    }
    byTable.set(table, first);
  }
  const owner = first.get(cidrText(c));
  if (owner && owner !== String(row.id)) {
    throw new TransformError(
      `${what} ${row.id} is ${cidrText(c)}, like ${what} ${owner}; Splynx holds a network once`,
      'network',
      `Remove the duplicate ${what} in Sonar (${what} ${owner} is migrated)`,
    );
  }
}

/**
 * What a fresh Splynx offers for the two required ids Sonar has no equivalent for: location 1
 * "Main" (Sonar keeps no location on a network) and network category 1 (Config → Networking →
 * Network categories). Change them here if the instance uses others.
 */
export const NETWORK_LOCATION_ID = '1';
export const NETWORK_CATEGORY_ID = '1';

const id = z.string().regex(/^\d+$/);
export const networkPayload = z.object({
  network: z.string().regex(IPV4),
  mask: z.number().int().min(0).max(32),
  title: z.string().trim().min(1).max(SPLYNX_LIMITS.ipv4_networks.title),
  comment: z.string().max(SPLYNX_LIMITS.ipv4_networks.comment),
  location_id: id,
  network_category: id,
  network_type: z.enum(['rootnet', 'endnet']),
  type_of_usage: z.enum(['pool', 'static', 'management']),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
export type NetworkPayload = z.infer<typeof networkPayload>;

/**
 * Network and mask are unique in Splynx, so they are the natural key: a network set up by hand
 * before the migration is adopted rather than refused as a duplicate.
 */
export function networkKey(p: NetworkPayload) {
  return {
    key: `network ${p.network}/${p.mask}`,
    async find(api: SplynxReader, at: string): Promise<string | null> {
      const rows = await api.get<Array<{ id: string; network: string; mask: string }>>(at, {
        main_attributes: { network: p.network, mask: String(p.mask) },
      });
      const same = rows.filter((r) => r.network === p.network && Number(r.mask) === p.mask);
      if (same.length > 1)
        throw new Error(
          `${same.length} IPv4 networks are ${p.network}/${p.mask}; keep one in Splynx and register it with register-external`,
        );
      return same[0]?.id ?? null;
    },
  };
}
