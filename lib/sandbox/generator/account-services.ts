/**
 * What an account buys and what that puts on the network: account services (one internet plan
 * for most, add-ons for some), the CPE at the serviceable address, PPPoE RADIUS logins, CGNAT
 * sessions and static IPs.
 */
import type { AccountKind, Lifecycle } from './catalog.js';
import { addDays, DAY_MS, monthsBetween, formatDate } from './clock.js';
import type { GenContext } from './context.js';
import { insertItem, modelsFor, type Inventory } from './inventory.js';
import type { Network, Site } from './network.js';
import { radiusUsername, type Person } from './people.js';
import { choosePlan, type ServiceCatalog, type ServiceRef } from './services.js';

export interface AccountServiceFact {
  id: string;
  service: ServiceRef;
  name: string;
  quantity: number;
  unitPrice: number;
  addedDay: number | null;
}

export interface ServiceSetup {
  accountId: string;
  kind: AccountKind;
  lifecycle: Lifecycle;
  site: Site;
  holder: Person;
  addressId: string | null;
  activationDay: number | null;
  nextBillDay: number | null;
  printInvoice: boolean;
  installedMs: number;
}

interface Choice {
  service: ServiceRef;
  quantity: number;
  priceOverride: number | null;
  reason: string | null;
  nameOverride: string | null;
}

const OVERRIDE_REASONS = ['Retention offer', 'Price lock', 'Bundle discount', 'Multi-year agreement', 'Non-profit rate'];
/** Accounts that left keep the services they had, as Sonar keeps them on an archived account. */
export const LIFECYCLES_WITH_SERVICES: Lifecycle[] = ['active', 'pending', 'suspended', 'delinquent', 'former'];

function chooseServices(ctx: GenContext, services: ServiceCatalog, setup: ServiceSetup): Choice[] {
  const { rng } = ctx;
  const business = setup.kind !== 'RESIDENTIAL';
  const service = (name: string) => services.byName.get(name)!;
  const plain = (s: ServiceRef, quantity = 1): Choice => ({ service: s, quantity, priceOverride: null, reason: null, nameOverride: null });
  const choices: Choice[] = [];
  if (rng.chance(0.92)) {
    const year = new Date(setup.activationDay ?? ctx.referenceMs).getUTCFullYear();
    const plan = choosePlan(ctx, services, setup.site.family, business, year);
    const discounted = rng.chance(0.06) && plan.amount > 2000;
    choices.push({
      service: plan,
      quantity: 1,
      priceOverride: discounted ? plan.amount - rng.pick([500, 1000, 1500, 2000]) : null,
      reason: discounted ? rng.pick(OVERRIDE_REASONS) : null,
      nameOverride: business && rng.chance(0.05) ? `${plan.name} - ${rng.pick(['Main Office', 'Shop', 'Warehouse', 'Branch'])}` : null,
    });
  } else if (rng.chance(0.5)) {
    choices.push(plain(service(business ? 'Business Phone Line' : 'Residential Phone Line')));
  } else {
    choices.push(plain(service(rng.pick(['Email Hosting', 'Web Hosting', 'Managed Wi-Fi']))));
  }
  const has = (name: string) => choices.some((c) => c.service.name === name);
  // A static IP rides on an internet service: without one, the ISP has nowhere to route it.
  if (rng.chance(business ? 0.2 : 0.015) && choices.some((c) => c.service.type === 'DATA'))
    choices.push(
      plain(
        service('Static IP Address'),
        business
          ? rng.weighted([
              [1, 75],
              [5, 20],
              [13, 5],
            ] as const)
          : 1,
      ),
    );
  if (rng.chance(0.03)) choices.push(plain(service('Router Rental')));
  if (rng.chance(0.01) && !has('Managed Wi-Fi')) choices.push(plain(service('Managed Wi-Fi')));
  if (rng.chance(0.01)) choices.push(plain(service('Whole Home Mesh'), rng.int(1, 3)));
  if (rng.chance(0.01)) choices.push(plain(service('Equipment Protection Plan')));
  if (rng.chance(business ? 0.08 : 0.015) && !has('Residential Phone Line') && !has('Business Phone Line')) {
    choices.push(
      business && rng.chance(0.4)
        ? plain(service('Hosted PBX Seat'), rng.int(3, 20))
        : plain(service(business ? 'Business Phone Line' : 'Residential Phone Line'), business ? rng.int(1, 6) : 1),
    );
  }
  if (setup.printInvoice && rng.chance(0.3)) choices.push(plain(service('Paper Invoice Fee')));
  // An account that left keeps its plan on record; the add-ons went with the equipment.
  return setup.lifecycle === 'former' ? choices.slice(0, 1) : choices;
}

