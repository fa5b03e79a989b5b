/** Small measuring helpers shared by the benchmark's tasks. */

/** This process's peak resident set size so far, in MB (what `ps` calls RSS, at its highest). */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** Seconds since `from` (a `performance.now()`), and a new start. */
export function lap(from: number): [number, number] {
  const now = performance.now();
  return [(now - from) / 1000, now];
}
