/**
 * Splynx's three ways in: Basic (only with "unsecure access" ticked on the key), the per-request
 * `Splynx-EA (key&nonce&signature)` signature, and access tokens from `admin/auth/tokens`.
 * Time comes from the injected clock so tests can expire tokens without waiting.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import qs from 'qs';
import type { Reply } from '../http.js';
import { errorReply, unauthorized } from './replies.js';
import type { SplynxStore } from './store.js';
import { registerCredential } from '../credentials.js';

export const ACCESS_TOKEN_SECONDS = 30 * 60;
export const REFRESH_TOKEN_SECONDS = 365 * 24 * 60 * 60;

export interface AuthOptions {
  apiKey: string;
  apiSecret: string;
  unsecureBasic: boolean;
  store: SplynxStore;
  now: () => Date;
}

interface TokenPair {
  access: string;
  accessExpires: number;
  refresh: string;
  refreshExpires: number;
}

export function signature(secret: string, nonce: string | number, key: string): string {
  return createHmac('sha256', secret).update(`${nonce}${key}`).digest('hex').toUpperCase();
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const newToken = () => randomBytes(16).toString('hex');

export class SplynxAuth {
  /**
   * Last accepted nonce, per channel. Header signatures conventionally use centiseconds and token
   * requests use seconds, so one shared counter would lock a client out after its first token.
   */
  private lastNonce = { header: -1, token: -1 };
  private byAccess = new Map<string, TokenPair>();
  private byRefresh = new Map<string, TokenPair>();

  constructor(private readonly opts: AuthOptions) {}

  private seconds(): number {
    return Math.floor(this.opts.now().getTime() / 1000);
  }

  /** undefined when the request may proceed, otherwise the 401 to send. */
  check(header: string | undefined): Reply | undefined {
    if (!header?.trim()) return unauthorized('MISSED_AUTHORIZATION_HEADER', 'Authorization header is missing');
    const basic = /^Basic\s+(.+)$/i.exec(header.trim());
    if (basic) return this.checkBasic(basic[1]);
    const ea = /^Splynx-EA\s*\((.*)\)\s*$/i.exec(header.trim());
    if (!ea) return unauthorized('UNAUTHORIZED', 'Unsupported Authorization scheme: use Basic or Splynx-EA');
    const params = qs.parse(ea[1]) as Record<string, unknown>;
    if ('access_token' in params) return this.checkAccessToken(String(params.access_token ?? ''));
    return this.checkSignature(params, 'header');
  }

  private checkBasic(encoded: string): Reply | undefined {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [key, secret] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (key !== this.opts.apiKey || !same(secret, this.opts.apiSecret)) return unauthorized('UNAUTHORIZED', 'Invalid API key or secret');
    if (!this.opts.unsecureBasic) return unauthorized('UNAUTHORIZED', 'Unsecure access (Basic authorization) is disabled for this API key');
    return undefined;
  }

  private checkSignature(params: Record<string, unknown>, channel: 'header' | 'token'): Reply | undefined {
    const key = typeof params.key === 'string' ? params.key : '';
    const nonce = typeof params.nonce === 'string' || typeof params.nonce === 'number' ? String(params.nonce) : '';
    const sig = typeof params.signature === 'string' ? params.signature : '';
    if (!key || !nonce || !sig) return unauthorized('UNAUTHORIZED', 'Signature authorization needs key, nonce and signature');
    if (key !== this.opts.apiKey) return unauthorized('UNAUTHORIZED', 'Unknown API key');
    if (!/^\d+$/.test(nonce)) return unauthorized('UNAUTHORIZED', 'Nonce must be a positive integer');
    if (!same(sig, signature(this.opts.apiSecret, nonce, key))) return unauthorized('UNAUTHORIZED', 'Invalid signature');
    const n = Number(nonce);
    if (n <= this.lastNonce[channel])
      return unauthorized(
        'UNAUTHORIZED',
        `Nonce ${nonce} is not greater than the last accepted nonce ${this.lastNonce[channel]}; nonces must increase with every request`,
      );
    this.lastNonce[channel] = n;
    return undefined;
  }

  private checkAccessToken(token: string): Reply | undefined {
    if (!token) return unauthorized('EMPTY_ACCESS_TOKEN', 'Access token is empty');
    const pair = this.byAccess.get(token);
    if (!pair) return unauthorized('UNAUTHORIZED', 'Invalid access token');
    if (pair.accessExpires <= this.seconds()) return unauthorized('EXPIRED_ACCESS_TOKEN', 'Access token is expired');
    return undefined;
  }

  private issue(): TokenPair {
    const now = this.seconds();
    const pair = {
      access: newToken(),
      accessExpires: now + ACCESS_TOKEN_SECONDS,
      refresh: newToken(),
      refreshExpires: now + REFRESH_TOKEN_SECONDS,
    };
    this.byAccess.set(pair.access, pair);
    this.byRefresh.set(pair.refresh, pair);
    registerCredential('Splynx access token', pair.access);
    registerCredential('Splynx refresh token', pair.refresh);
    return pair;
  }

  private revoke(pair: TokenPair): void {
    this.byAccess.delete(pair.access);
    this.byRefresh.delete(pair.refresh);
  }

  private static body(pair: TokenPair) {
    return {
      access_token: pair.access,
      access_token_expiration: pair.accessExpires,
      refresh_token: pair.refresh,
      refresh_token_expiration: pair.refreshExpires,
    };
  }

  /** `POST admin/auth/tokens`. */
  createToken(body: Record<string, unknown>): Reply {
    const type = body.auth_type;
    if (type === 'api_key') {
      const refused = this.checkSignature(body, 'token');
      if (refused) return refused;
    } else if (type === 'admin' || type === 'customer') {
      const table = type === 'admin' ? 'administrators' : 'customers';
      const login = String(body.login ?? '').toLowerCase();
      const user = this.opts.store.find(table, (u) => String(u.login).toLowerCase() === login);
      if (!login || !user || !user.password || String(user.password) !== String(body.password ?? ''))
        return unauthorized('INVALID_USER', 'Invalid login or password');
    } else {
      return errorReply(400, 'INVALID_AUTH_TYPE', `Invalid auth_type "${String(type ?? '')}": use admin, customer or api_key`);
    }
    return { status: 201, body: { ...SplynxAuth.body(this.issue()), permissions: [] } };
  }

  /** `GET admin/auth/tokens/{refresh_token}`: a new pair; the old one stops working. */
  renew(refreshToken: string): Reply {
    const pair = this.byRefresh.get(refreshToken);
    if (!pair) return errorReply(404, 'NOT_FOUND', 'Refresh token not found');
    if (pair.refreshExpires <= this.seconds()) {
      this.revoke(pair);
      return unauthorized('EXPIRED_REFRESH_TOKEN', 'Refresh token is expired');
    }
    this.revoke(pair);
    return { status: 200, body: SplynxAuth.body(this.issue()) };
  }

  /** `DELETE admin/auth/tokens/{token}`, by access or refresh token. */
  remove(token: string): Reply {
    const pair = this.byAccess.get(token) ?? this.byRefresh.get(token);
    if (!pair) return errorReply(404, 'NOT_FOUND', 'Token not found');
    this.revoke(pair);
    return { status: 204 };
  }
}
