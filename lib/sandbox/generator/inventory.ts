/**
 * Inventory: manufacturers, model categories, models with MAC and serial fields, warehouses, and
 * items. Customer equipment sits at the account's serviceable Address (Sonar has no Account
 * owner for items) and is linked to the data service; spares sit in warehouses; radios and
 * routers sit at network sites.
 */
import type { SonarRecord } from '../dataset.js';
import { setupTime, type GenContext } from './context.js';
import { insertAddress, REGIONS, type Geography } from './geography.js';
import type { Family } from './services.js';

export type ModelRole = 'cpe' | 'router' | 'access-point' | 'core' | 'cable';

interface ModelSpec {
  name: string;
  modelName: string;
  manufacturer: string;
  category: string;
  role: ModelRole;
  families: Family[];
  price: number;
  cableModem?: boolean;
  generic?: boolean;
}

const CATEGORIES: [string, string][] = [
  ['CPE Radio', 'ANTENNA759818'],
  ['ONT', 'NETWORK759366'],
  ['Modem', 'PLUG759498'],
  ['Router', 'ROUTER759696'],
  ['Access Point', 'SATELLITE759374'],
  ['Core Equipment', 'POWER759692'],
  ['Cable and Hardware', 'BOX759780'],
];

const MODELS: ModelSpec[] = [
  {
    name: 'LiteBeam 5AC Gen2',
    modelName: 'LBE-5AC-Gen2',
    manufacturer: 'Ubiquiti',
    category: 'CPE Radio',
    role: 'cpe',
    families: ['wireless'],
    price: 8900,
  },
  {
    name: 'ePMP Force 300-25',
    modelName: 'C050910C021A',
    manufacturer: 'Cambium Networks',
    category: 'CPE Radio',
    role: 'cpe',
    families: ['wireless'],
    price: 11900,
  },
  {
    name: 'Tarana RN',
    modelName: 'RN-1000',
    manufacturer: 'Tarana Wireless',
    category: 'CPE Radio',
    role: 'cpe',
    families: ['wireless'],
    price: 34900,
  },
  { name: 'Calix 716GE-I', modelName: '716GE-I', manufacturer: 'Calix', category: 'ONT', role: 'cpe', families: ['fiber'], price: 15900 },
  { name: 'Nokia G-010G-Q', modelName: 'G-010G-Q', manufacturer: 'Nokia', category: 'ONT', role: 'cpe', families: ['fiber'], price: 9900 },
  { name: 'Zyxel C3000Z', modelName: 'C3000Z', manufacturer: 'Zyxel', category: 'Modem', role: 'cpe', families: ['dsl'], price: 8900 },
  {
    name: 'SURFboard SB8200',
    modelName: 'SB8200',
    manufacturer: 'Arris',
    category: 'Modem',
    role: 'cpe',
    families: ['cable'],
    price: 16900,
    cableModem: true,
  },
  { name: 'Archer AX21', modelName: 'AX1800', manufacturer: 'TP-Link', category: 'Router', role: 'router', families: [], price: 7900 },
  { name: 'eero 6+', modelName: 'N010001', manufacturer: 'eero', category: 'Router', role: 'router', families: [], price: 13900 },
  {
    name: 'hAP ax2',
    modelName: 'C52iG-5HaxD2HaxD-TC',
    manufacturer: 'MikroTik',
    category: 'Router',
    role: 'router',
    families: [],
    price: 8900,
  },
  {
    name: 'Rocket 5AC Prism',
    modelName: 'R5AC-PRISM',
    manufacturer: 'Ubiquiti',
    category: 'Access Point',
    role: 'access-point',
    families: ['wireless'],
    price: 33900,
  },
  {
    name: 'ePMP 3000',
    modelName: 'C050910A103A',
    manufacturer: 'Cambium Networks',
    category: 'Access Point',
    role: 'access-point',
    families: ['wireless'],
    price: 119900,
  },
  {
    name: 'Tarana BN',
    modelName: 'BN-1000',
    manufacturer: 'Tarana Wireless',
    category: 'Access Point',
    role: 'access-point',
    families: ['wireless'],
    price: 499900,
  },
  {
    name: 'Calix E7-2',
    modelName: 'E7-2',
    manufacturer: 'Calix',
    category: 'Core Equipment',
    role: 'access-point',
    families: ['fiber'],
    price: 1250000,
  },
  {
    name: 'CCR2004-16G-2S+',
    modelName: 'CCR2004-16G-2S+',
    manufacturer: 'MikroTik',
    category: 'Core Equipment',
    role: 'core',
    families: [],
    price: 46500,
  },
  {
    name: 'Cat6 Outdoor Cable (1000 ft)',
    modelName: 'CAT6-OUT-1000',
    manufacturer: 'TP-Link',
    category: 'Cable and Hardware',
    role: 'cable',
    families: [],
    price: 18900,
    generic: true,
  },
];

const SERIAL_PREFIX: Record<string, string> = {
  Ubiquiti: 'UB',
  'Cambium Networks': 'CN',
  'Tarana Wireless': 'TW',
  Calix: 'CXNK',
  Nokia: 'ALCL',
  Zyxel: 'S19',
  Arris: 'AR',
  'TP-Link': 'TP',
  eero: 'GGC',
  MikroTik: 'HE',
};

