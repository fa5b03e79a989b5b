/**
 * A faithful, read-only Sonar v2 GraphQL API for migration rehearsals: the real schema (a subset
 * of it), bearer-token auth, the documented 400 requests/minute/token limit and its 429 body,
 * paging with a server cap, search, sorter, nested and polymorphic relations, and introspection.
 */
import { buildSchema, graphql, Kind, parse, type GraphQLSchema } from 'graphql';
import type { SonarDataset, SonarRecord } from '../dataset.js';
import { FaultController } from '../faults.js';
import { startSandboxServer, type Reply, type RunningServer, type SandboxRequest } from '../http.js';
import { assertNoUnknownTables, installResolvers, tablesOf } from './resolvers.js';
import { SonarStore, isoWithOffset } from './store.js';
import { sandboxSdl } from './sdl.js';
import { registerCredential, registerCredentials } from '../credentials.js';

export interface SonarSandboxOptions {
  dataset: SonarDataset;
  /** Personal access tokens the sandbox accepts. */
  tokens: string[];
  port?: number;
  host?: string;
  /** Sonar documents 400 requests a minute per token. */
  rateLimitPerMinute?: number;
  /** The window the limit counts over; shorter only to keep tests quick. */
  rateWindowMs?: number;
  /** Largest `records_per_page` the server honours; a bigger ask is cut to this and reported. */
  maxRecordsPerPage?: number;
  /**
   * A Sonar that limits how much one query asks: at most this many root fields (aliases
   * included) a request. The references give no limit, so by default there is none; set, it is
   * what a client batching pages must cope with.
   */
  maxRootFields?: number;
  faults?: FaultController;
}

export type SonarSandbox = RunningServer & { dataset: SonarDataset; schema: GraphQLSchema; store: SonarStore };

export { sandboxSdl };

/** Root fields of a query's operations; a query that does not parse has none (graphql() answers its error). */
function rootFields(query: string): number {
  try {
    return parse(query).definitions.reduce((n, d) => n + (d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections.length : 0), 0);
  } catch {
    return 0;
  }
}

/** Requests per token inside a sliding window; only requests that were served count. */
class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    public limit: number,
    private readonly windowMs: number,
  ) {}

  reset(): void {
    this.hits.clear();
  }

  /** True when the request may proceed (and is then counted). */
  take(token: string, now = Date.now()): boolean {
    const list = this.hits.get(token) ?? [];
    let drop = 0;
    while (drop < list.length && list[drop] <= now - this.windowMs) drop++;
    if (drop) list.splice(0, drop);
    this.hits.set(token, list);
    if (list.length >= this.limit) return false;
    list.push(now);
    return true;
  }
}

interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

function readRequest(req: SandboxRequest): GraphQLBody | Reply {
  if (req.method === 'GET') {
    const params = new URLSearchParams(req.query);
    let variables: unknown;
    try {
      variables = params.get('variables') ? JSON.parse(params.get('variables')!) : undefined;
    } catch {
      return json(400, { errors: [{ message: 'The "variables" parameter is not valid JSON.' }] });
    }
    return { query: params.get('query') ?? undefined, variables, operationName: params.get('operationName') ?? undefined };
  }
  try {
    const parsed = JSON.parse(req.body.toString('utf8') || 'null') as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return json(400, { errors: [{ message: 'The request body must be a JSON object with a "query" string.' }] });
    }
    return parsed as GraphQLBody;
  } catch {
    return json(400, { errors: [{ message: 'The request body is not valid JSON.' }] });
  }
}

