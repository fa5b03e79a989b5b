/**
 * The Sonar GraphQL client: graphql-request underneath, with what a long extraction needs on top.
 * - A client-side rate limiter, so we stay under Sonar's per-token budget (400/min) instead of
 *   discovering it through 429s.
 * - Retries with exponential backoff and jitter on network errors, timeouts, 5xx and 429.
 * - A timeout on every request.
 * - Paging that honours the `records_per_page` the server says it used (it may cap what we ask
 *   for), and fetches the remaining pages concurrently once `total_pages` is known.
 */
import { GraphQLClient, ClientError } from 'graphql-request';
import pLimit from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';
import { alias, aliasedPages, chunk } from './batch.js';

export interface SonarClientOptions {
  /** Instance root, e.g. https://example.sonar.software; `/api/graphql` is added. */
  url: string;
  token: string;
  concurrency?: number;
  ratePerMinute?: number;
  /** Length of the rate window; only tests shorten it. */
  rateWindowMs?: number;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  recordsPerPage?: number;
  /** Called as each request leaves (after the rate limiter): metrics, progress, tests. */
  onRequest?: () => void;
}

export type SonarErrorCategory = 'authentication' | 'network' | 'api';

export class SonarError extends Error {
  override name = 'SonarError';
  constructor(
    message: string,
    readonly category: SonarErrorCategory,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SonarClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  timeouts: number;
  serverErrors: number;
  networkErrors: number;
}

export interface PageInfo {
  page: number;
  total_pages: number;
  total_count: number;
  records_per_page: number;
}

interface Connection<T> {
  entities: T[];
  page_info: PageInfo;
}

export type Page<T> = Connection<T>;

export interface PagingOptions {
  fromPage?: number;
  recordsPerPage?: number;
}

/** Margin kept under the server's budget: clocks and latency differ between the two ends. */
const RATE_MARGIN = 0.97;
/** How much sooner one request may reach Sonar than another sent as long before it. */
const WINDOW_SLACK_MS = 1000;

export class SonarClient {
  readonly stats: SonarClientStats = { requests: 0, retries: 0, rateLimited: 0, timeouts: 0, serverErrors: 0, networkErrors: 0 };
  private readonly gql: GraphQLClient;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Set once Sonar refuses a batched listing: every later listing asks a page a request. */
  private unbatched = false;
  private readonly throttled: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly opts: Required<Omit<SonarClientOptions, 'onRequest'>> & Pick<SonarClientOptions, 'onRequest'>;

  constructor(options: SonarClientOptions) {
    this.opts = {
      concurrency: 4,
      ratePerMinute: 400,
      rateWindowMs: 60_000,
      timeoutMs: 30_000,
      maxRetries: 5,
      retryBaseMs: 500,
      recordsPerPage: 100,
      ...options,
      url: options.url.replace(/\/+$/, ''),
    };
    this.gql = new GraphQLClient(`${this.opts.url}/api/graphql`, {
      headers: { authorization: `Bearer ${this.opts.token}` },
    });
    this.limit = pLimit(this.opts.concurrency);
    // A sliding window, as Sonar counts: the budget at once, then each call a window after the one
    // it replaces. (p-throttle's unweighted strict mode spaces calls past the first window
    // interval/limit apart, so a snapshot of 556 requests took 86 s where 60 s is the bound; a
    // weight selects its time-based window.) The fencepost call is left room too, and the window
    // is counted a little long: a call replacing one of the first burst must not reach Sonar
    // before that one has left Sonar's window, however much sooner it arrives.
    const throttle = pThrottle({
      limit: Math.max(1, Math.floor(this.opts.ratePerMinute * RATE_MARGIN) - 1),
      interval: this.opts.rateWindowMs + Math.min(WINDOW_SLACK_MS, this.opts.rateWindowMs / 10),
      strict: true,
      weight: () => 1,
    });
    this.throttled = throttle(<T>(fn: () => Promise<T>) => fn()) as <T>(fn: () => Promise<T>) => Promise<T>;
  }

  /** One GraphQL request, rate limited, retried and timed out. Throws SonarError. */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    // Each attempt takes a slot (and its turn under the rate limit); the backoff before a retry
    // holds neither, so one request waiting out a 429 does not keep the others from going.
    return pRetry(() => this.limit(() => this.throttled(() => this.attempt<T>(query, variables))), {
      retries: this.opts.maxRetries,
      factor: 2,
      minTimeout: this.opts.retryBaseMs,
      maxTimeout: this.opts.retryBaseMs * 64,
      randomize: true,
      onFailedAttempt: () => {
        this.stats.retries++;
      },
    }).catch((e: unknown) => {
      throw e instanceof SonarError ? e : this.classify(e);
    });
  }

