/**
 * IPv4 address management: networks own their host addresses, and a static internet service
 * (`taking_ipv4=1`) must take a free host address of an existing network. The address row records
 * who holds it, so deleting or changing the service gives it back.
 */
import type { EntityHooks, FieldError, HookContext } from './entity.js';
import type { Row, SplynxStore } from './store.js';
import { isBlank } from './validate.js';
import { activeLoginErrors } from './access/service-login.js';

/** Networks this size or smaller get their host rows on creation; larger ones get rows on first use. */
const PREFILL_MIN_MASK = 24;

export const ipToInt = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
export const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function networkRange(network: string, mask: number): { first: number; last: number } {
  const size = 2 ** (32 - mask);
  const first = ipToInt(network);
  return { first, last: first + size - 1 };
}

/** Host addresses: all but the network and broadcast addresses, except on /31 and /32. */
function hostRange(network: string, mask: number): { first: number; last: number } {
  const { first, last } = networkRange(network, mask);
  return mask >= 31 ? { first, last } : { first: first + 1, last: last - 1 };
}

function containingNetwork(store: SplynxStore, ip: string): Row | undefined {
  const n = ipToInt(ip);
  return store
    .where('ipv4_networks', (net) => {
      const { first, last } = hostRange(String(net.network), Number(net.mask));
      return n >= first && n <= last;
    })
    .sort((a, b) => Number(b.mask) - Number(a.mask))[0];
}

function ipRow(ctx: HookContext, net: Row, ip: string): Row {
  return (
    ctx.store.byValue('ipv4_ips', 'ip', ip).find((r) => r.ipv4_networks_id === net.id && r.ip === ip) ??
    ctx.create('ipv4_ips', {}, { ipv4_networks_id: net.id, ip, location_id: net.location_id })
  );
}

const holds = (r: Row, serviceId: number | undefined) => r.module === 'internet' && r.module_item_id === serviceId;
const isStatic = (s: Row) => String(s.taking_ipv4) === '1' && !isBlank(s.ipv4);

function release(ctx: HookContext, service: Row): void {
  for (const r of ctx.store.byValue('ipv4_ips', 'module_item_id', service.id).filter((ip) => holds(ip, service.id)))
    ctx.store.replace('ipv4_ips', { ...r, is_used: 0, customer_id: 0, module: '', module_item_id: 0 });
}

function take(ctx: HookContext, service: Row): void {
  if (!isStatic(service)) return;
  const net = containingNetwork(ctx.store, String(service.ipv4));
  if (!net) return;
  const r = ipRow(ctx, net, String(service.ipv4));
  ctx.store.replace('ipv4_ips', {
    ...r,
    is_used: 1,
    customer_id: service.customer_id,
    module: 'internet',
    module_item_id: service.id,
  });
}

/** A static service's address must be a free host address of an existing network. */
function staticIpErrors(row: Row, ctx: HookContext, old: Row | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (String(row.taking_ipv4) !== '1') return errors;
  if (isBlank(row.ipv4)) return [{ field: 'ipv4', message: 'IPv4 cannot be blank.' }];
  if (old && isStatic(old) && old.ipv4 === row.ipv4) return errors;
  const ip = String(row.ipv4);
  const net = containingNetwork(ctx.store, ip);
  if (!net) return [{ field: 'ipv4', message: `IPv4 "${ip}" is not a host address of any IPv4 network.` }];
  const usedByRow = ctx.store
    .byValue('ipv4_ips', 'ip', ip)
    .find((r) => r.ip === ip && r.ipv4_networks_id === net.id && Number(r.is_used) === 1 && !holds(r, old?.id));
  const usedByService = ctx.store.byValue('internet_services', 'ipv4', ip).find((s) => s.id !== old?.id && isStatic(s) && s.ipv4 === ip);
  if (usedByRow || usedByService) errors.push({ field: 'ipv4', message: `IPv4 "${ip}" has already been taken.` });
  return errors;
}

export const internetServiceHooks: EntityHooks = {
  validate: (row, ctx, old, input) => [...activeLoginErrors(row, ctx, old, input), ...staticIpErrors(row, ctx, old)],
  afterCreate(row, ctx) {
    take(ctx, row);
  },
  afterUpdate(row, old, ctx) {
    if (old.ipv4 === row.ipv4 && old.taking_ipv4 === row.taking_ipv4 && old.customer_id === row.customer_id) return;
    release(ctx, old);
    take(ctx, row);
  },
  afterDelete(row, ctx) {
    release(ctx, row);
  },
};

export const ipv4NetworkHooks: EntityHooks = {
  validate(row, ctx, old) {
    if (isBlank(row.network) || typeof row.mask !== 'number' || row.mask < 0 || row.mask > 32) return [];
    if (old && (old.network !== row.network || old.mask !== row.mask))
      return [{ field: 'network', message: 'Network and mask cannot be changed once addresses exist.' }];
    const { first } = networkRange(String(row.network), row.mask);
    const aligned = first % 2 ** (32 - row.mask) === 0;
    if (!aligned) return [{ field: 'network', message: `Network ${row.network}/${row.mask} is not a network address.` }];
    const same = ctx.store.find('ipv4_networks', (n) => n.id !== old?.id && n.network === row.network && n.mask === row.mask);
    return same ? [{ field: 'network', message: `Network "${row.network}/${row.mask}" has already been taken.` }] : [];
  },
  afterCreate(row, ctx) {
    const mask = Number(row.mask);
    if (mask < PREFILL_MIN_MASK) return;
    const { first, last } = hostRange(String(row.network), mask);
    for (let n = first; n <= last; n++) ipRow(ctx, row, intToIp(n));
  },
  beforeDelete(row, ctx) {
    const used = ctx.store.find('ipv4_ips', (r) => r.ipv4_networks_id === row.id && Number(r.is_used) === 1);
    return used ? `Network ${row.network}/${row.mask} has used addresses (e.g. ${used.ip})` : undefined;
  },
};
