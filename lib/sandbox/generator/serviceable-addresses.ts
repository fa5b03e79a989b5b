/**
 * Serviceable addresses nobody has signed up at yet. Sonar instances load whole service areas
 * (passings) up front, which is why a real 10k-account instance holds about 3.4 addresses per
 * account. They have no owner: `addressable_type`/`addressable_id` are null.
 */
import { DAY_MS } from './clock.js';
import type { GenContext } from './context.js';
import { insertAddress, pickTown, type Geography, type Town } from './geography.js';
import type { SonarRecord } from '../dataset.js';

export const UNASSIGNED_PER_ACCOUNT = 2.2;

const ATTAINABLE: [number, number][] = [
  [25_000, 5_000],
  [50_000, 10_000],
  [100_000, 20_000],
  [300_000, 300_000],
  [1_000_000, 1_000_000],
];

/** Inserts them; answers each with its town, for the sites' coverage (coverage.ts). */
export function insertUnassignedAddresses(ctx: GenContext, geography: Geography): Array<{ address: SonarRecord; town: Town }> {
  const { rng } = ctx;
  const count = Math.round(ctx.accounts * UNASSIGNED_PER_ACCOUNT);
  // Loaded in a handful of bulk imports, as service areas were built out.
  const imports = Array.from({ length: 6 }, (_, i) => ctx.foundedMs + ((i + 0.5) / 6) * (ctx.referenceMs - ctx.foundedMs));
  const out: Array<{ address: SonarRecord; town: Town }> = [];
  for (let i = 0; i < count; i++) {
    const created = rng.pick(imports) + rng.float(0, 2) * DAY_MS;
    const town = pickTown(ctx, geography);
    const address = insertAddress(ctx, town, {
      owner: null,
      kind: 'PHYSICAL',
      serviceable: true,
      createdMs: created,
      speeds: rng.chance(0.6) ? rng.pick(ATTAINABLE) : null,
    });
    out.push({ address, town });
  }
  return out;
}
