/**
 * Reading from Splynx, and only reading: one record (absent is an answer, not an error), a
 * collection a page at a time, and `X-total-count`s. Nothing here can write.
 */
import type { Row } from '../entities/types.js';
import { SplynxError, type SplynxApi } from '../splynx/client.js';

/** One record, or null when Splynx says it does not exist. */
export async function readRecord(api: SplynxApi, path: string): Promise<Row | null> {
  try {
    const row = await api.get<Row | Row[]>(path);
    // Some Splynx items answer as a one-element list (taxes); a list here is that.
    return Array.isArray(row) ? (row[0] ?? null) : row;
  } catch (e) {
    if (e instanceof SplynxError && e.status === 404) return null;
    throw e;
  }
}

/** Whether a search failed only because the sonar_id field was never created (nothing was ever loaded). */
const noSuchAttribute = (e: unknown) => e instanceof SplynxError && e.status === 400 && /attribute/i.test(e.message);

/** The sum of the `X-total-count`s of these searches. */
export async function countAll(api: SplynxApi, path: string, searches: Array<Record<string, unknown>>): Promise<number> {
  let total = 0;
  for (const params of searches) {
    try {
      const n = await api.count(path, params);
      if (!Number.isFinite(n)) throw new Error(`Splynx answered HEAD ${path} without an X-total-count`);
      total += n;
    } catch (e) {
      if (!noSuchAttribute(e)) throw e;
    }
  }
  return total;
}

/**
 * Every record these searches find, a page at a time (Splynx documents no maximum page). Past the
 * first page, the count says how many pages are left, and they are asked side by side (the client
 * bounds what is in flight): a listing of 10,000 customers is a few round trips, not twenty.
 */
export async function listAll(api: SplynxApi, path: string, searches: Array<Record<string, unknown>>, pageSize = 500): Promise<Row[]> {
  const all: Row[] = [];
  const page = (params: Record<string, unknown>, offset: number) =>
    api.get<Row[]>(path, { ...params, order: { id: 'ASC' }, limit: pageSize, offset });
  for (const params of searches) {
    let first: Row[];
    try {
      first = await page(params, 0);
    } catch (e) {
      if (noSuchAttribute(e)) continue;
      throw e;
    }
    all.push(...first);
    if (first.length < pageSize) continue;
    const total = await api.count(path, params);
    const offsets = Array.from({ length: Math.max(0, Math.ceil(total / pageSize) - 1) }, (_, i) => (i + 1) * pageSize);
    const pages = await Promise.all(offsets.map((o) => page(params, o)));
    for (const p of pages) all.push(...p);
    // Records added while the pages were read (none, after a load) would lie past the count.
    for (let offset = (offsets.length + 1) * pageSize, last = pages.at(-1) ?? first; last.length === pageSize; offset += pageSize) {
      last = await page(params, offset);
      all.push(...last);
    }
  }
  return all;
}
