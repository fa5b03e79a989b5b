// The network and inventory phases against the Splynx sandbox: supernets and subnets become IPv4
// networks, network sites become routers or locations as the mapping table says, static IPs land
// on the customers' internet services, manufacturers/models/items become vendors/products/items;
// every record is created once or explained in the error table, and a second load writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { FaultController, parseFaultSpec } from '../lib/sandbox/faults.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { Ledger } from '../lib/ledger/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { ensureSonarIdFields } from '../lib/entities/sonar-id.js';
import { partners } from '../lib/entities/partners.js';
import { tariffsInternet } from '../lib/entities/tariffs-internet.js';
import { customers, MAPPING_SPECS as CUSTOMER_MAPPINGS } from '../lib/entities/customers.js';
import { internetServices } from '../lib/entities/customer-services.js';
import { ipv4Rootnets } from '../lib/entities/ipv4-rootnets.js';
import { ipv4Networks } from '../lib/entities/ipv4-networks.js';
import { MAPPING_SPECS as SITE_MAPPINGS } from '../lib/entities/network-sites.js';
import { networkSiteLocations } from '../lib/entities/network-site-locations.js';
import { networkSiteRouters, ROUTER_DEFAULTS } from '../lib/entities/network-site-routers.js';
import { serviceIps } from '../lib/entities/service-ips.js';
import { inventoryVendors } from '../lib/entities/inventory-vendors.js';
import { inventoryProducts, MAPPING_SPECS as INVENTORY_MAPPINGS } from '../lib/entities/inventory-products.js';
import { inventoryItems } from '../lib/entities/inventory-items.js';
import { customerEquipment } from '../lib/entities/customer-equipment.js';
import type { EntityModule, Row } from '../lib/entities/types.js';
import { loadEntity, type EntityOutcome } from '../lib/load/entity.js';
import { transformContext } from '../lib/load/context.js';
import { randomBytes } from 'node:crypto';

// Long enough for the secrets scan after npm test to search the outputs for them.
const KEY = `test-key-${randomBytes(6).toString('hex')}`;
const SECRET = `test-secret-${randomBytes(6).toString('hex')}`;

/** Load order, as lib/entities/index.ts will list them. */
const MODULES = [
  partners,
  tariffsInternet,
  ipv4Rootnets,
  ipv4Networks,
  networkSiteLocations,
  networkSiteRouters,
  inventoryVendors,
  inventoryProducts,
  inventoryItems,
  customers,
  internetServices,
  serviceIps,
  customerEquipment,
] as EntityModule[];
const MINE = [
  'ipv4_rootnets',
  'ipv4_networks',
  'network_site_locations',
  'network_site_routers',
  'inventory_vendors',
  'inventory_products',
  'inventory_items',
  'service_ips',
  'customer_equipment',
];
const MAPPING_SPECS = { ...CUSTOMER_MAPPINGS, ...SITE_MAPPINGS, ...INVENTORY_MAPPINGS };