export interface Model {
  id: string;
  spec: ModelSpec;
  macFieldId: string | null;
  serialFieldId: string | null;
}

export interface Inventory {
  models: Model[];
  locations: string[];
  macs: Set<string>;
}

export interface ItemOwner {
  type: 'Address' | 'InventoryLocation' | 'NetworkSite';
  id: string;
}

export function buildInventory(ctx: GenContext, geography: Geography): Inventory {
  const { t } = ctx;
  const manufacturerIds = new Map<string, string>();
  for (const name of new Set(MODELS.map((m) => m.manufacturer))) {
    manufacturerIds.set(name, t.insert('manufacturers', setupTime(ctx), { name }).id as string);
  }
  const categoryIds = new Map<string, string>();
  for (const [name, icon] of CATEGORIES)
    categoryIds.set(name, t.insert('inventory_model_categories', setupTime(ctx), { name, icon }).id as string);
  const models: Model[] = MODELS.map((spec) => {
    const id = t.insert('inventory_models', setupTime(ctx), {
      name: spec.name,
      model_name: spec.modelName,
      manufacturer_id: manufacturerIds.get(spec.manufacturer)!,
      inventory_model_category_id: categoryIds.get(spec.category)!,
      enabled: true,
      generic: spec.generic ?? false,
      device_type: spec.cableModem ? 'CABLE_MODEM' : 'OTHER',
      icon: CATEGORIES.find(([c]) => c === spec.category)![1],
      is_segmentable: false,
    }).id as string;
    if (spec.generic) return { id, spec, macFieldId: null, serialFieldId: null };
    const field = (name: string, type: string, primary: boolean, unique: string) =>
      t.insert('inventory_model_fields', setupTime(ctx), { inventory_model_id: id, name, type, primary, required: true, unique })
        .id as string;
    return {
      id,
      spec,
      macFieldId: field('MAC Address', 'MAC_ADDRESS', true, 'GLOBAL'),
      serialFieldId: field('Serial Number', 'TEXT', false, 'LOCAL'),
    };
  });

  const locations: string[] = [];
  for (const region of REGIONS.slice(0, Math.max(2, Math.min(REGIONS.length, Math.ceil(ctx.accounts / 2000))))) {
    const town = geography.townsByRegion.get(region)![0];
    const created = setupTime(ctx);
    const id = t.insert('inventory_locations', created, {
      name: `${town.city} Warehouse`,
      default_shipping_location: locations.length === 0,
    }).id as string;
    insertAddress(ctx, town, { owner: { type: 'InventoryLocation', id }, kind: 'PHYSICAL', serviceable: false, createdMs: created });
    locations.push(id);
  }
  const inventory: Inventory = { models, locations, macs: new Set() };
  insertStock(ctx, inventory);
  return inventory;
}

function uniqueMac(ctx: GenContext, inventory: Inventory): string {
  let mac = ctx.faker.internet.mac();
  while (inventory.macs.has(mac)) mac = ctx.faker.internet.mac();
  inventory.macs.add(mac);
  return mac;
}

export function insertItem(
  ctx: GenContext,
  inventory: Inventory,
  model: Model,
  owner: ItemOwner,
  createdMs: number,
  accountServiceId: string | null = null,
): SonarRecord {
  const { rng, t } = ctx;
  const item = t.insert('inventory_items', createdMs, {
    inventory_model_id: model.id,
    inventoryitemable_type: owner.type,
    inventoryitemable_id: owner.id,
    status: rng.weighted([
      ['FUNCTIONAL', 96],
      ['FAILED', 3],
      ['LOST', owner.type === 'InventoryLocation' ? 1 : 0],
    ] as const),
    purchase_price: Math.round(model.spec.price * rng.float(0.85, 1.1)),
    account_service_id: accountServiceId,
    quantity: null,
    flapping: false,
    icmp_status_flap_count: rng.chance(0.1) ? rng.int(1, 40) : 0,
    snmp_status_flap_count: 0,
  });
  if (model.macFieldId && model.serialFieldId) {
    t.insert('inventory_model_field_data', createdMs, {
      inventory_item_id: item.id,
      inventory_model_field_id: model.macFieldId,
      value: uniqueMac(ctx, inventory),
    });
    const serial = `${SERIAL_PREFIX[model.spec.manufacturer]}${ctx.faker.string.alphanumeric({ length: 10, casing: 'upper' })}`;
    t.insert('inventory_model_field_data', createdMs, {
      inventory_item_id: item.id,
      inventory_model_field_id: model.serialFieldId,
      value: serial,
    });
  }
  return item;
}

export function modelsFor(inventory: Inventory, role: ModelRole, family?: Family): Model[] {
  return inventory.models.filter((m) => m.spec.role === role && (!family || m.spec.families.includes(family)));
}

/** Spares on warehouse shelves: about one per twenty customers. */
function insertStock(ctx: GenContext, inventory: Inventory): void {
  const spares = inventory.models.filter((m) => m.spec.role === 'cpe' || m.spec.role === 'router');
  const count = Math.max(10, Math.round(ctx.accounts / 20));
  for (let i = 0; i < count; i++) {
    const created = ctx.rng.float(ctx.referenceMs - 400 * 86_400_000, ctx.referenceMs);
    insertItem(ctx, inventory, ctx.rng.pick(spares), { type: 'InventoryLocation', id: ctx.rng.pick(inventory.locations) }, created);
  }
}
