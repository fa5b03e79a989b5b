/**
 * The Splynx REST v2.0 client (axios underneath).
 * - Three auth methods: the per-request `Splynx-EA` signature, access tokens (renewed before they
 *   expire, and once more on an "expired" answer), and Basic for keys with unsecure access.
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
}

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
}

type Method = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'DELETE';
const SAFE = new Set<Method>(['GET', 'HEAD', 'OPTIONS']);

export function splynxSignature(secret: string, nonce: number, key: string): string {
  return createHmac('sha256', secret).update(`${nonce}${key}`).digest('hex').toUpperCase();
}

/** Re-signed or re-authorised attempts allowed per request, beyond the failure retries. */
const MAX_RESIGN = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SplynxApi {
  readonly stats: SplynxClientStats = { requests: 0, retries: 0, rateLimited: 0, tokenRenewals: 0 };
  private readonly http: AxiosInstance;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly opts: Required<SplynxClientOptions>;
  private lastNonce = 0;
  private lastTokenNonce = 0;
  private token: { access: string; refresh: string; expiresAt: number } | null = null;
  private tokenPending: Promise<void> | null = null;

  constructor(options: SplynxClientOptions) {
    this.opts = {
      auth: 'signature',
      concurrency: 8,
      timeoutMs: 30_000,
      maxRetries: 5,
      retryBaseMs: 500,
      ...options,
      url: options.url.replace(/\/+$/, ''),
    };
    this.http = axios.create({
      baseURL: `${this.opts.url}/api/2.0/`,
      timeout: this.opts.timeoutMs,
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
    for (let attempt = 0, resigned = 0; ;) {
      const outcome = await this.limit(() => this.attempt(method, path, req));
      if (!(outcome instanceof SplynxError)) return outcome;
      const retryable = this.retryable(readsOnly ? 'GET' : method, outcome);
      if (!retryable) throw outcome;
      if (retryable === 'now') {
        if (++resigned > MAX_RESIGN) throw outcome;
      } else if (attempt++ >= this.opts.maxRetries) throw outcome;
      this.stats.retries++;
      if (retryable !== 'now') await sleep(this.opts.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }

  private retryable(method: Method, e: SplynxError): false | 'now' | 'backoff' {
    const { status, code, ambiguous } = e.details;
    if (e.category === 'authentication') {
      if (code === 'NONCE') return 'now';
      if (code === 'EXPIRED_ACCESS_TOKEN' || code === 'STALE_TOKEN') return 'now';
      return false;
    }
    if (status === 429) return 'backoff';
    if (e.category !== 'network') return false;
    // A write that may have landed must not be sent again blindly.
    if (ambiguous && !SAFE.has(method) && method !== 'PUT' && method !== 'DELETE') return false;
    return 'backoff';
  }

  private async attempt(
    method: Method,
    path: string,
    req: { params?: Record<string, unknown>; body?: unknown },
  ): Promise<AxiosResponse | SplynxError> {
    let authorization: string;
    try {
      authorization = await this.authorization();
    } catch (e) {
      // Getting a token failed: the request itself was never sent, so it cannot have landed, and
      // is safe to send again whatever its method (a 5xx from the token endpoint is not ambiguous here).
      return e instanceof SplynxError
        ? new SplynxError(e.message, e.category, { ...e.details, ambiguous: false })
        : new SplynxError(`Splynx: ${(e as Error).message}`, 'network');
    }
    this.stats.requests++;
    let res: AxiosResponse;
    try {
      res = await this.http.request({
        method,
        url: path.replace(/^\/+/, ''),
        params: req.params,
        data: req.body,
        headers: { authorization },
      });
    } catch (e) {
      return this.networkError(e, method);
    }
    if (res.status < 400) return res;
    const err = this.httpError(res);
    // Another call renewed the token while this one was in flight: the old one is revoked by design.
    if (res.status === 401 && this.opts.auth === 'token' && this.token && !authorization.includes(this.token.access)) {
      return new SplynxError(err.message, 'authentication', { ...err.details, code: 'STALE_TOKEN' });
    }
    return err;
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

  private httpError(res: AxiosResponse): SplynxError {
    const status = res.status;
    const body = res.data as
      { error?: { message?: string; code?: unknown; internal_code?: string } } | Array<{ field: string; message: string }> | undefined;
    if (status === 422 && Array.isArray(body)) {
      const list = body.map((f) => `${f.field}: ${f.message}`).join('; ');
      return new SplynxError(`Splynx refused the record (422): ${list}`, 'validation', { status, fields: body });
    }
    const err = !Array.isArray(body) ? body?.error : undefined;
    const message = err?.message ?? `HTTP ${status}`;
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

  private async authorization(): Promise<string> {
    const { auth, key, secret } = this.opts;
    if (auth === 'basic') return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    if (auth === 'signature') {
      // Increasing across restarts too: microseconds since the epoch, bumped when calls share one.
      this.lastNonce = Math.max(this.lastNonce + 1, Date.now() * 1000);
      return `Splynx-EA (key=${encodeURIComponent(key)}&nonce=${this.lastNonce}&signature=${splynxSignature(secret, this.lastNonce, key)})`;
    }
    await this.ensureToken();
    return `Splynx-EA (access_token=${this.token!.access})`;
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
    let res: AxiosResponse;
    try {
      if (renewing) {
        res = await this.http.get(`admin/auth/tokens/${encodeURIComponent(renewing.refresh)}`);
        if (res.status >= 400) this.token = null;
      }
      if (!renewing || res!.status >= 400) {
        this.lastTokenNonce = Math.max(this.lastTokenNonce + 1, Math.floor(Date.now() / 1000));
        const nonce = this.lastTokenNonce;
        res = await this.http.post('admin/auth/tokens', {
          auth_type: 'api_key',
          key: this.opts.key,
          nonce,
          signature: splynxSignature(this.opts.secret, nonce, this.opts.key),
        });
      }
    } catch (e) {
      throw this.networkError(e, 'GET');
    }
    if (res!.status >= 400) throw this.httpError(res!);
    const body = res!.data as { access_token: string; refresh_token: string; access_token_expiration: number };
    this.stats.tokenRenewals++;
    // Trust the server's expiry only when our clocks roughly agree; otherwise use the documented 30 minutes.
    const lifetime = body.access_token_expiration * 1000 - Date.now();
    const expiresAt = lifetime > 60_000 && lifetime < 24 * 3600_000 ? Date.now() + lifetime : Date.now() + 30 * 60_000;
    this.token = { access: body.access_token, refresh: body.refresh_token, expiresAt };
  }
}
