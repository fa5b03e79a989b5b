/**
 * The service catalog: internet plans (DATA, speeds in kbps) per access technology, recurring
 * add-ons, one-time charges and voice lines. Prices are cents.
 */
import { setupTime, type GenContext } from './context.js';

export type Family = 'wireless' | 'fiber' | 'dsl' | 'cable';

export interface ServiceRef {
  id: string;
  name: string;
  type: 'DATA' | 'RECURRING' | 'ONETIME' | 'VOICE';
  application: 'DEBIT' | 'CREDIT';
  amount: number;
  enabled: boolean;
  /** Sales tax applies; internet access is exempt (US Internet Tax Freedom Act). */
  taxable: boolean;
}

export interface DataPlan extends ServiceRef {
  family: Family;
  business: boolean;
  downKbps: number;
  upKbps: number;
  /** Grandfathered rate for customers who signed up by this year; not sold any more. */
  legacyYear: number | null;
}

export interface ServiceCatalog {
  plans: DataPlan[];
  plansByFamily: Map<Family, DataPlan[]>;
  byName: Map<string, ServiceRef>;
}

type PlanSpec = [name: string, family: Family, technology: string, downMbps: number, upMbps: number, price: number, business?: boolean];

const UNLICENSED = 'UNLICENSEDTERRESTRIALFIXEDWIRELESS';

// In order of importance, so a small ISP (fewer plans) still sells every technology.
const PLANS: PlanSpec[] = [
  ['Wireless 25/5', 'wireless', UNLICENSED, 25, 5, 5499],
  ['Fiber 300', 'fiber', 'FIBER', 300, 300, 6499],
  ['DSL 12/1', 'dsl', 'ASYMMETRICXDSL', 12, 1, 4499],
  ['Cable 100/10', 'cable', 'CABLEMODEM', 100, 10, 5999],
  ['Wireless 50/10', 'wireless', UNLICENSED, 50, 10, 6999],
  ['Fiber 1 Gig', 'fiber', 'FIBER', 1000, 1000, 8999],
  ['Wireless 100/20', 'wireless', 'TERRESTRIALFIXEDWIRELESS', 100, 20, 8999],
  ['Fiber 500', 'fiber', 'FIBER', 500, 500, 7499],
  ['DSL 25/3', 'dsl', 'ASYMMETRICXDSL', 25, 3, 5499],
  ['Cable 300/20', 'cable', 'CABLEMODEM', 300, 20, 7999],
  ['Business Wireless 50/10', 'wireless', UNLICENSED, 50, 10, 9999, true],
  ['Business Fiber 500', 'fiber', 'FIBER', 500, 500, 14999, true],
  ['Wireless 10/2', 'wireless', UNLICENSED, 10, 2, 3999],
  ['Business Fiber 1 Gig', 'fiber', 'FIBER', 1000, 1000, 19999, true],
  ['Business DSL 25/3', 'dsl', 'SYMMETRICXDSL', 25, 3, 7999, true],
  ['Fiber 2 Gig', 'fiber', 'FIBER', 2000, 2000, 11999],
  ['Business Cable 300/20', 'cable', 'CABLEMODEM', 300, 20, 11999, true],
  ['Wireless 200/40', 'wireless', 'LICENSEDTERRESTRIALFIXEDWIRELESS', 200, 40, 10999],
  ['Business Wireless 100/20', 'wireless', 'LICENSEDTERRESTRIALFIXEDWIRELESS', 100, 20, 12999, true],
  ['Dedicated Fiber 100', 'fiber', 'FIBER', 100, 100, 49900, true],
  ['Fiber 100', 'fiber', 'FIBER', 100, 100, 4999],
  ['DSL 6/1', 'dsl', 'ASYMMETRICXDSL', 6, 1, 3499],
  ['Cable 600/35', 'cable', 'CABLEMODEM', 600, 35, 9999],
  ['Lifeline Wireless 25/5', 'wireless', UNLICENSED, 25, 5, 2999],
];

const LEGACY_YEARS_AGO = [10, 8, 6, 4];

type ExtraSpec = [name: string, type: 'RECURRING' | 'ONETIME', amount: number, taxable: boolean, application?: 'CREDIT'];

const EXTRAS: ExtraSpec[] = [
  ['Static IP Address', 'RECURRING', 1000, false],
  ['Router Rental', 'RECURRING', 800, true],
  ['Managed Wi-Fi', 'RECURRING', 1200, true],
  ['Whole Home Mesh', 'RECURRING', 1500, true],
  ['Equipment Protection Plan', 'RECURRING', 500, true],
  ['Email Hosting', 'RECURRING', 500, true],
  ['Web Hosting', 'RECURRING', 1500, true],
  ['Paper Invoice Fee', 'RECURRING', 299, false],
  ['Senior Discount', 'RECURRING', 1000, false, 'CREDIT'],
  ['Installation', 'ONETIME', 9900, false],
  ['Installation - Waived', 'ONETIME', 0, false],
  ['Truck Roll', 'ONETIME', 7500, false],
  ['Late Fee', 'ONETIME', 1000, false],
  ['Reconnection Fee', 'ONETIME', 2500, false],
  ['Router Purchase', 'ONETIME', 12900, true],
];

type VoiceSpec = [name: string, subType: 'VOICE' | 'HOSTED_PBX', amount: number, unlimitedLongDistance: boolean];

