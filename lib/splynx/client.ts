/**
 * The Splynx REST v2.0 client (axios underneath).
 * - Three auth methods: the per-request `Splynx-EA` signature, access tokens (renewed before they
 *   expire, and once more on an "expired" answer), and Basic for keys with unsecure access.
 * - Nonces in the units Splynx's own clients use (lib/splynx/nonce.ts): a key this tool signed
 *   with stays usable by every other integration. A key whose last nonce is ahead of the clock for
 *   good gets one clear message, not a retry loop.
 * - Access tokens are bound to the IP and User-Agent that got them: a token refused for a changed
 *   one (`IP_CHANGED`, `USER_AGENT_CHANGED`) is replaced by a fresh one, once per request.
 * - Retries with backoff and jitter for reads, and for any request the server provably refused
 *   before acting on it (429, a nonce that arrived out of order). A POST that failed in a way that
 *   may have stored it (dropped connection, timeout, 5xx) is NOT retried here: it is reported as
 *   `ambiguous`, and the loader settles it by looking the record up, so nothing is created twice.
 * - Errors carry a category (network, authentication, validation, api) and never a secret.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import pLimit from 'p-limit';
import qs from 'qs';
import { aheadOfClockMessage, CATCH_UP_LIMIT_CS, centiseconds, nonceClock, statedLastNonce, type NonceClock } from './nonce.js';
import { ACTION_VERBS, actionOf, moduleOf, moduleTitle } from './permissions.js';

export type SplynxAuthMethod = 'signature' | 'token' | 'basic';

export interface SplynxClientOptions {
  /** Instance root, e.g. https://splynx.example.com; `/api/2.0/` is added. */
  url: string;
  key: string;
  secret: string;
  auth?: SplynxAuthMethod;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  /** Sent with every request: Splynx binds access tokens to it, so it never changes within a process. */
  userAgent?: string;
}

export const USER_AGENT = 'sonar-splynx-workbook/0.1';

export type SplynxErrorCategory = 'network' | 'authentication' | 'validation' | 'api';

export class SplynxError extends Error {
  override name = 'SplynxError';
  constructor(
    message: string,
    readonly category: SplynxErrorCategory,
    readonly details: {
      status?: number;
      code?: string;
      /** 422 field errors, as Splynx lists them. */
      fields?: Array<{ field: string; message: string }>;
      /** The request may have been carried out although no answer arrived. */
      ambiguous?: boolean;
    } = {},
  ) {
    super(message);
  }
  get status() {
    return this.details.status;
  }
}

export interface SplynxClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  tokenRenewals: number;
  /** Fresh tokens fetched because Splynx refused one for a changed IP or User-Agent. */
  tokenRebinds: number;
}

type Method = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'DELETE';
const SAFE = new Set<Method>(['GET', 'HEAD', 'OPTIONS']);

export function splynxSignature(secret: string, nonce: number, key: string): string {
  return createHmac('sha256', secret).update(`${nonce}${key}`).digest('hex').toUpperCase();
}

/** Re-signed or re-authorised attempts allowed per request, beyond the failure retries. */
const MAX_RESIGN = 50;
/** Refusals in a row that neither a race nor a stated last nonce explains, before we give up. */
const MAX_UNEXPLAINED = 3;
const BINDING = new Set(['IP_CHANGED', 'USER_AGENT_CHANGED']);

