/**
 * The generator's only source of randomness: one seeded faker, so a seed replays the same ISP.
 * Nothing here may read the clock or Math.random.
 */
import { Faker, en, en_CA, en_US } from '@faker-js/faker';

export class Rng {
  readonly faker: Faker;
  /** Canadian postcodes and streets; seeded from the main faker so it follows the same seed. */
  readonly canada: Faker;

  constructor(seed: number) {
    this.faker = new Faker({ locale: [en_US, en] });
    this.faker.seed(seed);
    this.canada = new Faker({ locale: [en_CA, en] });
    this.canada.seed(this.faker.number.int({ max: 2 ** 31 - 1 }));
  }

  chance(probability: number): boolean {
    return this.faker.number.float() < probability;
  }

  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  float(min: number, max: number): number {
    return min + (max - min) * this.faker.number.float();
  }

  pick<T>(items: readonly T[]): T {
    return items[this.faker.number.int({ max: items.length - 1 })];
  }

  /** `[value, weight]` pairs; weights need not sum to 1. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let roll = this.faker.number.float() * total;
    for (const [value, w] of pairs) {
      roll -= w;
      if (roll < 0) return value;
    }
    return pairs[pairs.length - 1][0];
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = items.slice();
    const n = Math.min(count, pool.length);
    for (let i = 0; i < n; i++) {
      const j = this.int(i, pool.length - 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, n);
  }
}

/**
 * A UUID-shaped `sonar_unique_id` hashed from (seed, table, id) rather than drawn from the RNG, so
 * adding a record never shifts every later random choice, and a million of them cost nothing.
 */
export function stableUid(seed: number, table: string, id: string): string {
  let h1 = 1779033703 ^ seed,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  const key = `${table}/${id}`;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  const a = hex32(h1);
  const b = hex32(h2);
  const c = hex32(h3);
  // Joined, not concatenated, so each id is one flat string rather than a tree of fragments.
  return [
    a,
    '-',
    b.slice(0, 4),
    '-4',
    b.slice(5, 8),
    '-',
    HEX_BYTE[((h3 >>> 28) & 0x3) | 0x8][1],
    c.slice(1, 4),
    '-',
    c.slice(4, 8),
    hex32(h4),
  ].join('');
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const hex32 = (h: number) => HEX_BYTE[h >>> 24] + HEX_BYTE[(h >>> 16) & 255] + HEX_BYTE[(h >>> 8) & 255] + HEX_BYTE[h & 255];
