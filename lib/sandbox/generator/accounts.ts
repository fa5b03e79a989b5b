/**
 * Customer accounts and everything hanging off them: billing parameters, serviceable and mailing
 * addresses, contacts, services, equipment, logins, IPs and custom field values. Accounts are
 * created in time order, so ids grow with `created_at` as in a real instance.
 */
import { insertAccountServices, LIFECYCLES_WITH_SERVICES, type AccountServiceFact } from './account-services.js';
import type { AccountKind, Catalog, Lifecycle, StatusRef } from './catalog.js';
import { addDays, DAY_MS, formatDate, formatDatetime, HOUR_MS, localDay, localTime, nextDayOfMonth } from './clock.js';
import type { GenContext } from './context.js';
import { insertCustomData } from './custom-data.js';
import { geopoint, insertAddress, pickTown, type Geography, type Region, type Town } from './geography.js';
import type { Inventory } from './inventory.js';
import { siteFor, type Network } from './network.js';
import { identityFor, insertAccountContacts, Registry, type PrimaryContact } from './people.js';
import { monthlyCharge } from './pricing.js';
import type { ServiceCatalog } from './services.js';

export interface World {
  geography: Geography;
  catalog: Catalog;
  services: ServiceCatalog;
  network: Network;
  inventory: Inventory;
}

/** What finance and support need to know about an account. */
export interface AccountFacts {
  id: string;
  createdMs: number;
  companyId: string;
  kind: AccountKind;
  lifecycle: Lifecycle;
  activationDay: number | null;
  /** When Sonar bills the account next; null when it no longer bills it (status, archive). */
  nextBillDay: number | null;
  /** The day of its billing cycle after the reference time, billed or not: anchors its invoice history. */
  cycleDay: number | null;
  archived: boolean;
  dueDays: number;
  taxExempt: boolean;
  region: Region;
  autopay: boolean;
  primary: PrimaryContact;
  services: AccountServiceFact[];
}

interface Plan {
  status: StatusRef;
  kind: AccountKind;
  createdMs: number;
}

interface ParentCandidate {
  id: string;
  kind: AccountKind;
  town: Town;
  companyId: string;
  name: string;
}

const ATTAINABLE_BY_FAMILY = {
  wireless: [100_000, 20_000],
  fiber: [1_000_000, 1_000_000],
  dsl: [25_000, 3_000],
  cable: [300_000, 20_000],
} as const;

/** Statuses and creation times first, sorted, so that ids follow time. */
function planAccounts(ctx: GenContext, catalog: Catalog): Plan[] {
  const { rng } = ctx;
  const statusWeights = catalog.statuses.map((s) => [s, s.spec.weight] as const);
  const span = ctx.referenceMs - 45 * DAY_MS - ctx.foundedMs;
  const plans: Plan[] = [];
  for (let i = 0; i < ctx.accounts; i++) {
    const status = rng.weighted(statusWeights);
    const kind = rng.weighted(catalog.typeWeights);
    const lifecycle = status.spec.lifecycle;
    // Growth: more customers signed up recently than in the early years.
    const createdMs =
      lifecycle === 'lead'
        ? ctx.referenceMs - rng.float(1, 150) * DAY_MS
        : lifecycle === 'pending'
          ? ctx.referenceMs - rng.float(2, 40) * DAY_MS
          : ctx.foundedMs + span * rng.float(0, 1) ** 0.65;
    plans.push({ status, kind, createdMs });
  }
  return plans.sort((a, b) => a.createdMs - b.createdMs);
}

/**
 * Churn: most accounts that left are archived some time after they left, so an ISP's archive is
 * a regular share of its accounts (their services kept on them, as Sonar keeps them).
 */
function archiveTime(ctx: GenContext, status: StatusRef, activationDay: number | null, createdMs: number): number | null {
  const share = status.spec.archived ?? 0;
  if (!share || !ctx.rng.chance(share)) return null;
  const from = Math.max(createdMs, activationDay ?? createdMs) + 30 * DAY_MS;
  const to = ctx.referenceMs - 7 * DAY_MS;
  return from >= to ? to : ctx.rng.float(from, to);
}

function insertBillingParameters(ctx: GenContext, accountId: string, createdMs: number, kind: AccountKind, activationDay: number | null) {
  const { rng, t } = ctx;
  const anniversary = activationDay !== null && rng.chance(0.3);
  // Anniversary billing keeps the activation day, 29th to 31st included (Sonar clamps short months).
  const billDay = anniversary ? new Date(activationDay).getUTCDate() : 1;
  const dueDays = rng.pick([10, 14, 15, 21, 30]);
  const taxExempt = kind === 'GOVERNMENT' || rng.chance(0.01);
  const printInvoice = rng.chance(kind === 'RESIDENTIAL' ? 0.08 : 0.15);
  t.insert('account_billing_parameters', createdMs, {
    account_id: accountId,
    aggregate_invoice_taxes: false,
    aggregate_linked_debits: false,
    auto_pay_day: 'BILL_DAY',
    auto_pay_days: rng.pick([0, 0, 3]),
    bill_day: billDay,
    bill_day_mode: anniversary ? 'ANNIVERSARY_BILL_DAY' : 'FIXED',
    bill_mode: rng.chance(0.95) ? 'INVOICE' : 'STATEMENT',
    default_for: 'ACCOUNT_TYPE',
    due_days: dueDays,
    due_days_day: 'INVOICE_DAY',
    grace_days: rng.pick([0, 5, 7, 10, 15]),
    invoice_day: billDay,
    lifeline: false,
    months_to_bill: 1,
    print_invoice: printInvoice,
    switch_status_after_delinquency: rng.chance(0.8),
    tax_exempt: taxExempt,
  });
  return { billDay, dueDays, taxExempt, printInvoice };
}

