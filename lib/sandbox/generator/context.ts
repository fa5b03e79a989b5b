import type { Faker } from '@faker-js/faker';
import { DAY_MS, YEAR_MS, localDay } from './clock.js';
import { Rng } from './rng.js';
import { Tables } from './tables.js';

/** What every generator module shares: the RNG, the tables being filled and the reference instant. */
export interface GenContext {
  rng: Rng;
  faker: Faker;
  t: Tables;
  seed: number;
  accounts: number;
  /** Everything happened before this instant. */
  referenceMs: number;
  referenceDay: number;
  /** When the ISP started using Sonar; configuration records date from then. */
  foundedMs: number;
}

export function createContext(seed: number, accounts: number, referenceMs: number): GenContext {
  const rng = new Rng(seed);
  return {
    rng,
    faker: rng.faker,
    t: new Tables(seed, rng, referenceMs),
    seed,
    accounts,
    referenceMs,
    referenceDay: localDay(referenceMs),
    foundedMs: referenceMs - 11 * YEAR_MS,
  };
}

/** An instant shortly after the ISP was founded: when catalog and configuration records were made. */
export function setupTime(ctx: GenContext): number {
  return ctx.foundedMs + ctx.rng.float(0, 120) * DAY_MS;
}