export function insertAccountServices(
  ctx: GenContext,
  services: ServiceCatalog,
  network: Network,
  inventory: Inventory,
  setup: ServiceSetup,
): AccountServiceFact[] {
  const { rng, t } = ctx;
  const facts: AccountServiceFact[] = [];
  let dataServiceId: string | null = null;
  let routerRentalId: string | null = null;
  let staticQuantity = 0;
  for (const [index, choice] of chooseServices(ctx, services, setup).entries()) {
    const { activationDay } = setup;
    // The plan comes with activation; add-ons were added some time after.
    const daysActive = activationDay === null ? 0 : Math.max(0, Math.floor((ctx.referenceDay - activationDay) / DAY_MS) - 1);
    const addedDay = activationDay === null ? null : index === 0 ? activationDay : addDays(activationDay, rng.int(0, daysActive));
    const record = t.insert(
      'account_services',
      addedDay === null ? setup.installedMs : Math.max(setup.installedMs, addedDay + rng.float(0.3, 0.7) * DAY_MS),
      {
        account_id: setup.accountId,
        service_id: choice.service.id,
        quantity: choice.quantity,
        price_override: choice.priceOverride,
        price_override_reason: choice.reason,
        name_override: choice.nameOverride,
        next_bill_date: setup.nextBillDay === null ? null : formatDate(setup.nextBillDay),
        addition_prorate_date: addedDay === null ? null : formatDate(addedDay),
        number_of_times_billed:
          addedDay === null || setup.nextBillDay === null ? 0 : Math.max(0, monthsBetween(addedDay, ctx.referenceDay)),
        package_id: null,
      },
    );
    const id = record.id as string;
    facts.push({
      id,
      service: choice.service,
      name: choice.nameOverride ?? choice.service.name,
      quantity: choice.quantity,
      unitPrice: choice.priceOverride ?? choice.service.amount,
      addedDay,
    });
    if (choice.service.type === 'DATA') dataServiceId = id;
    if (choice.service.name === 'Router Rental') routerRentalId = id;
    if (choice.service.name === 'Static IP Address') staticQuantity = choice.quantity;
  }
  if (setup.lifecycle !== 'pending') provision(ctx, network, inventory, setup, dataServiceId, routerRentalId, staticQuantity);
  return facts;
}

/** Equipment, logins and addresses that follow from the services once installed. */
function provision(
  ctx: GenContext,
  network: Network,
  inventory: Inventory,
  setup: ServiceSetup,
  dataServiceId: string | null,
  routerRentalId: string | null,
  staticQuantity: number,
): void {
  const { rng, t } = ctx;
  const family = setup.site.family;
  if (dataServiceId && setup.addressId) {
    const owner = { type: 'Address' as const, id: setup.addressId };
    insertItem(ctx, inventory, rng.pick(modelsFor(inventory, 'cpe', family)), owner, setup.installedMs, dataServiceId);
    if (routerRentalId || rng.chance(0.25))
      insertItem(ctx, inventory, rng.pick(modelsFor(inventory, 'router')), owner, setup.installedMs, routerRentalId ?? dataServiceId);
  }
  let radiusId: string | null = null;
  if (dataServiceId && (family === 'wireless' || family === 'dsl')) {
    radiusId = t.insert('radius_accounts', setup.installedMs, {
      account_id: setup.accountId,
      username: radiusUsername(setup.holder, setup.accountId),
      password: ctx.faker.internet.password({ length: 12 }),
    }).id as string;
    const session = setup.lifecycle === 'active' && rng.chance(0.2) ? setup.site.pool.next() : null;
    if (session) {
      t.insert('ip_assignments', ctx.referenceMs - rng.float(0, 30) * DAY_MS, {
        ipassignmentable_type: 'RadiusAccount',
        ipassignmentable_id: radiusId,
        subnet: `${session.ip}/32`,
        subnet_id: session.subnetId,
        ip_pool_id: setup.site.pool.poolId,
        soft: true,
        description: null,
        reference: null,
      });
    }
  }
  // An ISP takes back the static addresses of an account that left; its login stays on record.
  const statics = setup.lifecycle === 'former' ? 0 : staticQuantity;
  for (let i = 0; i < statics; i++) {
    const ip = network.statics.next();
    const viaRadius = radiusId !== null && rng.chance(0.5);
    t.insert('ip_assignments', setup.installedMs, {
      ipassignmentable_type: viaRadius ? 'RadiusAccount' : 'Account',
      ipassignmentable_id: viaRadius ? radiusId : setup.accountId,
      subnet: `${ip.ip}/32`,
      subnet_id: ip.subnetId,
      ip_pool_id: null,
      soft: false,
      description: statics > 1 ? `Static block ${i + 1}/${statics}` : 'Static IP',
      reference: null,
    });
  }
}