export function generateAccounts(ctx: GenContext, world: World): AccountFacts[] {
  const { rng, t, faker } = ctx;
  const { catalog, geography } = world;
  const registry = new Registry();
  const parents: ParentCandidate[] = [];
  const facts: AccountFacts[] = [];
  const companyWeights = catalog.companies.map((c, i) => [c.id, [85, 12, 3][i]] as const);

  for (const plan of planAccounts(ctx, catalog)) {
    const id = String(t.count('accounts') + 1);
    const lifecycle = plan.status.spec.lifecycle;
    // A few accounts are branches or units of an earlier business account.
    const parent = parents.length && rng.chance(0.035) ? rng.pick(parents) : null;
    const kind = parent?.kind ?? plan.kind;
    const town = parent?.town ?? pickTown(ctx, geography);
    const site = siteFor(ctx, world.network, town);
    const companyId = parent?.companyId ?? rng.weighted(companyWeights);
    const identity = identityFor(ctx, kind, town);
    if (parent) identity.accountName = `${parent.name} - ${faker.location.street()}`;

    const createdMs = plan.createdMs;
    const activationDay =
      lifecycle === 'lead' || lifecycle === 'pending'
        ? null
        : Math.min(addDays(localDay(createdMs), rng.int(0, 14)), addDays(ctx.referenceDay, -31));
    const installedMs = activationDay === null ? createdMs : activationDay + rng.float(15, 23) * HOUR_MS;
    const billing = insertBillingParameters(ctx, id, createdMs, kind, activationDay);
    // Sonar bills an account while its status activates it and it is not archived; the others
    // keep the cycle they were billed on (their invoice history) but have no next bill.
    const archivedMs = archiveTime(ctx, plan.status, activationDay, createdMs);
    const billed = plan.status.spec.activates && archivedMs === null;
    const cycleDay = activationDay === null ? null : nextDayOfMonth(ctx.referenceDay, billing.billDay);
    const nextBillDay = billed ? cycleDay : null;

    const account = t.insert(
      'accounts',
      createdMs,
      {
        name: identity.accountName,
        account_status_id: plan.status.id,
        account_type_id: catalog.types.get(kind)!,
        company_id: companyId,
        activation_date: activationDay === null ? null : formatDate(activationDay),
        activation_time: activationDay === null ? null : localTime(installedMs),
        archived_at: archivedMs === null ? null : formatDatetime(archivedMs),
        archived_by_user_id: archivedMs === null ? null : rng.pick(world.catalog.staff).id,
        is_delinquent: plan.status.spec.delinquent,
        next_bill_date: nextBillDay === null ? null : formatDate(nextBillDay),
        next_recurring_charge_amount: 0,
        parent_account_id: parent?.id ?? null,
        geopoint: null,
        data_usage_percentage: null,
      },
      archivedMs === null ? undefined : Math.max(archivedMs, createdMs),
    );

    // Most accounts that left had their services removed; some (an archive kept as it was) still hold them.
    const withServices =
      LIFECYCLES_WITH_SERVICES.includes(lifecycle) && (lifecycle !== 'former' || rng.chance(archivedMs === null ? 0.3 : 0.5));
    const speeds = ATTAINABLE_BY_FAMILY[site.family];
    const address = insertAddress(ctx, town, {
      owner: { type: 'Account', id },
      kind: 'PHYSICAL',
      serviceable: true,
      createdMs: createdMs - rng.float(0, 30) * DAY_MS,
      speeds: [speeds[0], speeds[1]],
    });
    world.network.served.push({ addressId: address.id as string, site });
    if (address.latitude !== null) account.geopoint = geopoint(address.latitude as number, address.longitude as number);
    if (rng.chance(0.18)) {
      insertAddress(ctx, rng.chance(0.8) ? town : pickTown(ctx, geography), {
        owner: { type: 'Account', id },
        kind: 'MAILING',
        serviceable: false,
        createdMs,
      });
    }
    const primary = insertAccountContacts(ctx, catalog, registry, { accountId: id, kind, identity, town, createdMs });

    const services = withServices
      ? insertAccountServices(ctx, world.services, world.network, world.inventory, {
          accountId: id,
          kind,
          lifecycle,
          site,
          holder: identity.holder,
          addressId: address.id as string,
          activationDay,
          nextBillDay,
          printInvoice: billing.printInvoice,
          installedMs,
        })
      : [];
    const hasData = services.some((s) => s.service.type === 'DATA');
    account.next_recurring_charge_amount = billed ? monthlyCharge(services, town.region.taxRate, billing.taxExempt) : 0;
    if (hasData && site.family === 'wireless' && rng.chance(0.4)) account.data_usage_percentage = rng.int(0, 130);

    insertCustomData(ctx, catalog, {
      accountId: id,
      kind,
      createdMs,
      activationDay,
      printInvoice: billing.printInvoice,
      primaryContactId: primary.id,
      addressId: address.id as string,
      family: hasData ? site.family : null,
    });

    if (!parent && kind !== 'RESIDENTIAL') parents.push({ id, kind, town, companyId, name: identity.accountName });
    facts.push({
      id,
      createdMs,
      companyId,
      kind,
      lifecycle,
      activationDay,
      nextBillDay,
      cycleDay,
      archived: archivedMs !== null,
      dueDays: billing.dueDays,
      taxExempt: billing.taxExempt,
      region: town.region,
      autopay: plan.status.spec.name === 'Active - Autopay' || rng.chance(0.3),
      primary,
      services,
    });
  }
  return facts;
}