const VOICE: VoiceSpec[] = [
  ['Residential Phone Line', 'VOICE', 2499, false],
  ['Business Phone Line', 'VOICE', 3999, true],
  ['Hosted PBX Seat', 'HOSTED_PBX', 2999, true],
];

/** 55 data services on a 10k-account instance; fewer on a small one. */
export function dataPlanCount(accounts: number): number {
  return Math.max(10, Math.min(55, 10 + Math.floor(Math.sqrt(accounts) * 0.45)));
}

/** Current plans first, then grandfathered rates (older = cheaper) of the best-selling plans. */
function allPlanSpecs(referenceYear: number): { spec: PlanSpec; legacyYear: number | null }[] {
  const current = PLANS.map((spec) => ({ spec, legacyYear: null }));
  const legacy = LEGACY_YEARS_AGO.flatMap((ago) =>
    PLANS.slice(0, 12).map(([name, family, technology, down, up, price, business]) => {
      const year = referenceYear - ago;
      const spec: PlanSpec = [`${name} (${year} rate)`, family, technology, down, up, Math.max(1999, price - ago * 200), business];
      return { spec, legacyYear: year };
    }),
  );
  return [...current, ...legacy];
}

export function buildServices(ctx: GenContext): ServiceCatalog {
  const { t, rng } = ctx;
  const byName = new Map<string, ServiceRef>();
  const insertService = (
    name: string,
    type: ServiceRef['type'],
    amount: number,
    enabled: boolean,
    application: ServiceRef['application'] = 'DEBIT',
  ) =>
    t.insert('services', setupTime(ctx), {
      name,
      type,
      application,
      amount,
      enabled,
      company_id: null,
      display_if_zero: amount === 0,
    }).id as string;

  const plans: DataPlan[] = [];
  const referenceYear = new Date(ctx.referenceMs).getUTCFullYear();
  for (const { spec, legacyYear } of allPlanSpecs(referenceYear).slice(0, dataPlanCount(ctx.accounts))) {
    const [name, family, technology, down, up, amount, business = false] = spec;
    const id = insertService(name, 'DATA', amount, legacyYear === null);
    t.insert('data_service_details', setupTime(ctx), {
      service_id: id,
      billing_frequency: 1,
      download_speed_kilobits_per_second: down * 1000,
      upload_speed_kilobits_per_second: up * 1000,
      technology_code: technology,
    });
    const plan: DataPlan = {
      id,
      name,
      type: 'DATA',
      application: 'DEBIT',
      amount,
      enabled: legacyYear === null,
      taxable: false,
      family,
      business,
      downKbps: down * 1000,
      upKbps: up * 1000,
      legacyYear,
    };
    plans.push(plan);
    byName.set(name, plan);
  }

  for (const [name, type, amount, taxable, application = 'DEBIT'] of EXTRAS) {
    const id = insertService(name, type, amount, true, application);
    if (type === 'RECURRING') t.insert('recurring_service_details', setupTime(ctx), { service_id: id, billing_frequency: 1 });
    byName.set(name, { id, name, type, application, amount, enabled: true, taxable });
  }

  for (const [name, subType, amount, unlimitedLongDistance] of VOICE) {
    const id = insertService(name, 'VOICE', amount, true);
    t.insert('voice_service_details', setupTime(ctx), {
      service_id: id,
      billing_frequency: 1,
      sub_type: subType,
      country: 'US',
      first_interval_in_seconds: subType === 'HOSTED_PBX' ? 6 : 60,
      sub_interval_in_seconds: subType === 'HOSTED_PBX' ? 6 : 60,
      inbound_toll_free_rate_per_minute_in_thousandths: rng.pick([0, 2500, 3500]),
      rollup_generic_parameters: true,
      show_call_detail_records_on_invoice: subType === 'HOSTED_PBX',
      unlimited_local_minutes: true,
      unlimited_long_distance_minutes: unlimitedLongDistance,
      local_minutes: null,
      long_distance_minutes: unlimitedLongDistance ? null : 500,
    });
    byName.set(name, { id, name, type: 'VOICE', application: 'DEBIT', amount, enabled: true, taxable: true });
  }

  const plansByFamily = new Map<Family, DataPlan[]>();
  for (const plan of plans) plansByFamily.set(plan.family, [...(plansByFamily.get(plan.family) ?? []), plan]);
  return { plans, plansByFamily, byName };
}

/** A plan a customer of this kind, on this technology, who signed up in `year`, would be on. */
export function choosePlan(ctx: GenContext, services: ServiceCatalog, family: Family, business: boolean, year: number): DataPlan {
  const { rng } = ctx;
  const offered = services.plansByFamily.get(family) ?? services.plans;
  const legacy = offered.filter((p) => p.legacyYear !== null && p.legacyYear >= year && p.business === business);
  if (legacy.length && rng.chance(0.4)) return rng.pick(legacy);
  const current = offered.filter((p) => p.legacyYear === null && p.business === business && !p.name.startsWith('Lifeline'));
  if (!business && rng.chance(0.01)) {
    const lifeline = offered.find((p) => p.name.startsWith('Lifeline'));
    if (lifeline) return lifeline;
  }
  // Cheaper plans sell more: weight by position in the price list.
  const sorted = (current.length ? current : offered.filter((p) => p.legacyYear === null)).slice().sort((a, b) => a.amount - b.amount);
  if (!sorted.length) return rng.pick(services.plans);
  return rng.weighted(sorted.map((p, i) => [p, sorted.length - i + 1] as const));
}
