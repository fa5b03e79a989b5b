/** The Splynx model, network: Routers, IPv4 networks and their addresses. */
import { bool, datetime, fieldList, int, oneOf, ref, refs, str } from '../fields.js';
import type { EntityDef } from '../entity.js';
import { ipv4NetworkHooks } from '../hooks-networking.js';

export const NETWORK: EntityDef[] = [
  {
    name: 'routers',
    afModule: 'routers',
    fields: fieldList({
      title: str(128, { required: true, unique: true }),
      model: str(128, { default: '' }),
      partners_ids: refs('partners', { required: true }),
      location_id: ref('locations', { required: true, default: undefined }),
      address: str(255, { default: '' }),
      ip: { type: 'ipv4', required: true, unique: true },
      gps: str(2048, { default: '' }),
      gps_point: str(64, { default: '' }),
      authorization_method: oneOf(
        ['none', 'firewall_ip_mac_filter', 'dhcp_leases', 'ppp_dhcp_radius', 'ppp_secrets', 'hotspot_users', 'hotspot_radius'],
        undefined,
        { required: true },
      ),
      accounting_method: oneOf(['none', 'radius', 'netflow'], undefined, { required: true }),
      nas_type: int({ required: true }),
      nas_ip: str(64, { default: '' }),
      radius_secret: str(64, { default: '' }),
      status: oneOf(['ok', 'api_error', 'error', 'disabled', 'unknown'], 'unknown'),
      pool_ids: refs('ipv4_networks', { default: () => [] }),
    }),
  },
  {
    name: 'ipv4_networks',
    afModule: 'ipv4_networks',
    cascade: ['ipv4_ips'],
    fields: fieldList({
      network: { type: 'ipv4', required: true },
      mask: int({ required: true, min: 0, max: 32 }),
      title: str(128, { required: true }),
      comment: str(65535, { default: '' }),
      location_id: ref('locations', { required: true, default: undefined }),
      network_category: int({ required: true }),
      network_type: oneOf(['rootnet', 'endnet'], 'endnet', { required: true }),
      type_of_usage: oneOf(['pool', 'static', 'management'], 'management', { required: true }),
    }),
    hooks: ipv4NetworkHooks,
  },
  {
    name: 'ipv4_ips',
    afModule: 'ipv4_networks_ip',
    fields: fieldList({
      ipv4_networks_id: ref('ipv4_networks', { readOnly: true }),
      ip: { type: 'ipv4', readOnly: true },
      hostname: str(255, { default: '' }),
      location_id: ref('locations'),
      title: str(255, { default: '' }),
      comment: str(65535, { default: '' }),
      host_category: int({ default: 0 }),
      is_used: bool(0),
      status: oneOf(['0', '1', '2', '9'], '9'),
      last_check: datetime({ readOnly: true, allowZeroDate: true }),
      customer_id: ref('customers'),
      card_id: int({ default: 0 }),
      module: str(64, { default: '' }),
      module_item_id: int({ default: 0 }),
    }),
  },
];