  /**
   * Every record of a list query. The query must take `$paginator: Paginator` and pass it to the
   * root field named `root`. Pages after the first are fetched concurrently; results keep order.
   */
  async fetchAll<T>(query: string, root: string, variables: Record<string, unknown> = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(query, root, variables)) out.push(...page.entities);
    return out;
  }

  /**
   * The pages of a list query, in order, fetched ahead concurrently. `fromPage` and
   * `recordsPerPage` let an interrupted snapshot carry on where it stopped, with the page size
   * the server used the first time.
   */
  async *pages<T>(query: string, root: string, variables: Record<string, unknown> = {}, opts: PagingOptions = {}): AsyncGenerator<Page<T>> {
    const from = opts.fromPage ?? 1;
    const first = await this.page<T>(query, root, variables, from, opts.recordsPerPage ?? this.opts.recordsPerPage);
    // The server may cap records_per_page; page numbers only line up if we use the size it used.
    const size = first.page_info.records_per_page;
    const totalPages = first.page_info.total_pages;
    const rest = Array.from({ length: Math.max(0, totalPages - from) }, (_, i) => this.page<T>(query, root, variables, from + 1 + i, size));
    // Keep every promise observed, so one failure does not leave the others unhandled.
    rest.forEach((p) => p.catch(() => undefined));
    yield { entities: first.entities, page_info: first.page_info };
    for (const p of rest) yield await p;
  }

  /**
   * The pages of a list query that takes only `$paginator` (an id listing), like `pages`, but
   * after the first, `perRequest` of them in each request (batch.ts). A Sonar that refuses the
   * batched document (a limit on a query's cost) is asked a page a request from then on.
   */
  async *batchedPages<T>(query: string, root: string, opts: { recordsPerPage?: number; perRequest: number }): AsyncGenerator<Page<T>> {
    const first = await this.page<T>(query, root, {}, 1, opts.recordsPerPage ?? this.opts.recordsPerPage);
    const size = first.page_info.records_per_page;
    const pages = Array.from({ length: Math.max(0, first.page_info.total_pages - 1) }, (_, i) => i + 2);
    const groups = chunk(pages, opts.perRequest);
    const single = (n: number) => this.page<T>(query, root, {}, n, size);
    const group = async (numbers: number[]): Promise<Connection<T>[]> => {
      if (numbers.length === 1 || this.unbatched) return Promise.all(numbers.map(single));
      try {
        const data = await this.request<Record<string, Connection<T>>>(
          aliasedPages(query, numbers.length),
          Object.fromEntries(numbers.map((n, i) => [alias(i), { page: n, records_per_page: size }])),
        );
        return numbers.map((n, i) => {
          const conn = data[alias(i)];
          if (!conn?.page_info) throw new SonarError(`Sonar answered without ${root} page ${n} of a batched listing`, 'api');
          return conn;
        });
      } catch (e) {
        if (!(e instanceof SonarError) || e.category !== 'api') throw e;
        this.unbatched = true;
        return Promise.all(numbers.map(single));
      }
    };
    const rest = groups.map(group);
    rest.forEach((p) => p.catch(() => undefined));
    yield first;
    for (const p of rest) for (const page of await p) yield page;
  }

  private async page<T>(
    query: string,
    root: string,
    variables: Record<string, unknown>,
    page: number,
    size: number,
  ): Promise<Connection<T>> {
    const data = await this.request<Record<string, Connection<T>>>(query, { ...variables, paginator: { page, records_per_page: size } });
    // A nested connection (one record's relation) is named by its path, `table.entities.0.field`.
    const conn = root.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], data) as
      Connection<T> | undefined;
    if (!conn?.page_info) throw new SonarError(`Sonar answered without ${root}.page_info; is "${root}" the query's root field?`, 'api');
    return conn;
  }

  private async attempt<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    this.stats.requests++;
    this.opts.onRequest?.();
    try {
      return await this.gql.request<T>({ document: query, variables, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (e) {
      const err = this.classify(e);
      // Only transient failures are worth another try; a bad token or a bad query is not.
      if (err.category !== 'network') throw new AbortError(err);
      throw err;
    }
  }

  private classify(e: unknown): SonarError {
    if (e instanceof SonarError) return e;
    if (e instanceof ClientError) {
      const status = e.response.status;
      if (status === 401 || status === 403) {
        return new SonarError(`Sonar: token rejected (${status}). Check SONAR_API_KEY.`, 'authentication', status);
      }
      if (status === 429) {
        this.stats.rateLimited++;
        return new SonarError('Sonar: request limit reached (429)', 'network', status);
      }
      if (status >= 500) {
        this.stats.serverErrors++;
        return new SonarError(`Sonar: server error (${status})`, 'network', status);
      }
      const messages = e.response.errors?.map((x) => x.message).join('; ');
      return new SonarError(`Sonar: ${messages || `HTTP ${status}`}`, 'api', status);
    }
    const err = e as Error;
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
      this.stats.timeouts++;
      return new SonarError(`Sonar: no answer within ${this.opts.timeoutMs} ms`, 'network');
    }
    this.stats.networkErrors++;
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is on its cause.
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    return new SonarError(
      `Sonar: cannot reach ${this.opts.url} (${cause?.code ?? cause?.message ?? err?.message ?? 'unknown error'})`,
      'network',
    );
  }
}
