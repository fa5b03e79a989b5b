/**
 * Splynx's three ways in: Basic (only with "unsecure access" ticked on the key), the per-request
 * `Splynx-EA (key&nonce&signature)` signature, and access tokens from `admin/auth/tokens`.
 * Time comes from the injected clock so tests can expire tokens without waiting.
 *
 * - Nonces must increase per key. Whether a real Splynx keeps one counter for the signature header
 *   and token requests together, or one each, is not documented: `nonceCounter` models both, one
 *   per key (the default: the stricter, and what the official PHP client's single centisecond
 *   nonce suggests) or one per channel.
 * - An access token (and its refresh token) works only from the IP and User-Agent that got it
 *   (blueprint L212–213, L589–590); otherwise 401 `IP_CHANGED` / `USER_AGENT_CHANGED`. The blueprint
 *   pairs no status with these codes; 401 is its status for "not a valid access token".
 * - Every way in carries the key's permissions (permissions.ts); an administrator's token has all.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import qs from 'qs';
import type { Reply } from '../http.js';
import { errorReply, unauthorized } from './replies.js';
import type { SplynxStore } from './store.js';
import { registerCredential } from '../credentials.js';
import { FULL_PERMISSIONS, permissionList, type KeyPermissions } from './permissions.js';

export const ACCESS_TOKEN_SECONDS = 30 * 60;
export const REFRESH_TOKEN_SECONDS = 365 * 24 * 60 * 60;

export interface AuthOptions {
  apiKey: string;
  apiSecret: string;
  unsecureBasic: boolean;
  store: SplynxStore;
  now: () => Date;
  /** What the key may do; default everything. */
  permissions?: KeyPermissions;
  /** `per-key` (default): header and token requests share one nonce counter; `per-channel`: one each. */
  nonceCounter?: NonceCounter;
}

export type NonceCounter = 'per-key' | 'per-channel';

/** Who is calling, as far as token binding goes. */
export interface Caller {
  ip: string;
  userAgent: string;
}

interface TokenPair {
  access: string;
  accessExpires: number;
  refresh: string;
  refreshExpires: number;
  ip: string;
  userAgent: string;
  permissions: KeyPermissions;
}

/** Either the 401 to send, or what the caller may do. */
export type Authorized = { refused: Reply; permissions?: undefined } | { refused?: undefined; permissions: KeyPermissions };