/** What one attempt was authorised with: which nonce or which token (never logged). */
interface Credential {
  header: string;
  nonce?: number;
  token?: string;
}
type Outcome = { res: AxiosResponse; err?: undefined } | { err: SplynxError; used?: Credential };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SplynxApi {
  readonly stats: SplynxClientStats = { requests: 0, retries: 0, rateLimited: 0, tokenRenewals: 0, tokenRebinds: 0 };
  private readonly http: AxiosInstance;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly opts: Required<SplynxClientOptions>;
  readonly nonces: NonceClock;
  /** Set once the key's nonce is found ahead of the clock for good: every later call fails the same way at once. */
  private aheadOfClock: SplynxError | null = null;
  private token: { access: string; refresh: string; expiresAt: number } | null = null;
  private tokenPending: Promise<void> | null = null;
  /** The `permissions` of the last generated token, as Splynx sent them. */
  private tokenPermissionList: unknown = undefined;
  /** With signature or Basic auth: the permissions a token generated for the question listed, and when. */
  private askedPermissions: { list: unknown; at: number } | null = null;
  /** Told of every request sent again, and why (a run's log.jsonl, lib/load/run-log.ts). */
  onRetry?: (r: { method: string; path: string; attempt: number; reason: string; status?: number; category?: string }) => void;

  constructor(options: SplynxClientOptions) {
    this.opts = {
      auth: 'signature',
      concurrency: 8,
      timeoutMs: 30_000,
      maxRetries: 5,
      retryBaseMs: 500,
      userAgent: USER_AGENT,
      ...options,
      url: options.url.replace(/\/+$/, ''),
    };
    this.nonces = nonceClock(this.opts.url, this.opts.key);
    this.http = axios.create({
      baseURL: `${this.opts.url}/api/2.0/`,
      timeout: this.opts.timeoutMs,
      headers: { 'user-agent': this.opts.userAgent },
      validateStatus: () => true,
      // Splynx reads PHP-style bracket parameters: main_attributes[login][0]=LIKE.
      paramsSerializer: { serialize: (p) => qs.stringify(p, { encodeValuesOnly: true }) },
      transitional: { clarifyTimeoutError: true },
      // Connections are kept and re-used: a new TCP (and TLS) handshake per request would add its
      // round trips to every request's latency. One socket per request slot is all we need.
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: this.opts.concurrency }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: this.opts.concurrency }),
    });
    this.limit = pLimit(this.opts.concurrency);
  }

  get<T = unknown>(path: string, params?: Record<string, unknown>): Promise<T> {
    return this.call<T>('GET', path, { params });
  }

  /** The `X-total-count` of a list, with the same search parameters as a GET. */
  async count(path: string, params?: Record<string, unknown>): Promise<number> {
    const res = await this.send('HEAD', path, { params });
    return Number(res.headers['x-total-count'] ?? NaN);
  }

  options<T = unknown>(path: string): Promise<T> {
    return this.call<T>('OPTIONS', path, {});
  }

  /** The new record's key: its `id`, or its `name` where Splynx keys by name (additional fields answer `{name}`). */
  async create(path: string, body: Record<string, unknown>): Promise<{ id: string }> {
    const out = await this.call<{ id?: number | string; name?: string }>('POST', path, { body });
    return { id: String(out.id ?? out.name) };
  }

  /**
   * A POST that only reads (`to-bill/{id}--preview`): nothing lands, so an unanswered one is sent
   * again like a GET.
   */
  async ask<T = unknown>(path: string, body: Record<string, unknown>): Promise<T> {
    const res = await this.send('POST', path, { body }, true);
    return res.data as T;
  }

  update(path: string, body: Record<string, unknown>): Promise<void> {
    return this.call<void>('PUT', path, { body });
  }

  remove(path: string): Promise<void> {
    return this.call<void>('DELETE', path, {});
  }

  /** `admin/api/check` with `checkAuth`: reachability and credentials in one request. */
  async check(): Promise<{ status: string; message: string }> {
    return this.call('GET', 'admin/api/check', { params: { checkAuth: 'true' } });
  }

  /**
   * The `permissions` field of a generated token: what Splynx says this key may do (null when it
   * did not say). With token auth that is the token in use; otherwise one token is generated for
   * the question and deleted again, and the answer kept for a token's lifetime (30 minutes), so a
   * re-run in the same session asks no more. `fresh` asks again (after permissions were granted).
   */
  async tokenPermissions(opts: { generate?: boolean; fresh?: boolean } = {}): Promise<{ list: unknown; earlier: boolean }> {
    if (this.opts.auth === 'token') {
      const earlier = !!this.token && !opts.fresh;
      if (opts.fresh) this.token = null;
      await this.ensureToken();
      return { list: this.tokenPermissionList ?? null, earlier };
    }
    if (!opts.fresh && this.askedPermissions && this.askedPermissions.at > Date.now() - 30 * 60_000)
      return { list: this.askedPermissions.list, earlier: true };
    // Asked not to make a token just for the question (a dry run writes nothing, not even a token).
    if (opts.generate === false) return { list: null, earlier: false };
    const body = await this.limit(() => this.generateToken());
    this.stats.requests++;
    await this.http
      .delete(`admin/auth/tokens/${encodeURIComponent(body.access_token)}`, {
        headers: { authorization: `Splynx-EA (access_token=${body.access_token})` },
      })
      .catch(() => undefined); // a token left behind expires in 30 minutes on its own
    this.askedPermissions = { list: body.permissions ?? null, at: Date.now() };
    return { list: this.askedPermissions.list, earlier: false };
  }

  private async call<T>(method: Method, path: string, req: { params?: Record<string, unknown>; body?: unknown }): Promise<T> {
    const res = await this.send(method, path, req);
    return res.data as T;
  }

  /**
   * Each attempt takes a request slot; the wait before a retry does not. A request backing off
   * after a 429 or a timeout would otherwise hold its slot idle and starve the others.
   */
  private async send(
    method: Method,
    path: string,
    req: { params?: Record<string, unknown>; body?: unknown },
    readsOnly = SAFE.has(method),
  ): Promise<AxiosResponse> {
    // Failures count against maxRetries; a nonce that lost a race to a newer request (or a token
    // renewed under us) is not a failure of the service, so it has its own, generous, cap.
    for (let attempt = 0, resigned = 0, rebound = false; ;) {
      const outcome = await this.limit(() => this.attempt(method, path, req));
      if (!outcome.err) return outcome.res;
      let retryable = this.retryable(readsOnly ? 'GET' : method, outcome.err);
      const code = outcome.err.details.code;
      if (code === 'NONCE') retryable = await this.nonceRefused(outcome.err, outcome.used);
      if (code && BINDING.has(code)) {
        // A token renewed by another call meanwhile is simply used; our own token refused for a
        // changed IP or User-Agent is replaced, once. Refused again: the address keeps changing.
        const current = !!outcome.used?.token && this.token?.access === outcome.used.token;
        if (current && rebound) throw this.bindingError(outcome.err);
        if (current) {
          rebound = true;
          this.token = null;
          this.stats.tokenRebinds++;
        }
        retryable = 'now';
      }
      if (!retryable) throw outcome.err;
      if (retryable === 'now') {
        if (++resigned > MAX_RESIGN) throw outcome.err;
      } else if (attempt++ >= this.opts.maxRetries) throw outcome.err;
      this.stats.retries++;
      this.onRetry?.({
        method,
        path,
        attempt: attempt + resigned,
        reason: outcome.err.details.code ? `${outcome.err.details.code}: ${outcome.err.message}` : outcome.err.message,
        status: outcome.err.details.status,
        category: outcome.err.category,
      });
      if (retryable !== 'now') await sleep(this.opts.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }

  private retryable(method: Method, e: SplynxError): false | 'now' | 'backoff' {
    const { status, code, ambiguous } = e.details;
    if (e.category === 'authentication') {
      if (code === 'EXPIRED_ACCESS_TOKEN' || code === 'STALE_TOKEN') return 'now';
      return false;
    }
    if (status === 429) return 'backoff';
    if (e.category !== 'network') return false;
    // A write that may have landed must not be sent again blindly.
    if (ambiguous && !SAFE.has(method) && method !== 'PUT' && method !== 'DELETE') return false;
    return 'backoff';
  }

  /**
   * A signature refused for its nonce. Re-signed at once when another of our requests with a
   * higher nonce got there first (a race), or when Splynx's last nonce is only a little ahead (an
   * earlier run's drift); a key whose nonce is far ahead fails here, once and for all.
   */
  private async nonceRefused(e: SplynxError, used: Credential | undefined): Promise<false | 'now'> {
    if (this.aheadOfClock) throw this.aheadOfClock;
    const sent = used?.nonce ?? 0;
    const last = statedLastNonce(e.message);
    if (last !== null) {
      this.nonces.unexplained = 0;
      if (last - centiseconds() <= CATCH_UP_LIMIT_CS) {
        this.nonces.catchUp(last);
        return 'now';
      }
      throw (this.aheadOfClock = this.aheadError('signature', last, e));
    }
    if (sent < this.nonces.highest) return 'now';
    // Nothing of ours outran it and Splynx does not say by how much: give another client on the
    // key a moment, then say so rather than loop.
    if (++this.nonces.unexplained > MAX_UNEXPLAINED) throw (this.aheadOfClock = this.aheadError('signature', null, e));
    await sleep(50 * this.nonces.unexplained);
    return 'now';
  }

  private aheadError(channel: 'signature' | 'token', last: number | null, e: SplynxError): SplynxError {
    return new SplynxError(aheadOfClockMessage(channel, last), 'authentication', { status: e.status, code: 'NONCE_AHEAD_OF_CLOCK' });
  }

  private bindingError(e: SplynxError): SplynxError {
    return new SplynxError(
      `Splynx refused a fresh access token too (${e.details.code}): Splynx binds each token to the IP address and User-Agent that ` +
        'got it, and requests from this machine reach it from a changing address or User-Agent (a proxy or load balancer in between?). ' +
        'Send every request through one address, or use signature auth (SPLYNX_AUTH=signature).',
      'authentication',
      { status: e.status, code: e.details.code },
    );
  }

  private async attempt(method: Method, path: string, req: { params?: Record<string, unknown>; body?: unknown }): Promise<Outcome> {
    let used: Credential;
    try {
      used = await this.authorization();
    } catch (e) {
      // Getting a token failed: the request itself was never sent, so it cannot have landed, and
      // is safe to send again whatever its method (a 5xx from the token endpoint is not ambiguous here).
      return {
        err:
          e instanceof SplynxError
            ? new SplynxError(e.message, e.category, { ...e.details, ambiguous: false })
            : new SplynxError(`Splynx: ${(e as Error).message}`, 'network'),
      };
    }
    this.stats.requests++;
    let res: AxiosResponse;
    try {
      res = await this.http.request({
        method,
        url: path.replace(/^\/+/, ''),
        params: req.params,
        data: req.body,
        headers: { authorization: used.header },
      });
    } catch (e) {
      return { err: this.networkError(e, method), used };
    }
    if (res.status < 400) {
      if (used.nonce !== undefined) this.nonces.unexplained = 0;
      return { res };
    }
    const err = this.httpError(res, method, path);
    // Another call renewed the token while this one was in flight: the old one is revoked by design.
    const code = err.details.code;
    if (res.status === 401 && used.token && this.token && used.token !== this.token.access && !(code && BINDING.has(code))) {
      return { err: new SplynxError(err.message, 'authentication', { ...err.details, code: 'STALE_TOKEN' }), used };
    }
    return { err, used };
  }

  private networkError(e: unknown, method: Method): SplynxError {
    const err = e as { code?: string; message?: string };
    const timedOut = err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED';
    const refused = err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND';
    const what = timedOut
      ? `no answer within ${this.opts.timeoutMs} ms`
      : `cannot reach ${this.opts.url} (${err.code ?? err.message ?? 'unknown error'})`;
    // Refused connections never reached the server; anything else may have.
    return new SplynxError(`Splynx: ${what}`, 'network', { ambiguous: !refused && !SAFE.has(method), code: err.code });
  }

  private httpError(res: AxiosResponse, method?: Method, path?: string): SplynxError {
    const status = res.status;
    const body = res.data as
      { error?: { message?: string; code?: unknown; internal_code?: string } } | Array<{ field: string; message: string }> | undefined;
    if (status === 422 && Array.isArray(body)) {
      const list = body.map((f) => `${f.field}: ${f.message}`).join('; ');
      return new SplynxError(`Splynx refused the record (422): ${list}`, 'validation', { status, fields: body });
    }
    const err = !Array.isArray(body) ? body?.error : undefined;
    const message = err?.message ?? `HTTP ${status}`;
    if (status === 403 && method && path && !/nonce/i.test(message)) {
      const module = moduleOf(path);
      const where = module ? `in ${moduleTitle(module)} (${path})` : path;
      return new SplynxError(
        `Splynx: the API key may not ${ACTION_VERBS[actionOf(method)]} records ${where} (403${err?.internal_code ? ` ${err.internal_code}` : ''}): ${message}. ` +
          'Grant it in Splynx under Administration → API keys → Permissions.',
        'authentication',
        { status, code: err?.internal_code ?? 'FORBIDDEN' },
      );
    }
    if (status === 401 || status === 403) {
      const code = /nonce/i.test(message)
        ? 'NONCE'
        : /expired/i.test(message) || err?.internal_code === 'EXPIRED_ACCESS_TOKEN'
          ? 'EXPIRED_ACCESS_TOKEN'
          : err?.internal_code;
      if (code === 'EXPIRED_ACCESS_TOKEN') this.token = null;
      return new SplynxError(
        `Splynx: credentials refused (${status}): ${message}. Check SPLYNX_API_KEY, SPLYNX_API_SECRET and SPLYNX_AUTH.`,
        'authentication',
        { status, code },
      );
    }
    if (status === 429) {
      this.stats.rateLimited++;
      return new SplynxError('Splynx: too many requests (429)', 'network', { status });
    }
    if (status >= 500) return new SplynxError(`Splynx: server error (${status}): ${message}`, 'network', { status, ambiguous: true });
    return new SplynxError(`Splynx: ${message} (${status})`, 'api', { status, code: err?.internal_code });
  }

  private async authorization(): Promise<Credential> {
    const { auth, key, secret } = this.opts;
    if (auth === 'basic') return { header: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
    if (auth === 'signature') {
      if (this.aheadOfClock) throw this.aheadOfClock;
      const nonce = this.nonces.next();
      return {
        header: `Splynx-EA (key=${encodeURIComponent(key)}&nonce=${nonce}&signature=${splynxSignature(secret, nonce, key)})`,
        nonce,
      };
    }
    await this.ensureToken();
    const token = this.token!.access;
    return { header: `Splynx-EA (access_token=${token})`, token };
  }

  /** One token request at a time, shared by every waiting call. */
  private async ensureToken(): Promise<void> {
    const fresh = this.token && this.token.expiresAt - 60_000 > Date.now();
    if (fresh) return;
    this.tokenPending ??= this.fetchToken().finally(() => (this.tokenPending = null));
    await this.tokenPending;
  }

  private async fetchToken(): Promise<void> {
    const renewing = this.token;
    let body: TokenBody | null = null;
    try {
      if (renewing) {
        const res = await this.http.get(`admin/auth/tokens/${encodeURIComponent(renewing.refresh)}`);
        this.stats.requests++;
        if (res.status < 400) body = res.data as TokenBody;
        else this.token = null;
      }
    } catch (e) {
      throw this.networkError(e, 'GET');
    }
    if (!body) {
      body = await this.generateToken();
      this.tokenPermissionList = body.permissions;
    }
    this.stats.tokenRenewals++;
    // Trust the server's expiry only when our clocks roughly agree; otherwise use the documented 30 minutes.
    const lifetime = body.access_token_expiration * 1000 - Date.now();
    const expiresAt = lifetime > 60_000 && lifetime < 24 * 3600_000 ? Date.now() + lifetime : Date.now() + 30 * 60_000;
    this.token = { access: body.access_token, refresh: body.refresh_token, expiresAt };
  }

  /**
   * `POST admin/auth/tokens` with the key: seconds first, as the blueprint says; centiseconds from
   * the header's counter once Splynx refused seconds for a nonce in a larger unit (it then counts
   * one nonce per key, see nonce.ts). A refusal in seconds (another process's token in the same
   * second) is caught up with in seconds, so a seconds-only client on the key is never passed by.
   */
  private async generateToken(): Promise<TokenBody> {
    const { key, secret } = this.opts;
    let waited = false;
    for (let tries = 0; ; tries++) {
      if (this.aheadOfClock) throw this.aheadOfClock;
      const unit = this.nonces.tokenUnit;
      const nonce = this.nonces.nextToken();
      let res: AxiosResponse;
      try {
        this.stats.requests++;
        res = await this.http.post('admin/auth/tokens', {
          auth_type: 'api_key',
          key,
          nonce,
          signature: splynxSignature(secret, nonce, key),
        });
      } catch (e) {
        throw this.networkError(e, 'GET');
      }
      if (res.status < 400) return res.data as TokenBody;
      const err = this.httpError(res);
      if (res.status !== 401 || tries >= 4) throw err;
      // Splynx named another cause (a wrong key or signature): no nonce will help.
      if (err.details.code !== 'NONCE' && /signature|key|secret/i.test(err.message.split(' Check ')[0])) throw err;
      const last = statedLastNonce(err.message);
      if (unit === 'seconds') {
        const nowS = Math.floor(Date.now() / 1000);
        if (last !== null && last < nowS * 10 && last - nowS <= CATCH_UP_LIMIT_CS / 100) this.nonces.catchUpSeconds(last);
        else if (last === null && !waited) {
          // Splynx does not say why: a token request in the same second elsewhere looks just like this.
          waited = true;
          await sleep(1_100);
        } else this.nonces.tokenUnit = 'centiseconds';
        continue;
      }
      if (err.details.code !== 'NONCE') throw err;
      if (last === null || last - centiseconds() > CATCH_UP_LIMIT_CS) throw (this.aheadOfClock = this.aheadError('token', last, err));
      this.nonces.catchUp(last);
    }
  }
}

interface TokenBody {
  access_token: string;
  refresh_token: string;
  access_token_expiration: number;
  permissions?: unknown;
}
