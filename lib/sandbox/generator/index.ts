/**
 * A deterministic synthetic ISP as a Sonar dataset: the same options always give the same
 * records, byte for byte, so tests, rehearsals and benchmarks can share fixtures by seed.
 */
import { DATASET_FORMAT, type SonarDataset } from '../dataset.js';
import { generateAccounts } from './accounts.js';
import { buildCatalog } from './catalog.js';
import { insertCoverage } from './coverage.js';
import { createContext } from './context.js';
import { applyDirt } from './dirty.js';
import { generateFinance } from './finance.js';
import { buildGeography } from './geography.js';
import { buildInventory } from './inventory.js';
import { buildNetwork } from './network.js';
import { insertUnassignedAddresses } from './serviceable-addresses.js';
import { buildServices } from './services.js';
import { equipSites } from './site-equipment.js';
import { generateSupport } from './support.js';

export { summarize, formatSummary, type GeneratorSummary } from './summary.js';
export { DIRTY_CLASSES, type DirtyClass } from './dirty.js';

export interface GenerateOptions {
  accounts: number;
  seed?: number;
  /** Share (0..1) of eligible records each dirt class spoils; 0 gives clean data. */
  dirtyRate?: number;
  /** Everything happens before this instant (ISO 8601); fixed by default so output never depends on today. */
  referenceTime?: string;
}

export const DEFAULT_REFERENCE_TIME = '2026-01-01T00:00:00Z';

export function generateIsp(opts: GenerateOptions): SonarDataset {
  const seed = opts.seed ?? 1;
  const dirtyRate = opts.dirtyRate ?? 0;
  const referenceTime = opts.referenceTime ?? DEFAULT_REFERENCE_TIME;
  const referenceMs = Date.parse(referenceTime);
  if (!Number.isInteger(opts.accounts) || opts.accounts < 1) throw new Error(`accounts must be a positive integer, got ${opts.accounts}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!(dirtyRate >= 0 && dirtyRate <= 1)) throw new Error(`dirtyRate must be between 0 and 1, got ${dirtyRate}`);
  if (Number.isNaN(referenceMs)) throw new Error(`referenceTime must be an ISO 8601 instant, got "${referenceTime}"`);

  const ctx = createContext(seed, opts.accounts, referenceMs);
  const geography = buildGeography(ctx);
  const catalog = buildCatalog(ctx, geography);
  const services = buildServices(ctx);
  const inventory = buildInventory(ctx, geography);
  const network = buildNetwork(ctx, geography, catalog);
  equipSites(ctx, network, inventory);
  const accounts = generateAccounts(ctx, { geography, catalog, services, network, inventory });
  const unassigned = insertUnassignedAddresses(ctx, geography);
  generateFinance(ctx, services, accounts);
  generateSupport(ctx, catalog, network, accounts);
  const dirty = applyDirt(ctx, dirtyRate);
  insertCoverage(ctx, network, unassigned);

  return {
    format: DATASET_FORMAT,
    meta: { seed, accounts: opts.accounts, dirty_rate: dirtyRate, reference_time: referenceTime, generator: 'synthetic-isp/1' },
    tables: ctx.t.tables,
    dirty,
  };
}
