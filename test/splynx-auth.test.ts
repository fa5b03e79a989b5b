// The Splynx sandbox's authentication, over real HTTP: Basic, signatures, nonces and tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { signature } from '../lib/sandbox/splynx/auth.js';
import { signatureHeader } from '../lib/sandbox/splynx/client.js';

const KEY = 'testkey';
const SECRET = 'testsecret';
const ADMIN = { login: 'boss', password: 'hunter2' };
let clock = new Date('2025-01-01T00:00:00Z');
let secure: SplynxSandbox;
let unsecure: SplynxSandbox;

before(async () => {
  secure = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, admin: ADMIN, now: () => clock });
  unsecure = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, unsecureBasic: true });
});
after(async () => {
  await secure.close();
  await unsecure.close();
});

const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
let nonce = 1_000;

async function call(server: SplynxSandbox, method: string, path: string, authorization?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}/api/2.0/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

const PARTNERS = 'admin/administration/partners';

test('a request without Authorization is refused with MISSED_AUTHORIZATION_HEADER', async () => {
  const r = await call(secure, 'GET', PARTNERS);
  assert.equal(r.status, 401);
  assert.equal(r.body.error.internal_code, 'MISSED_AUTHORIZATION_HEADER');
  assert.equal(r.body.error.code, 401);
});

test('Basic is refused unless unsecure access is enabled for the key', async () => {
  const refused = await call(secure, 'GET', PARTNERS, basic(KEY, SECRET));
  assert.equal(refused.status, 401);
  assert.match(refused.body.error.message, /unsecure access/i);
  const allowed = await call(unsecure, 'GET', PARTNERS, basic(KEY, SECRET));
  assert.equal(allowed.status, 200);
  assert.equal(allowed.body[0].name, 'Main');
  assert.equal((await call(unsecure, 'GET', PARTNERS, basic(KEY, 'wrong'))).status, 401);
});

test('a correct signature is accepted with its parameters in any order', async () => {
  const n = ++nonce;
  const header = `Splynx-EA (signature=${signature(SECRET, n, KEY)}&nonce=${n}&key=${KEY})`;
  assert.equal((await call(secure, 'GET', PARTNERS, header)).status, 200);
  assert.equal((await call(secure, 'GET', PARTNERS, signatureHeader(KEY, SECRET, ++nonce))).status, 200);
});

test('a bad signature, a wrong key and a lowercase signature are refused', async () => {
  const bad = await call(secure, 'GET', PARTNERS, signatureHeader(KEY, 'not-the-secret', ++nonce));
  assert.equal(bad.status, 401);
  assert.match(bad.body.error.message, /signature/i);
  assert.equal((await call(secure, 'GET', PARTNERS, signatureHeader('other', SECRET, ++nonce))).status, 401);
  const n = ++nonce;
  const lower = `Splynx-EA (key=${KEY}&nonce=${n}&signature=${signature(SECRET, n, KEY).toLowerCase()})`;
  assert.equal((await call(secure, 'GET', PARTNERS, lower)).status, 401);
});

test('a reused or smaller nonce is refused', async () => {
  const n = ++nonce;
  assert.equal((await call(secure, 'GET', PARTNERS, signatureHeader(KEY, SECRET, n))).status, 200);
  const again = await call(secure, 'GET', PARTNERS, signatureHeader(KEY, SECRET, n));
  assert.equal(again.status, 401);
  assert.match(again.body.error.message, /nonce/i);
  assert.equal((await call(secure, 'GET', PARTNERS, signatureHeader(KEY, SECRET, n - 1))).status, 401);
  assert.equal((await call(secure, 'GET', PARTNERS, signatureHeader(KEY, SECRET, n + 1))).status, 200);
  nonce = n + 1;
});

test('api_key token: create, use, expire after 30 minutes, refresh, revoke', async () => {
  const n = 1_700_000_000;
  const created = await call(secure, 'POST', 'admin/auth/tokens', undefined, {
    auth_type: 'api_key',
    key: KEY,
    nonce: n,
    signature: signature(SECRET, n, KEY),
  });
  assert.equal(created.status, 201);
  const t = created.body;
  assert.deepEqual(Object.keys(t).sort(), [
    'access_token',
    'access_token_expiration',
    'permissions',
    'refresh_token',
    'refresh_token_expiration',
  ]);
  const nowSec = clock.getTime() / 1000;
  assert.equal(t.access_token_expiration, nowSec + 1800);
  assert.ok(t.refresh_token_expiration >= nowSec + 360 * 86400);
  const bearer = (tok: string) => `Splynx-EA (access_token=${tok})`;
  assert.equal((await call(secure, 'GET', PARTNERS, bearer(t.access_token))).status, 200);

  clock = new Date(clock.getTime() + 31 * 60_000);
  const expired = await call(secure, 'GET', PARTNERS, bearer(t.access_token));
  assert.equal(expired.status, 401);
  assert.equal(expired.body.error.internal_code, 'EXPIRED_ACCESS_TOKEN');

  const renewed = await call(secure, 'GET', `admin/auth/tokens/${t.refresh_token}`);
  assert.equal(renewed.status, 200);
  assert.notEqual(renewed.body.access_token, t.access_token);
  assert.equal((await call(secure, 'GET', PARTNERS, bearer(renewed.body.access_token))).status, 200);
  assert.equal((await call(secure, 'GET', `admin/auth/tokens/${t.refresh_token}`)).status, 404, 'old refresh token is spent');

  assert.equal((await call(secure, 'DELETE', `admin/auth/tokens/${renewed.body.access_token}`)).status, 204);
  assert.equal((await call(secure, 'GET', PARTNERS, bearer(renewed.body.access_token))).status, 401);
});

test('admin token with the seeded administrator; wrong password and unknown auth_type refused', async () => {
  const ok = await call(secure, 'POST', 'admin/auth/tokens', undefined, { auth_type: 'admin', ...ADMIN });
  assert.equal(ok.status, 201);
  assert.deepEqual(ok.body.permissions, []);
  assert.equal((await call(secure, 'GET', PARTNERS, `Splynx-EA (access_token=${ok.body.access_token})`)).status, 200);
  assert.equal(
    (await call(secure, 'POST', 'admin/auth/tokens', undefined, { auth_type: 'admin', login: 'boss', password: 'x' })).status,
    401,
  );
  const weird = await call(secure, 'POST', 'admin/auth/tokens', undefined, { auth_type: 'magic' });
  assert.equal(weird.status, 400);
  assert.equal(weird.body.error.internal_code, 'INVALID_AUTH_TYPE');
});

test('an expired refresh token gives EXPIRED_REFRESH_TOKEN; an unknown one NOT_FOUND', async () => {
  const t = (await call(secure, 'POST', 'admin/auth/tokens', undefined, { auth_type: 'admin', ...ADMIN })).body;
  clock = new Date(clock.getTime() + 400 * 86400_000);
  const r = await call(secure, 'GET', `admin/auth/tokens/${t.refresh_token}`);
  assert.equal(r.status, 401);
  assert.equal(r.body.error.internal_code, 'EXPIRED_REFRESH_TOKEN');
  const unknown = await call(secure, 'GET', 'admin/auth/tokens/nope');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.internal_code, 'NOT_FOUND');
});
