// A real HTTP forwarding proxy between a client and a sandbox, for the token-binding tests: it can
// rewrite the User-Agent and choose the local address it connects from, as a corporate proxy or a
// NAT pool between a migration host and Splynx might.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyRoute {
  /** The User-Agent sent upstream: as received (undefined), a fixed one, or a fresh one per request. */
  userAgent?: string | (() => string);
  /** The local address upstream connections come from, e.g. 127.0.0.2 (any 127/8 address works on Linux). */
  localAddress?: string;
}

export async function startBindingProxy(target: string): Promise<{ url: string; route: ProxyRoute; close(): Promise<void> }> {
  const upstream = new URL(target);
  const route: ProxyRoute = {};
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers, host: upstream.host };
    const ua = typeof route.userAgent === 'function' ? route.userAgent() : route.userAgent;
    if (ua !== undefined) headers['user-agent'] = ua;
    const out = http.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers,
        localAddress: route.localAddress,
        agent: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    route,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