export async function startSonarSandbox(opts: SonarSandboxOptions): Promise<SonarSandbox> {
  const schema = buildSchema(sandboxSdl());
  const tables = tablesOf(schema);
  assertNoUnknownTables(opts.dataset, tables);
  const store = new SonarStore(opts.dataset, tables);
  installResolvers(schema, store, tables, { maxRecordsPerPage: opts.maxRecordsPerPage ?? 100 });
  const tokens = new Set(opts.tokens);
  for (const t of tokens) registerCredential('Sonar token', t);
  // Subscribers' RADIUS passwords are credentials too: the leak check looks for them outside the snapshot.
  registerCredentials(
    (opts.dataset.tables.radius_accounts ?? []).map((r) => ({
      label: `Sonar RADIUS password of ${String(r.username)}`,
      value: String(r.password ?? ''),
      sonarHeld: true,
    })),
  );
  const limiter = new RateLimiter(opts.rateLimitPerMinute ?? 400, opts.rateWindowMs ?? 60_000);
  const tooMany = () => json(429, { error: `Request limit of ${limiter.limit}/min reached.` });

  async function handler(req: SandboxRequest): Promise<Reply> {
    if (req.path !== '/api/graphql') return json(404, { error: `Not found: ${req.path}. The API is at /api/graphql.` });
    if (req.method !== 'POST' && req.method !== 'GET')
      return json(405, { error: `Method ${req.method} is not allowed; use POST.` }, { allow: 'GET, POST' });

    // Never echo the presented token: it may be a real one pasted into the wrong place.
    const auth = req.headers.authorization;
    const token = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!auth) return json(401, { error: 'Unauthenticated: send "Authorization: Bearer <personal access token>".' });
    if (!token || !tokens.has(token)) return json(401, { error: 'Unauthenticated: the personal access token was not accepted.' });
    if (!limiter.take(token)) return tooMany();

    const body = readRequest(req);
    if ('status' in body) return body;
    if (typeof body.query !== 'string' || !body.query.trim()) {
      return json(400, { errors: [{ message: 'Missing "query": send {"query": "...", "variables": {...}}.' }] });
    }
    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : undefined;
    const asked = opts.maxRootFields === undefined ? 0 : rootFields(body.query);
    if (opts.maxRootFields !== undefined && asked > opts.maxRootFields)
      return json(200, { errors: [{ message: `Query too complex: ${asked} root fields, at most ${opts.maxRootFields} allowed` }] });
    const result = await graphql({
      schema,
      source: body.query,
      variableValues: variables,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    });
    return json(200, result);
  }

  const server = await startSandboxServer({
    name: 'sonar',
    port: opts.port,
    host: opts.host,
    faults: opts.faults,
    handler,
    isWrite: (req) => /^\s*mutation\b/.test(readQueryText(req)),
    tooManyRequests: tooMany,
    serverError: (status) => json(status, { error: status === 500 ? 'Server Error' : 'Service Unavailable' }),
    control: (sub, req) => (sub === 'rate-limit' ? rateLimitRoute(req, limiter) : control(sub, req, store)),
  });
  return { ...server, dataset: opts.dataset, schema, store };
}

/**
 * `GET|PUT /__sandbox/rate-limit {"per_minute": N}`: one world can serve a fast rehearsal and
 * then a cutover at Sonar's real 400/min (the benchmark's cutover measurement).
 */
function rateLimitRoute(req: SandboxRequest, limiter: RateLimiter): Reply {
  if (req.method === 'PUT') {
    let n: unknown;
    try {
      n = (JSON.parse(req.body.toString('utf8') || '{}') as { per_minute?: unknown }).per_minute;
    } catch {
      n = undefined;
    }
    if (!Number.isInteger(n) || (n as number) < 1) return json(400, { error: 'send {"per_minute": <a whole number ≥ 1>}' });
    limiter.limit = n as number;
    // A new limit starts a new window: Sonar frozen for cutover has had no requests for a while.
    limiter.reset();
  } else if (req.method !== 'GET') return json(405, { error: 'GET or PUT' });
  return json(200, { per_minute: limiter.limit });
}

function readQueryText(req: SandboxRequest): string {
  try {
    const q =
      req.method === 'GET' ? new URLSearchParams(req.query).get('query') : (JSON.parse(req.body.toString('utf8')) as GraphQLBody).query;
    return typeof q === 'string' ? q : '';
  } catch {
    return '';
  }
}

/**
 * Test and rehearsal hooks that change Sonar's data the way users would between two snapshots:
 * add or edit a record (with a fresh `updated_at`), archive an account, delete a record.
 */
function control(sub: string, req: SandboxRequest, store: SonarStore): Reply | undefined {
  if (sub === 'counts' && req.method === 'GET') {
    return json(200, Object.fromEntries(Object.keys(store.dataset.tables).map((t) => [t, store.rows(t).length])));
  }
  if (sub !== 'records' && sub !== 'archive') return undefined;
  let body: { table?: string; record?: SonarRecord; id?: string; account_id?: string; at?: string };
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    return json(400, { error: 'body must be JSON' });
  }
  const now = body.at ? new Date(body.at) : new Date();
  try {
    if (sub === 'records' && req.method === 'POST' && body.table && body.record) {
      return json(200, { record: store.upsert(body.table, body.record, now) });
    }
    if (sub === 'records' && req.method === 'DELETE' && body.table && body.id) {
      return store.remove(body.table, body.id) ? json(200, { deleted: true }) : json(404, { error: `no ${body.table} ${body.id}` });
    }
    if (sub === 'archive' && req.method === 'POST' && body.account_id) {
      if (!store.get('accounts', body.account_id)) return json(404, { error: `no account ${body.account_id}` });
      return json(200, { record: store.upsert('accounts', { id: String(body.account_id), archived_at: isoWithOffset(now) }, now) });
    }
  } catch (e) {
    return json(400, { error: (e as Error).message });
  }
  return json(400, { error: 'expected POST records {table, record}, DELETE records {table, id} or POST archive {account_id}' });
}
