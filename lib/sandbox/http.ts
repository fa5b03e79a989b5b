/**
 * The HTTP shell shared by both sandboxes. Each sandbox is a pure `(request) => reply` function;
 * this shell owns the socket, so it alone decides whether the reply is delivered, delayed,
 * replaced by a fault, or never sent (see faults.ts). Keeping that in one place is what lets
 * "commit then drop" mean the same thing on both sides.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultController, parseFaultSpec, type FaultKind } from './faults.js';

export interface SandboxRequest {
  method: string;
  /** Path without the query string, e.g. `/api/2.0/admin/customers/customer/5`. */
  path: string;
  /** Raw query string without `?` (sandboxes parse it their own way: Splynx uses PHP brackets). */
  query: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ip: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings and buffers as they are; undefined sends no body. */
  body?: unknown;
}

export type Handler = (req: SandboxRequest) => Promise<Reply> | Reply;

export interface ServerStats {
  requests: number;
  writes: number;
  byStatus: Record<string, number>;
  faults: Record<FaultKind, number>;
}

export interface SandboxServerOptions {
  /** `sonar` or `splynx`: the scope used for scoped fault keys, and for messages. */
  name: string;
  port?: number;
  host?: string;
  handler: Handler;
  faults?: FaultController;
  /** Which requests change state (the only ones "commit then drop" applies to). */
  isWrite: (req: SandboxRequest) => boolean;
  /** Body of an injected 429, in the service's own words. */
  tooManyRequests: () => Reply;
  /** Body of an injected 5xx, in the service's own words. */
  serverError: (status: number) => Reply;
  /**
   * Called with every API request the handler carried out and its reply, in the order the
   * handler ran them (which is the order the sandbox stored writes): tests check request order.
   */
  observe?: (req: SandboxRequest, reply: Reply) => void;
  /** Extra control routes under `/__sandbox/` (e.g. data changes for tests). */
  control?: (sub: string, req: SandboxRequest) => Promise<Reply | undefined> | Reply | undefined;
}

export interface RunningServer {
  name: string;
  url: string;
  port: number;
  faults: FaultController;
  stats: () => ServerStats;
  close: () => Promise<void>;
}

const MAX_BODY = 25 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: Buffer | string | undefined;
  if (reply.body === undefined) payload = undefined;
  else if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') payload = reply.body;
  else {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export async function startSandboxServer(opts: SandboxServerOptions): Promise<RunningServer> {
  const faults = opts.faults ?? new FaultController();
  const sockets = new Set<Socket>();
  const hangs = new Set<NodeJS.Timeout>();
  const stats: ServerStats = { requests: 0, writes: 0, byStatus: {}, faults: faults.injected };

  const server = http.createServer(async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res.socket?.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const sreq: SandboxRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodeURIComponent(url.pathname),
      query: (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '',
      headers: req.headers,
      body,
      ip: req.socket.remoteAddress ?? '',
    };

    if (sreq.path.startsWith('/__sandbox/')) {
      send(res, await controlRoute(sreq));
      return;
    }

    stats.requests++;
    const write = opts.isWrite(sreq);
    if (write) stats.writes++;
    const delay = faults.delayMs();
    if (delay > 0) await sleep(delay);

    const fate = faults.roll(write);
    const count = (status: number) => (stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1);
    switch (fate) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang': {
        const t = setTimeout(() => {
          hangs.delete(t);
          req.socket.destroy();
        }, faults.current.hangMs);
        hangs.add(t);
        return;
      }
      case '429':
        count(429);
        send(res, opts.tooManyRequests());
        return;
      case '5xx': {
        const status = [500, 502, 503][stats.requests % 3];
        count(status);
        send(res, opts.serverError(status));
        return;
      }
    }

    let reply: Reply;
    try {
      reply = await opts.handler(sreq);
    } catch (err) {
      // A sandbox bug must look like what it is, not like a client mistake.
      console.error(`[${opts.name}] handler error:`, err);
      reply = opts.serverError(500);
    }
    opts.observe?.(sreq, reply);
    if (fate === 'commit-drop') {
      req.socket.destroy();
      return;
    }
    if (fate === 'commit-5xx') reply = opts.serverError(500);
    count(reply.status);
    send(res, reply);
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function controlRoute(req: SandboxRequest): Promise<Reply> {
    const sub = req.path.slice('/__sandbox/'.length);
    if (sub === 'stats' && req.method === 'GET') return { status: 200, body: stats };
    if (sub === 'faults' && req.method === 'GET') return { status: 200, body: faults.current };
    if (sub === 'faults' && req.method === 'PUT') {
      try {
        const text = req.body.toString('utf8').trim();
        const spec = text.startsWith('{') ? { ...faults.current, ...JSON.parse(text) } : parseFaultSpec(text, opts.name);
        faults.set(spec);
        return { status: 200, body: faults.current };
      } catch (e) {
        return { status: 400, body: { error: (e as Error).message } };
      }
    }
    const extra = await opts.control?.(sub, req);
    return extra ?? { status: 404, body: { error: `no control route ${req.method} ${sub}` } };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  return {
    name: opts.name,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of hangs) clearTimeout(t);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