let splynx: SplynxSandbox;
let api: SplynxApi;
let dir: string;
before(async () => {
  splynx = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, faults: new FaultController(parseFaultSpec('', 'splynx')) });
  api = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'network-inventory-'));
});
after(async () => {
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const isp = (seed: number) => cleanSnapshot(generateIsp({ accounts: 120, seed }).tables as unknown as Record<string, Row[]>).tables;

/**
 * Sonar lets a static IP stay on an account that no longer has an internet service (a plan changed
 * or removed); the generator never leaves one, so one is made here: the migration must report it.
 */
function withHomelessStatic(tables: Record<string, Row[]>): Record<string, Row[]> {
  const hasData = (account: unknown) => dataServicesOf(tables, String(account)).length > 0;
  const donor = [...staticsByAccount(tables)].find(([account, statics]) => statics.length > 1 && hasData(account));
  const homeless = tables.accounts.find((a) => !a.archived_at && !hasData(a.id));
  assert.ok(donor && homeless, 'the seed has an account with several statics and one without an internet service');
  const moved = donor[1].at(-1)!;
  Object.assign(moved, { ipassignmentable_type: 'Account', ipassignmentable_id: homeless.id });
  return tables;
}

function transformContextFor(name: string, tables: Record<string, Row[]>, ledger: Ledger, dryRunCreated?: Set<string>) {
  const ctx = transformContext({
    tables,
    ledger,
    timezone: 'UTC',
    mappingsDir: path.join(dir, name),
    mappingSpecs: MAPPING_SPECS,
    dryRunCreated,
  });
  for (const m of MODULES) for (const spec of m.mappings ?? []) ctx.mapping(spec.name).propose(spec.propose(ctx));
  return Object.assign(ctx, { dryRunCreated });
}
const context = (name: string, tables: Record<string, Row[]>, ledger: Ledger) => transformContextFor(name, tables, ledger);

/** A fresh Splynx, a new ledger, the mapping tables proposed (edits already in the folder are kept), everything loaded. */
async function migrate(name: string, tables: Record<string, Row[]>, opts: { dryRun?: boolean; faults?: string } = {}) {
  await fetch(`${splynx.url}/__sandbox/reset`, { method: 'POST' });
  splynx.faults.set(parseFaultSpec('', 'splynx'));
  if (!opts.dryRun) await ensureSonarIdFields(api);
  const ledger = new Ledger(path.join(dir, `${name}.sqlite`));
  const ctx = transformContextFor(name, tables, ledger, opts.dryRun ? new Set<string>() : undefined);
  const load = async (mods = MODULES) => {
    const out: Record<string, EntityOutcome> = {};
    for (const m of mods)
      out[m.name] = await loadEntity(m, tables[m.source] ?? [], ctx, api, ledger, {
        dryRun: opts.dryRun,
        dryRunCreated: ctx.dryRunCreated,
      });
    return out;
  };
  if (opts.faults) splynx.faults.set(parseFaultSpec(opts.faults, 'splynx'));
  const outcome = await load();
  splynx.faults.set(parseFaultSpec('', 'splynx'));
  return { ledger, ctx, load, outcome };
}

const mappingFile = (name: string, table: string) => path.join(dir, name, `${table}.csv`);
function editMapping(name: string, table: string, sonarId: string, value: string) {
  const file = mappingFile(name, table);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${sonarId},`));
  assert.ok(i > 0, `row ${sonarId} in ${table}`);
  const cells = lines[i].split(',');
  cells[2] = value;
  lines[i] = cells.join(',');
  fs.writeFileSync(file, lines.join('\n'));
}

// Expectations computed straight from the Sonar tables, independently of the modules.
const customerStatic = (a: Row) => !a.soft && (a.ipassignmentable_type === 'Account' || a.ipassignmentable_type === 'RadiusAccount');
function staticsByAccount(tables: Record<string, Row[]>): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const a of tables.ip_assignments.filter(customerStatic).sort((x, y) => Number(x.id) - Number(y.id))) {
    const account =
      a.ipassignmentable_type === 'Account'
        ? String(a.ipassignmentable_id)
        : String(tables.radius_accounts.find((r) => r.id === a.ipassignmentable_id)!.account_id);
    out.set(account, [...(out.get(account) ?? []), a]);
  }
  return out;
}
const dataServicesOf = (tables: Record<string, Row[]>, account: string) =>
  tables.account_services.filter(
    (s) => String(s.account_id) === account && tables.services.find((x) => x.id === s.service_id)?.type === 'DATA',
  );
const clean = withHomelessStatic(isp(31));
const siteIp = (tables: Record<string, Row[]>, site: Row) =>
  tables.ip_assignments.find((a) => a.ipassignmentable_type === 'NetworkSite' && a.ipassignmentable_id === site.id && !a.soft)?.subnet as
    string | undefined;

type Net = {
  id: string;
  network: string;
  mask: string;
  network_type: string;
  type_of_usage: string;
  additional_attributes: Record<string, string>;
};
type Service = {
  id: string;
  customer_id: string;
  taking_ipv4: string;
  ipv4: string;
  ipv4_route: string;
  description: string;
  additional_attributes: Record<string, string>;
};
type Item = {
  id: string;
  status: string;
  mark: string;
  customer_id: string;
  barcode: string;
  serial_number: string;
  notes: string;
  cost_price: string;
  additional_attributes: Record<string, string>;
};

test('a full load of a clean ISP creates every network and inventory record once, and a second load writes nothing', async () => {
  const { outcome, ledger, load } = await migrate('full', clean);
  for (const m of ['partners', 'tariffs_internet', 'customers', 'internet_services'])
    assert.equal(outcome[m].failed, 0, `${m}: ${JSON.stringify(outcome[m].errors.slice(0, 2))}`);
  for (const m of MINE)
    assert.equal(outcome[m].created + outcome[m].failed, outcome[m].selected, `${m}: every record is created or explained`);

  // Supernets → rootnets, subnets → endnets; a subnet with a pool is a pool network.
  assert.equal(outcome.ipv4_rootnets.created, clean.supernets.length);
  assert.equal(outcome.ipv4_networks.created, clean.subnets.length, JSON.stringify(outcome.ipv4_networks.errors));
  const nets = await api.get<Net[]>('admin/networking/ipv4');
  assert.equal(nets.length, clean.supernets.length + clean.subnets.length);
  for (const s of clean.subnets) {
    const net = nets.find((n) => n.additional_attributes.sonar_id === `subnet:${s.id}`)!;
    assert.equal(`${net.network}/${net.mask}`, s.subnet);
    assert.equal(net.network_type, 'endnet');
    const pooled = clean.ip_pools.some((p) => p.subnet_id === s.id);
    assert.equal(net.type_of_usage, pooled ? 'pool' : s.type === 'ACCOUNT' || s.type === 'MIXED' ? 'static' : 'management', `${s.name}`);
  }
  assert.ok(nets.filter((n) => n.network_type === 'rootnet').every((n) => n.additional_attributes.sonar_id.startsWith('supernet:')));

  // Every site has a management IP in the generated data, so every site is proposed and loaded as a router.
  assert.equal(outcome.network_site_routers.created, clean.network_sites.length, JSON.stringify(outcome.network_site_routers.errors));
  assert.equal(outcome.network_site_locations.selected, 0);
  const routers = await api.get<
    Array<{
      title: string;
      ip: string;
      nas_type: string;
      authorization_method: string;
      accounting_method: string;
      model: string;
      partners_ids: string[];
      additional_attributes: Record<string, string>;
    }>
  >('admin/networking/routers');
  for (const site of clean.network_sites) {
    const r = routers.find((x) => x.additional_attributes.sonar_id === String(site.id))!;
    assert.equal(r.title, site.name);
    assert.equal(`${r.ip}/32`, siteIp(clean, site));
    assert.deepEqual(
      [r.nas_type, r.authorization_method, r.accounting_method],
      [ROUTER_DEFAULTS.nas_type, ROUTER_DEFAULTS.authorization_method, ROUTER_DEFAULTS.accounting_method],
    );
    assert.match(r.model, /MikroTik/, 'the core router at the site names the model');
    assert.equal(r.partners_ids.length, clean.companies.length);
  }

  // Static IPs: the first address of each account with one internet service lands on that service,
  // and the account's further statics are routed to it, so none is lost.
  const expected = new Map<string, { ip: string; routes: string }>();
  let extras = 0;
  let homeless = 0;
  for (const [account, statics] of staticsByAccount(clean)) {
    if (dataServicesOf(clean, account).length !== 1) homeless += statics.length;
    else {
      expected.set(account, {
        ip: String(statics[0].subnet).replace('/32', ''),
        routes: statics
          .slice(1)
          .map((x) => String(x.subnet))
          .join(','),
      });
      extras += statics.length - 1;
    }
  }
  assert.ok(expected.size > 0 && extras > 0 && homeless > 0, 'the seed exercises statics, extra statics and statics without a service');
  assert.equal(outcome.service_ips.created, expected.size);
  assert.equal(outcome.service_ips.failed, homeless);
  assert.ok(
    outcome.service_ips.errors.every((e) => e.category === 'transformation' && e.suggestion.length > 20),
    JSON.stringify(outcome.service_ips.errors),
  );
  assert.equal(outcome.service_ips.errors.filter((e) => /no internet service/.test(e.message)).length, homeless);
  const services = await api.get<Service[]>('admin/customers/customer/0/internet-services');
  const statics = services.filter((s) => s.taking_ipv4 === '1');
  assert.equal(statics.length, expected.size);
  for (const [account, { ip, routes }] of expected) {
    const s = statics.find((x) => x.customer_id === ledger.splynxId('customers', account))!;
    assert.equal(s.ipv4, ip);
    assert.equal(s.ipv4_route, routes, `account ${account}: every further static is routed to the service`);
    const [row] = await api.get<Array<{ is_used: string; customer_id: string }>>('admin/networking/ipv4-ip', { main_attributes: { ip } });
    assert.deepEqual([row.is_used, row.customer_id], ['1', s.customer_id], 'the address is marked used by the customer');
  }

  // Inventory: vendors, products, then the company's gear and the customers' gear.
  assert.equal(outcome.inventory_vendors.created, clean.manufacturers.length);
  assert.equal(outcome.inventory_products.created, clean.inventory_models.length);
  const atAddress = clean.inventory_items.filter((i) => i.inventoryitemable_type === 'Address');
  assert.equal(
    outcome.inventory_items.created,
    clean.inventory_items.length - atAddress.length,
    JSON.stringify(outcome.inventory_items.errors.slice(0, 3)),
  );
  assert.equal(outcome.customer_equipment.created, atAddress.length, JSON.stringify(outcome.customer_equipment.errors.slice(0, 3)));
  const items = await api.get<Item[]>('admin/inventory/items');
  assert.equal(items.length, clean.inventory_items.length);
  const macField = new Set(clean.inventory_model_fields.filter((f) => f.type === 'MAC_ADDRESS').map((f) => f.id));
  const serialField = new Set(clean.inventory_model_fields.filter((f) => /serial/i.test(String(f.name))).map((f) => f.id));
  for (const source of clean.inventory_items) {
    const item = items.find((i) => i.additional_attributes.sonar_id === String(source.id))!;
    const data = clean.inventory_model_field_data.filter((d) => d.inventory_item_id === source.id);
    assert.equal(item.barcode, String(data.find((d) => macField.has(d.inventory_model_field_id))?.value ?? ''));
    assert.equal(item.serial_number, String(data.find((d) => serialField.has(d.inventory_model_field_id))?.value ?? ''));
    assert.equal(Number(item.cost_price), Number(source.purchase_price) / 100);
    if (source.status === 'FAILED') assert.equal(item.mark, 'broken');
    if (source.inventoryitemable_type === 'Address') {
      const account = clean.addresses.find((a) => a.id === source.inventoryitemable_id)!.addressable_id;
      assert.deepEqual([item.status, item.customer_id], ['assigned', ledger.splynxId('customers', String(account))]);
    } else if (source.inventoryitemable_type === 'InventoryLocation') assert.deepEqual([item.status, item.customer_id], ['stock', '0']);
    else {
      assert.equal(item.status, 'internal_usage');
      const site = clean.network_sites.find((s) => s.id === source.inventoryitemable_id)!;
      assert.match(item.notes, new RegExp(`at network site "${site.name}"`));
    }
  }
  const managed = clean.ip_assignments.find((a) => a.ipassignmentable_type === 'InventoryItem')!;
  assert.match(
    items.find((i) => i.additional_attributes.sonar_id === String(managed.ipassignmentable_id))!.notes,
    new RegExp(`Management IP ${String(managed.subnet).replace(/\./g, '\\.')}`),
  );

  // The second load: nothing created, nothing sent.
  const writes = splynx.stats().writes;
  const again = await load();
  for (const m of MINE) {
    assert.equal(again[m].created + again[m].updated + again[m].adopted, 0, `${m} re-run: ${JSON.stringify(again[m])}`);
    assert.equal(again[m].skipped, outcome[m].created, `${m}: every record is skipped`);
  }
  assert.equal(splynx.stats().writes, writes, 'a second load writes nothing');
  assert.equal(ledger.pending().length, 0);
});

test('an update of a service re-sends its static IP, so the IP is never lost', async () => {
  const { ledger, ctx } = await migrate('service-update', structuredClone(clean));
  const [account] = [...staticsByAccount(clean)].find(([a]) => dataServicesOf(clean, a).length === 1)!;
  const as = dataServicesOf(ctx.tables, account)[0];
  as.name_override = 'Renamed in Sonar';
  const internet = await loadEntity(internetServices as EntityModule, ctx.tables.account_services, ctx, api, ledger);
  assert.equal(internet.updated, 1);
  const ips = await loadEntity(serviceIps as EntityModule, ctx.tables.ip_assignments, ctx, api, ledger);
  assert.equal(ips.updated, 1, 'the service changed, so its static IP is sent again');
  const sid = ledger.splynxId('internet_services', String(as.id))!;
  const service = (await api.get<Service[]>(`admin/customers/customer/${ledger.splynxId('customers', account)}/internet-services`)).find(
    (s) => s.id === sid,
  )!;
  assert.deepEqual(
    [service.description, service.taking_ipv4, service.ipv4],
    ['Renamed in Sonar', '1', String(staticsByAccount(clean).get(account)![0].subnet).replace('/32', '')],
  );
});

test('the network-site table is proposed from the data with a reason, and an edited row is honoured', async () => {
  const tables = structuredClone(clean);
  // One site without a management IP: proposed as a location.
  const bare = tables.network_sites[1];
  tables.ip_assignments = tables.ip_assignments.filter(
    (a) => !(a.ipassignmentable_type === 'NetworkSite' && a.ipassignmentable_id === bare.id),
  );
  const probe = new Ledger(path.join(dir, 'mapping-probe.sqlite'));
  context('mapping', tables, probe);
  const csv = fs.readFileSync(mappingFile('mapping', 'network-site'), 'utf8');
  assert.match(csv, /^sonar_id,sonar_value,splynx_value,reason,records\n/);
  for (const site of tables.network_sites) {
    const row = csv.split('\n').find((l) => l.startsWith(`${site.id},`))!;
    if (site === bare) assert.match(row, /,location,.*no management IP/);
    else assert.match(row, new RegExp(`,router,.*management IP ${siteIp(tables, site)!.replace('/32', '').replace(/\./g, '\\.')}`));
  }
  assert.match(fs.readFileSync(mappingFile('mapping', 'inventory-category'), 'utf8'), /,0,"Splynx's API cannot create product categories/);

  // The analyst makes the first site a location and gives one product category a Splynx id.
  const chosen = tables.network_sites[0];
  editMapping('mapping', 'network-site', String(chosen.id), 'location');
  const category = tables.inventory_model_categories[0];
  editMapping('mapping', 'inventory-category', String(category.id), '7');
  const { outcome } = await migrate('mapping', tables);
  assert.equal(outcome.network_site_locations.created, 2);
  assert.equal(outcome.network_site_routers.created, tables.network_sites.length - 2);
  const locations = await api.get<Array<{ name: string; additional_attributes: Record<string, string> }>>('admin/administration/locations');
  assert.deepEqual(
    locations
      .filter((l) => l.additional_attributes.sonar_id)
      .map((l) => l.name)
      .sort(),
    [chosen.name, bare.name].sort(),
  );
  const routers = await api.get<Array<{ additional_attributes: Record<string, string> }>>('admin/networking/routers');
  assert.ok(!routers.some((r) => [String(chosen.id), String(bare.id)].includes(r.additional_attributes.sonar_id)));
  const products = await api.get<Array<{ category_id: string; additional_attributes: Record<string, string> }>>('admin/inventory/products');
  for (const model of tables.inventory_models) {
    const p = products.find((x) => x.additional_attributes.sonar_id === String(model.id))!;
    assert.equal(p.category_id, model.inventory_model_category_id === category.id ? '7' : '0');
  }
  // A later proposal keeps the edits.
  context('mapping', tables, probe);
  assert.match(fs.readFileSync(mappingFile('mapping', 'network-site'), 'utf8'), new RegExp(`^${chosen.id},[^\\n]*,location,`, 'm'));
});

test('dirty and unmappable records become error rows with the right category; the rest load', async () => {
  const t = structuredClone(clean);
  const ids = { next: 900_000 };
  const add = (table: string, record: Row) => (t[table].push({ id: String(ids.next++), ...record }), t[table][t[table].length - 1]);
  const failed = (o: Record<string, EntityOutcome>, entity: string, sonarId: unknown) =>
    o[entity].errors.find((e) => e.source_id === String(sonarId));

  // A router site without an IP; a site whose mapping row says something Splynx has no place for.
  const noIp = t.network_sites[0];
  t.ip_assignments = t.ip_assignments.filter((a) => !(a.ipassignmentable_type === 'NetworkSite' && a.ipassignmentable_id === noIp.id));
  const badRow = t.network_sites[1];
  // Subnets Splynx cannot hold as they are.
  const v6 = add('subnets', { name: 'v6', subnet: '2001:db8::/48', supernet_id: t.supernets[0].id, type: 'ACCOUNT', polling_priority: 5 });
  const skewed = add('subnets', {
    name: 'skewed',
    subnet: '10.99.0.5/24',
    supernet_id: t.supernets[0].id,
    type: 'ACCOUNT',
    polling_priority: 5,
  });
  const oddType = add('subnets', {
    name: 'odd',
    subnet: '10.98.0.0/24',
    supernet_id: t.supernets[0].id,
    type: 'WHATEVER',
    polling_priority: 5,
  });
  const twin = add('subnets', {
    name: 'twin',
    subnet: t.subnets[2].subnet,
    supernet_id: t.supernets[0].id,
    type: 'NETWORK',
    polling_priority: 5,
  });
  // Statics: outside its subnet; one Splynx refuses because another customer already has it.
  const staticSubnet = t.subnets.find((s) => String(s.subnet).startsWith('10.20.'))!;
  const byAccount = staticsByAccount(t);
  const withService = t.accounts.filter((a) => dataServicesOf(t, String(a.id)).length === 1 && !byAccount.has(String(a.id)));
  const outside = add('ip_assignments', {
    ipassignmentable_type: 'Account',
    ipassignmentable_id: withService[0].id,
    subnet: '10.21.7.9/32',
    subnet_id: staticSubnet.id,
    ip_pool_id: null,
    soft: false,
    description: null,
    reference: null,
  });
  const [taker] = [...byAccount].find(([a]) => dataServicesOf(t, a).length === 1)!;
  const taken = add('ip_assignments', {
    ipassignmentable_type: 'Account',
    ipassignmentable_id: withService[1].id,
    subnet: byAccount.get(taker)![0].subnet,
    subnet_id: staticSubnet.id,
    ip_pool_id: null,
    soft: false,
    description: null,
    reference: null,
  });
  // Two routed blocks the account's service takes as additional networks, and a misaligned one it cannot.
  const [router] = [...byAccount].find(([a, st]) => a !== taker && st.length === 1 && dataServicesOf(t, a).length === 1)!;
  const block = add('ip_assignments', {
    ipassignmentable_type: 'Account',
    ipassignmentable_id: router,
    subnet: '203.0.113.8/29',
    subnet_id: staticSubnet.id,
    ip_pool_id: null,
    soft: false,
    description: 'Routed /29',
    reference: null,
  });
  const secondBlock = add('ip_assignments', {
    ipassignmentable_type: 'Account',
    ipassignmentable_id: router,
    subnet: '203.0.113.16/29',
    subnet_id: staticSubnet.id,
    ip_pool_id: null,
    soft: false,
    description: null,
    reference: null,
  });
  const [skewedOwner] = [...byAccount].find(
    ([a, st]) => a !== taker && a !== router && st.length === 1 && dataServicesOf(t, a).length === 1,
  )!;
  add('ip_assignments', {
    ipassignmentable_type: 'Account',
    ipassignmentable_id: skewedOwner,
    subnet: '203.0.113.33/29',
    subnet_id: staticSubnet.id,
    ip_pool_id: null,
    soft: false,
    description: null,
    reference: null,
  });
  // Inventory: a duplicate MAC, equipment at an address nobody owns, a lost item, a nameless manufacturer.
  const macFields = new Set(t.inventory_model_fields.filter((f) => f.type === 'MAC_ADDRESS').map((f) => f.id));
  const macs = t.inventory_model_field_data.filter((d) => macFields.has(d.inventory_model_field_id));
  macs[1].value = String(macs[0].value).toUpperCase();
  const orphanItem = t.inventory_items.find(
    (i) => i.inventoryitemable_type === 'Address' && !macs.slice(0, 2).some((m) => m.inventory_item_id === i.id),
  )!;
  const orphanAddress = t.addresses.find((a) => a.id === orphanItem.inventoryitemable_id)!;
  orphanAddress.addressable_type = null;
  orphanAddress.addressable_id = null;
  const lost = t.inventory_items.find(
    (i) => i.inventoryitemable_type === 'InventoryLocation' && !macs.slice(0, 2).some((m) => m.inventory_item_id === i.id),
  )!;
  lost.status = 'LOST';
  const nameless = t.manufacturers.find((m) => m.name === 'Tarana Wireless')!;
  nameless.name = '   ';

  const probe = new Ledger(path.join(dir, 'dirty-probe.sqlite'));
  context('dirty', t, probe);
  // The analyst insists the site without an IP is a router; the other row has a typo.
  editMapping('dirty', 'network-site', String(noIp.id), 'router');
  editMapping('dirty', 'network-site', String(badRow.id), 'tower');
  const { outcome } = await migrate('dirty', t);

  const expect = (entity: string, sonarId: unknown, category: string, message: RegExp, suggestion?: RegExp) => {
    const e = failed(outcome, entity, sonarId);
    assert.ok(
      e,
      `${entity} ${sonarId} is an error row; errors: ${JSON.stringify(outcome[entity].errors.map((x) => [x.source_id, x.message]))}`,
    );
    assert.equal(e.category, category, `${entity} ${sonarId}: ${e.message}`);
    assert.match(e.message, message);
    assert.ok(e.suggestion.length > 10);
    if (suggestion) assert.match(e.suggestion, suggestion);
  };
  expect('network_site_routers', noIp.id, 'transformation', /no management IP/, /network-site\.csv/);
  expect('network_site_locations', badRow.id, 'data', /tower/, /network-site\.csv/);
  expect('ipv4_networks', v6.id, 'transformation', /IPv6/);
  expect('ipv4_networks', skewed.id, 'transformation', /not a network address/, /10\.99\.0\.0\/24/);
  expect('ipv4_networks', oddType.id, 'transformation', /WHATEVER/);
  expect('ipv4_networks', twin.id, 'transformation', new RegExp(`like subnet ${t.subnets[2].id}`));
  expect('service_ips', outside.id, 'transformation', /not a host address/);
  expect('service_ips', taken.id, 'validation', /ipv4|taken|IPv4/i);
  expect('service_ips', byAccount.get(skewedOwner)![0].id, 'transformation', /203\.0\.113\.33\/29 .* is not a network address/);
  assert.equal(
    failed(outcome, 'service_ips', byAccount.get(router)![0].id),
    undefined,
    JSON.stringify(outcome.service_ips.errors.map((e) => [e.source_id, e.message])),
  );
  assert.equal(failed(outcome, 'service_ips', block.id), undefined, 'routed blocks travel with the static IP');
  assert.equal(failed(outcome, 'service_ips', secondBlock.id), undefined);
  const routed = (await api.get<Service[]>('admin/customers/customer/0/internet-services')).find(
    (x) => x.ipv4_route === '203.0.113.8/29,203.0.113.16/29',
  );
  assert.equal(
    routed?.ipv4,
    String(byAccount.get(router)![0].subnet).replace('/32', ''),
    JSON.stringify(
      (await api.get<Service[]>('admin/customers/customer/0/internet-services'))
        .filter((x) => x.ipv4_route)
        .map((x) => [x.ipv4, x.ipv4_route]),
    ),
  );
  expect('inventory_items', lost.id, 'transformation', /LOST/);
  expect('customer_equipment', orphanItem.id, 'transformation', /belongs to no account/);
  for (const m of macs.slice(0, 2)) {
    const item = t.inventory_items.find((i) => i.id === m.inventory_item_id)!;
    expect(
      item.inventoryitemable_type === 'Address' ? 'customer_equipment' : 'inventory_items',
      item.id,
      'transformation',
      /also on inventory item/,
      /does not invent suffixes/,
    );
  }
  expect('inventory_vendors', nameless.id, 'validation', /name/);
  const taranaModels = t.inventory_models.filter((m) => m.manufacturer_id === nameless.id);
  for (const m of taranaModels) expect('inventory_products', m.id, 'data', /needs inventory_vendors/);
  const taranaItem = t.inventory_items.find((i) => taranaModels.some((m) => m.id === i.inventory_model_id));
  if (taranaItem)
    assert.equal(
      failed(outcome, taranaItem.inventoryitemable_type === 'Address' ? 'customer_equipment' : 'inventory_items', taranaItem.id)?.category,
      'data',
    );

  // Everything else still loads, and every record is created or explained.
  for (const m of MINE) {
    assert.equal(outcome[m].created + outcome[m].failed, outcome[m].selected, m);
    for (const e of outcome[m].errors)
      assert.ok(['validation', 'transformation', 'data'].includes(e.category), `${m} ${e.source_id}: ${e.category} ${e.message}`);
  }
  assert.equal(outcome.ipv4_networks.created, clean.subnets.length);
  assert.equal(outcome.network_site_routers.created, t.network_sites.length - 2);
});

test('a generated dirty ISP loads through both phases with every failure in the error table', async () => {
  const t = generateIsp({ accounts: 120, seed: 5, dirtyRate: 0.2 }).tables as unknown as Record<string, Row[]>;
  const { outcome } = await migrate('generated-dirty', t);
  for (const m of MINE) {
    assert.equal(outcome[m].created + outcome[m].failed, outcome[m].selected, m);
    for (const e of outcome[m].errors) {
      assert.ok(['validation', 'transformation', 'data'].includes(e.category), `${m} ${e.source_id}: ${e.category} ${e.message}`);
      assert.ok(e.suggestion.length > 10);
    }
  }
  // Seed 5 has a lost warehouse item; the unassigned addresses of missing_address leave customer gear without an owner.
  assert.ok(outcome.inventory_items.errors.some((e) => /LOST/.test(e.message)));
  assert.ok(outcome.customer_equipment.errors.some((e) => /belongs to no account|needs customers/.test(e.message)));
  assert.ok(outcome.customer_equipment.created > 0 && outcome.inventory_items.created > 0);
});

test('a dry run writes nothing and counts what a real load would create', async () => {
  const real = await migrate('dry-real', clean);
  const before = splynx.stats().writes;
  const { outcome, ledger } = await migrate('dry', clean, { dryRun: true });
  assert.equal(splynx.stats().writes, before, 'nothing reached Splynx');
  assert.equal(ledger.records().length, 0);
  for (const m of MINE) assert.deepEqual([outcome[m].created, outcome[m].failed], [real.outcome[m].created, real.outcome[m].failed], m);
});

test('with "commit then drop" on half the writes, every network and inventory record still exists exactly once', async () => {
  // Non-empty collections only: a refused request can leave an empty one behind.
  const counts = async () =>
    Object.fromEntries(
      Object.entries((await (await fetch(`${splynx.url}/__sandbox/counts`)).json()) as Record<string, number>)
        .filter(([, n]) => n > 0)
        .sort(),
    );
  const staticServices = async () =>
    (await api.get<Service[]>('admin/customers/customer/0/internet-services'))
      .filter((x) => x.taking_ipv4 === '1')
      .map((x) => x.ipv4)
      .sort();
  const dropped = await migrate('commit-drop', clean, { faults: 'commit-drop=0.5,seed=4' });
  assert.ok(splynx.faults.injected['commit-drop'] > 0);
  const afterDrops = { counts: await counts(), statics: await staticServices() };
  const reference = await migrate('commit-drop-reference', clean);
  assert.deepEqual(
    afterDrops,
    { counts: await counts(), statics: await staticServices() },
    'the same records as a load without faults, none twice',
  );
  for (const m of MINE)
    assert.deepEqual(
      [dropped.outcome[m].created, dropped.outcome[m].failed],
      [reference.outcome[m].created, reference.outcome[m].failed],
      `${m}: ${JSON.stringify(dropped.outcome[m].errors.map((x) => [x.source_id, x.category, x.message]))}`,
    );
});
