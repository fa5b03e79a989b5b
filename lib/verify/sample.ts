/**
 * A repeatable random sample: the same seed, entity and records always give the same picks, so
 * a difference found in a sample can be looked at again by running the same command.
 */

/** mulberry32: small, fast, good enough to spread a sample; seeded per entity so entities differ. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * `size` items of `items` (all of them when `size` is 0 or at least their number), chosen by
 * `seed` and `salt` from the items ordered by `key`, so the order they arrive in does not matter.
 */
export function sample<T>(items: readonly T[], size: number, seed: number, salt: string, key: (t: T) => string): T[] {
  const sorted = [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return Number(x) - Number(y) || x.localeCompare(y);
  });
  if (!size || size >= sorted.length) return sorted;
  const next = rng(hash(`${seed}:${salt}`));
  // A partial Fisher–Yates shuffle: the first `size` places are the sample.
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(next() * (sorted.length - i));
    [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
  }
  return sorted.slice(0, size);
}
