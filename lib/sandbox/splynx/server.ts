/**
 * A faithful in-memory Splynx REST API v2.0 for migration rehearsals: the real auth schemes,
 * status codes, error bodies, string-typed answers and validation rules, behind the shared
 * fault-injecting HTTP shell.
 */
import { randomBytes } from 'node:crypto';
import { startSandboxServer, type RunningServer, type SandboxRequest, type SandboxServerOptions } from '../http.js';
import { FaultController } from '../faults.js';
import { SplynxAuth, type Caller, type NonceCounter } from './auth.js';
import { checkPermission, parsePermissionSpec, type KeyPermissions } from './permissions.js';
import { BodyError, parseBody, type ParsedBody } from './body.js';
import { CrudEngine } from './crud.js';
import { parseQuery } from './query.js';
import { errorReply, notFound } from './replies.js';
import { dispatch } from './routes.js';
import { seedFreshInstance } from './seed.js';
import { SplynxStore } from './store.js';
import { registerCredential } from '../credentials.js';
import { radiusRoute } from './access/radius.js';

export interface SplynxSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** Splynx's "unsecure access" checkbox: allows HTTP Basic with the key and secret. */
  unsecureBasic?: boolean;
  /** The seeded administrator (id 1), usable for `auth_type: admin` tokens. */
  admin?: { login: string; password: string };
  port?: number;
  host?: string;
  faults?: FaultController;
  now?: () => Date;
  /** Sees every request carried out, with its reply, in the order they were carried out (see http.ts). */
  observe?: SandboxServerOptions['observe'];
  /**
   * What the API key may do, per module (see permissions.ts): a spec such as
   * `"*;finance=view,edit,delete"`, or the parsed form. Default: everything.
   */
  permissions?: string | KeyPermissions;
  /** One nonce counter per key (default) or one per channel (header signatures, token requests). */
  nonceCounter?: NonceCounter;
}

/**
 * Requests to the token endpoints: they change no record, yet POST and DELETE count among the
 * shell's writes (and 201 among its statuses), so tests counting records' writes subtract these.
 */
export interface TokenStats {
  /** POST and DELETE on `admin/auth/tokens…`, as the shell counts writes (faulted ones too). */
  writes: number;
  /** Tokens created (201). */
  created: number;
}

export type SplynxSandbox = RunningServer & {
  store: SplynxStore;
  admin: { login: string; password: string };
  tokenStats: () => TokenStats;
};

const API_PREFIX = '/api/2.0/';
const TOKENS = /^admin\/auth\/tokens(?:\/([^/]+))?\/?$/;

export async function startSplynxSandbox(opts: SplynxSandboxOptions): Promise<SplynxSandbox> {
  const now = opts.now ?? (() => new Date());
  const admin = opts.admin ?? { login: 'admin', password: randomBytes(12).toString('hex') };
  registerCredential('Splynx API key', opts.apiKey);
  registerCredential('Splynx API secret', opts.apiSecret);
  registerCredential('Splynx Basic credentials', Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64'));
  registerCredential('Splynx administrator password', admin.password);
  const store = new SplynxStore((s) => seedFreshInstance(s, { admin }));
  const engine = new CrudEngine(store, now);
  const auth = new SplynxAuth({
    apiKey: opts.apiKey,
    apiSecret: opts.apiSecret,
    unsecureBasic: opts.unsecureBasic ?? false,
    store,
    now,
    permissions: typeof opts.permissions === 'string' ? parsePermissionSpec(opts.permissions) : opts.permissions,
    nonceCounter: opts.nonceCounter,
  });

  const tokenStats: TokenStats = { writes: 0, created: 0 };
  const isTokenPath = (p: string) => p.startsWith(API_PREFIX) && TOKENS.test(p.slice(API_PREFIX.length));

  function handler(req: SandboxRequest) {
    if (!req.path.startsWith(API_PREFIX)) return notFound(`Unknown path "${req.path}"`);
    const path = req.path.slice(API_PREFIX.length);
    const caller: Caller = { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') };
    let parsed: ParsedBody | undefined;
    const body = () => (parsed ??= parseBody(req));
    try {
      // Token endpoints are how a client gets credentials, so they take none.
      const token = TOKENS.exec(path);
      if (token) {
        if (req.method === 'POST' && !token[1]) {
          const reply = auth.createToken(body().fields, caller);
          if (reply.status === 201) tokenStats.created++;
          return reply;
        }
        if (req.method === 'GET' && token[1]) return auth.renew(token[1], caller);
        if (req.method === 'DELETE' && token[1]) return auth.remove(token[1]);
        return errorReply(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed here`);
      }
      // `admin/api/check` answers without credentials unless asked to check them (checkAuth=true).
      if (/^admin\/api\/check\/?$/.test(path) && req.method === 'GET') {
        const checkAuth = /^(1|true)$/i.test(new URLSearchParams(req.query).get('checkAuth') ?? '');
        const denied = checkAuth ? auth.check(req.headers.authorization, caller) : undefined;
        return denied ?? { status: 200, body: { status: 'ok', message: 'API is valid', same_server: false } };
      }
      const who = auth.authorize(req.headers.authorization, caller);
      if (who.refused) return who.refused;
      const forbidden = checkPermission(who.permissions, path.replace(/\/+$/, '') + '/', req.method);
      if (forbidden) return forbidden;
      return dispatch(path, { method: req.method, params: parseQuery(req.query), body, engine });
    } catch (e) {
      if (e instanceof BodyError) return errorReply(400, 'BAD_REQUEST', e.message);
      throw e;
    }
  }

  const server = await startSandboxServer({
    name: 'splynx',
    port: opts.port,
    host: opts.host,
    faults: opts.faults,
    observe: opts.observe,
    handler,
    // A charge preview is a POST that stores nothing (billing/to-bill.ts): a read, with nothing to commit.
    isWrite: (req) => {
      const write = ['POST', 'PUT', 'DELETE'].includes(req.method) && !/--preview$/.test(req.path);
      if (write && isTokenPath(req.path)) tokenStats.writes++;
      return write;
    },
    tooManyRequests: () => errorReply(429, 'TOO_MANY_REQUESTS', 'Too many requests', { 'Retry-After': '1' }),
    serverError: (status) => errorReply(status, 'SERVER_ERROR', 'Internal server error'),
    control: (sub, req) => {
      if (sub === 'counts' && req.method === 'GET') return { status: 200, body: store.counts() };
      if (sub === 'reset' && req.method === 'POST') {
        store.reset();
        return { status: 200, body: { reset: true } };
      }
      if (sub === 'radius/authorize' && req.method === 'POST') {
        try {
          return radiusRoute(store, now(), parseBody(req).fields);
        } catch (e) {
          if (e instanceof BodyError) return { status: 400, body: { error: e.message } };
          throw e;
        }
      }
      return undefined;
    },
  });
  return { ...server, store, admin, tokenStats: () => ({ ...tokenStats }) };
}
