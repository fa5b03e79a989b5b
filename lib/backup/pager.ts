/**
 * The pages of one table, in order, from a given page on. Unlike SonarClient.pages(), which
 * fetches every remaining page at once, this keeps only a few requests ahead, so that
 * - a sample (`--sample 10`) of a 100,000-record table costs one request, not a thousand;
 * - an interruption (Ctrl-C, AbortSignal) stops within a few pages, not after the whole table;
 * - a table that grows while we read it is followed to its new last page (sorted by id, new
 *   records land at the end).
 */
import type { PageInfo, SonarClient } from '../sonar/client.js';
import { SonarError } from '../sonar/client.js';

export interface RawPage {
  page: number;
  entities: Array<Record<string, unknown> | null>;
  page_info: PageInfo;
}

export interface PagerOptions {
  /** First page to read (1-based). */
  fromPage: number;
  /** Page size to ask for; on a resume, the size the server used before. */
  recordsPerPage: number;
  /** Stop after this many records in all (counted from page 1). */
  sample?: number;
  /** Requests kept in flight ahead of the page being yielded. */
  lookahead: number;
  signal?: AbortSignal;
}

export async function* pagesOf(client: SonarClient, query: string, root: string, opts: PagerOptions): AsyncGenerator<RawPage> {
  const fetchPage = async (page: number, size: number): Promise<RawPage> => {
    const data = await client.request<Record<string, { entities: RawPage['entities']; page_info: PageInfo } | null>>(query, {
      paginator: { page, records_per_page: size },
    });
    const conn = data[root];
    if (!conn?.page_info || !Array.isArray(conn.entities))
      throw new SonarError(`Sonar answered ${root} without entities and page_info`, 'api');
    return { page, entities: conn.entities, page_info: conn.page_info };
  };

  const first = await fetchPage(opts.fromPage, opts.recordsPerPage);
  // The server may cap records_per_page; later page numbers must use the size it actually used.
  const size = first.page_info.records_per_page;
  const lastFor = (totalPages: number) => (opts.sample === undefined ? totalPages : Math.min(totalPages, Math.ceil(opts.sample / size)));
  let last = lastFor(first.page_info.total_pages);
  yield first;

  const inFlight = new Map<number, Promise<RawPage>>();
  let next = opts.fromPage + 1;
  const launch = () => {
    while (inFlight.size < opts.lookahead && next <= last && !opts.signal?.aborted) {
      const p = fetchPage(next, size);
      // Observed at once, so a failure while an earlier page is awaited is not "unhandled".
      p.catch(() => undefined);
      inFlight.set(next++, p);
    }
  };
  for (let page = opts.fromPage + 1; page <= last; page++) {
    if (opts.signal?.aborted) return;
    launch();
    const got = await inFlight.get(page)!;
    inFlight.delete(page);
    if (opts.signal?.aborted) return;
    // Records added during the backup can add pages; follow them (a sample stays capped).
    last = Math.max(last, lastFor(got.page_info.total_pages));
    yield got;
  }
}
