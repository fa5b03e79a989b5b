// Access tokens are bound to the IP and User-Agent that got them (blueprint L212–213, L589–590):
// the sandbox refuses them otherwise with the blueprint's codes, and the client replaces a token
// refused so once per request, with a clear error when the fresh one is refused too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { signature } from '../lib/sandbox/splynx/auth.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi, SplynxError } from '../lib/splynx/client.js';
import { startBindingProxy } from './binding-proxy.js';

const KEY = 'binding-key-5c1d';
const SECRET = 'binding-secret-a93e';
const PARTNERS = 'admin/administration/partners';
const closing: Array<() => Promise<void>> = [];
after(() => Promise.all(closing.map((c) => c())));

async function sandbox(): Promise<SplynxSandbox> {
  const s = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET });
  closing.push(() => s.close());
  return s;
}

/** One request with node's http, so the local address (the caller's IP) can be chosen. */
function raw(
  url: string,
  method: string,
  path: string,
  opts: { ua: string; authorization?: string; body?: unknown; from?: string },
): Promise<{ status: number; body: any }> {
  const u = new URL(`${url}/api/2.0/${path}`);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        localAddress: opts.from,
        agent: false,
        headers: {
          'user-agent': opts.ua,
          ...(opts.authorization ? { authorization: opts.authorization } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function apiKeyToken(url: string, ua: string, from?: string) {
  const nonce = Math.floor(Date.now() / 1000) + Math.floor(Math.random() * 1000);
  const r = await raw(url, 'POST', 'admin/auth/tokens', {
    ua,
    from,
    body: { auth_type: 'api_key', key: KEY, nonce, signature: signature(SECRET, nonce, KEY) },
  });
  assert.equal(r.status, 201);
  return r.body as { access_token: string; refresh_token: string };
}

test('the sandbox refuses a token from another User-Agent or IP with the blueprint codes (401), also on renewal', async () => {
  const s = await sandbox();
  const t = await apiKeyToken(s.url, 'agent-A');
  const bearer = `Splynx-EA (access_token=${t.access_token})`;
  assert.equal((await raw(s.url, 'GET', PARTNERS, { ua: 'agent-A', authorization: bearer })).status, 200);

  const otherAgent = await raw(s.url, 'GET', PARTNERS, { ua: 'agent-B', authorization: bearer });
  assert.equal(otherAgent.status, 401);
  assert.equal(otherAgent.body.error.internal_code, 'USER_AGENT_CHANGED');
  assert.equal(otherAgent.body.error.code, 401);

  const otherIp = await raw(s.url, 'GET', PARTNERS, { ua: 'agent-A', authorization: bearer, from: '127.0.0.2' });
  assert.equal(otherIp.status, 401);
  assert.equal(otherIp.body.error.internal_code, 'IP_CHANGED');

  // The refresh token is bound the same way (the renew endpoint's documented errors).
  const renewElsewhere = await raw(s.url, 'GET', `admin/auth/tokens/${t.refresh_token}`, { ua: 'agent-B' });
  assert.equal(renewElsewhere.status, 401);
  assert.equal(renewElsewhere.body.error.internal_code, 'USER_AGENT_CHANGED');
  const renewed = await raw(s.url, 'GET', `admin/auth/tokens/${t.refresh_token}`, { ua: 'agent-A' });
  assert.equal(renewed.status, 200);
  // Still refused elsewhere after all that, still fine where it was made.
  assert.equal((await raw(s.url, 'GET', PARTNERS, { ua: 'agent-A', authorization: bearer })).status, 401, 'the renewed pair replaced it');
  const fresh = `Splynx-EA (access_token=${renewed.body.access_token})`;
  assert.equal((await raw(s.url, 'GET', PARTNERS, { ua: 'agent-A', authorization: fresh })).status, 200);
});

test('the client sends one steady User-Agent, so its token keeps working', async () => {
  const s = await sandbox();
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  for (let i = 0; i < 5; i++) assert.ok(Array.isArray(await api.get(PARTNERS)));
  assert.equal(api.stats.tokenRenewals, 1);
  assert.equal(api.stats.tokenRebinds, 0);
});

test('a token refused for a changed User-Agent is replaced once, and the request succeeds', async () => {
  const s = await sandbox();
  const proxy = await startBindingProxy(s.url);
  closing.push(() => proxy.close());
  const api = new SplynxApi({ url: proxy.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  assert.ok(Array.isArray(await api.get(PARTNERS)));
  // From now on something between us and Splynx sends another User-Agent.
  proxy.route.userAgent = 'rewritten-by-a-proxy/2.0';
  const before = s.stats().byStatus['401'] ?? 0;
  const { id } = await api.create('admin/administration/locations', { name: 'Behind a proxy' });
  assert.match(id, /^\d+$/);
  assert.equal(api.stats.tokenRebinds, 1);
  assert.equal(api.stats.tokenRenewals, 2, 'one fresh token, not a loop');
  assert.equal((s.stats().byStatus['401'] ?? 0) - before, 1, 'one refusal');
  assert.equal(s.store.all('locations').filter((l) => l.name === 'Behind a proxy').length, 1);
});

test('a token refused for a changed IP is replaced once too', async () => {
  const s = await sandbox();
  const proxy = await startBindingProxy(s.url);
  closing.push(() => proxy.close());
  const api = new SplynxApi({ url: proxy.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  assert.ok(Array.isArray(await api.get(PARTNERS)));
  proxy.route.localAddress = '127.0.0.2';
  assert.ok(Array.isArray(await api.get(PARTNERS)));
  assert.equal(api.stats.tokenRebinds, 1);
});

test('refused again after a fresh token: one clear error, no loop', async () => {
  const s = await sandbox();
  const proxy = await startBindingProxy(s.url);
  closing.push(() => proxy.close());
  let n = 0;
  // A User-Agent that changes with every request: no token can ever be used.
  proxy.route.userAgent = () => `rotating-agent/${++n}`;
  const api = new SplynxApi({ url: proxy.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  await assert.rejects(api.get(PARTNERS), (e: SplynxError) => {
    assert.equal(e.category, 'authentication');
    assert.equal(e.details.code, 'USER_AGENT_CHANGED');
    assert.match(e.message, /refused a fresh access token too/);
    assert.match(e.message, /IP address and User-Agent/);
    assert.ok(!e.message.includes(SECRET) && !e.message.includes(KEY));
    return true;
  });
  assert.equal(api.stats.tokenRenewals, 2, 'the first token and one fresh one');
  assert.ok(n <= 5, `${n} requests reached Splynx`);
});