export function signature(secret: string, nonce: string | number, key: string): string {
  return createHmac('sha256', secret).update(`${nonce}${key}`).digest('hex').toUpperCase();
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const newToken = () => randomBytes(16).toString('hex');

export class SplynxAuth {
  /** Last accepted nonce, per counter: `key` when shared, else `header` and `token`. */
  private lastNonce: Record<string, number> = { key: -1, header: -1, token: -1 };
  private byAccess = new Map<string, TokenPair>();
  private byRefresh = new Map<string, TokenPair>();
  private readonly permissions: KeyPermissions;

  constructor(private readonly opts: AuthOptions) {
    this.permissions = opts.permissions ?? FULL_PERMISSIONS;
  }

  private counter(channel: 'header' | 'token'): string {
    return (this.opts.nonceCounter ?? 'per-key') === 'per-key' ? 'key' : channel;
  }

  private seconds(): number {
    return Math.floor(this.opts.now().getTime() / 1000);
  }

  /** undefined when the request may proceed, otherwise the 401 to send. */
  check(header: string | undefined, caller: Caller): Reply | undefined {
    return this.authorize(header, caller).refused;
  }

  /** The 401 to send, or the permissions the request carries. */
  authorize(header: string | undefined, caller: Caller): Authorized {
    const refused = (reply: Reply | undefined): Authorized => (reply ? { refused: reply } : { permissions: this.permissions });
    if (!header?.trim()) return refused(unauthorized('MISSED_AUTHORIZATION_HEADER', 'Authorization header is missing'));
    const basic = /^Basic\s+(.+)$/i.exec(header.trim());
    if (basic) return refused(this.checkBasic(basic[1]));
    const ea = /^Splynx-EA\s*\((.*)\)\s*$/i.exec(header.trim());
    if (!ea) return refused(unauthorized('UNAUTHORIZED', 'Unsupported Authorization scheme: use Basic or Splynx-EA'));
    const params = qs.parse(ea[1]) as Record<string, unknown>;
    if ('access_token' in params) return this.checkAccessToken(String(params.access_token ?? ''), caller);
    return refused(this.checkSignature(params, 'header'));
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
    const counter = this.counter(channel);
    if (n <= this.lastNonce[counter])
      return unauthorized(
        'UNAUTHORIZED',
        `Nonce ${nonce} is not greater than the last accepted nonce ${this.lastNonce[counter]}; nonces must increase with every request`,
      );
    this.lastNonce[counter] = n;
    return undefined;
  }

  /** The token was issued to another IP or User-Agent: the blueprint's codes, IP first. */
  private static binding(pair: TokenPair, caller: Caller): Reply | undefined {
    if (pair.ip !== caller.ip)
      return unauthorized('IP_CHANGED', 'Trying make request from unknown IP: the token was generated from another IP address');
    if (pair.userAgent !== caller.userAgent)
      return unauthorized(
        'USER_AGENT_CHANGED',
        'Trying make request with changed user agent: the token was generated with another User-Agent',
      );
    return undefined;
  }

  private checkAccessToken(token: string, caller: Caller): Authorized {
    if (!token) return { refused: unauthorized('EMPTY_ACCESS_TOKEN', 'Access token is empty') };
    const pair = this.byAccess.get(token);
    if (!pair) return { refused: unauthorized('UNAUTHORIZED', 'Invalid access token') };
    const moved = SplynxAuth.binding(pair, caller);
    if (moved) return { refused: moved };
    if (pair.accessExpires <= this.seconds()) return { refused: unauthorized('EXPIRED_ACCESS_TOKEN', 'Access token is expired') };
    return { permissions: pair.permissions };
  }

  private issue(caller: Caller, permissions: KeyPermissions): TokenPair {
    const now = this.seconds();
    const pair = {
      access: newToken(),
      accessExpires: now + ACCESS_TOKEN_SECONDS,
      refresh: newToken(),
      refreshExpires: now + REFRESH_TOKEN_SECONDS,
      ip: caller.ip,
      userAgent: caller.userAgent,
      permissions,
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

  /**
   * `POST admin/auth/tokens`. An api_key token lists the key's permissions; an administrator's
   * lists none (`[]`, as in the blueprint's example) and may do everything.
   */
  createToken(body: Record<string, unknown>, caller: Caller): Reply {
    const type = body.auth_type;
    if (type === 'api_key') {
      const refused = this.checkSignature(body, 'token');
      if (refused) return refused;
      return {
        status: 201,
        body: { ...SplynxAuth.body(this.issue(caller, this.permissions)), permissions: permissionList(this.permissions) },
      };
    } else if (type === 'admin' || type === 'customer') {
      const table = type === 'admin' ? 'administrators' : 'customers';
      const login = String(body.login ?? '').toLowerCase();
      const user = this.opts.store.find(table, (u) => String(u.login).toLowerCase() === login);
      if (!login || !user || !user.password || String(user.password) !== String(body.password ?? ''))
        return unauthorized('INVALID_USER', 'Invalid login or password');
    } else {
      return errorReply(400, 'INVALID_AUTH_TYPE', `Invalid auth_type "${String(type ?? '')}": use admin, customer or api_key`);
    }
    return { status: 201, body: { ...SplynxAuth.body(this.issue(caller, FULL_PERMISSIONS)), permissions: [] } };
  }

  /** `GET admin/auth/tokens/{refresh_token}`: a new pair; the old one stops working. */
  renew(refreshToken: string, caller: Caller): Reply {
    const pair = this.byRefresh.get(refreshToken);
    if (!pair) return errorReply(404, 'NOT_FOUND', 'Refresh token not found');
    const moved = SplynxAuth.binding(pair, caller);
    if (moved) return moved;
    if (pair.refreshExpires <= this.seconds()) {
      this.revoke(pair);
      return unauthorized('EXPIRED_REFRESH_TOKEN', 'Refresh token is expired');
    }
    this.revoke(pair);
    return { status: 200, body: SplynxAuth.body(this.issue(caller, pair.permissions)) };
  }

  /** `DELETE admin/auth/tokens/{token}`, by access or refresh token. */
  remove(token: string): Reply {
    const pair = this.byAccess.get(token) ?? this.byRefresh.get(token);
    if (!pair) return errorReply(404, 'NOT_FOUND', 'Token not found');
    this.revoke(pair);
    return { status: 204 };
  }
}
