// Nonces that leave the key usable by other integrations: after a whole migration through the real
// loader, a client signing exactly as the blueprint's example does still gets in, under both
// models of Splynx's nonce counter (one per key, one per channel); a key whose last nonce is ahead
// of the clock for good gets one clear message instead of a retry loop.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { loadSettings, settingsSchema } from '../lib/config.js';
import type { Row } from '../lib/entities/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { runMigration } from '../lib/load/run.js';
import { splynxApi } from '../lib/load/session.js';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { signature } from '../lib/sandbox/splynx/auth.js';
import { blueprintExampleGet, signatureHeader } from '../lib/sandbox/splynx/client.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi, SplynxError } from '../lib/splynx/client.js';

const KEY = `nonce-key-${randomBytes(6).toString('hex')}`;
const SECRET = `nonce-secret-${randomBytes(6).toString('hex')}`;
const PARTNERS = 'admin/administration/partners';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nonce-'));
const closing: SplynxSandbox[] = [];
after(async () => {
  await Promise.all(closing.map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sandbox(nonceCounter?: 'per-key' | 'per-channel'): Promise<SplynxSandbox> {
  const s = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, nonceCounter });
  closing.push(s);
  return s;
}

const sign = (nonce: number) => ({ authorization: signatureHeader(KEY, SECRET, nonce) });
const tokenRequest = (url: string, nonce: number) =>
  fetch(`${url}/api/2.0/admin/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth_type: 'api_key', key: KEY, nonce, signature: signature(SECRET, nonce, KEY) }),
  });

test('the sandbox: the blueprint example signs in; one counter per key refuses a seconds token nonce after a centisecond header, one per channel takes it', async () => {
  const shared = await sandbox();
  assert.equal((await blueprintExampleGet(shared.url, KEY, SECRET, PARTNERS)).status, 200);
  // The blueprint's token example: nonce = time(), in seconds.
  const refused = await tokenRequest(shared.url, Math.floor(Date.now() / 1000));
  assert.equal(refused.status, 401);
  assert.match(((await refused.json()) as any).error.message, /not greater than the last accepted nonce/);

  const apart = await sandbox('per-channel');
  assert.equal((await blueprintExampleGet(apart.url, KEY, SECRET, PARTNERS)).status, 200);
  assert.equal((await tokenRequest(apart.url, Math.floor(Date.now() / 1000))).status, 201);
});

const clean = cleanSnapshot(generateIsp({ accounts: 30, seed: 8 }).tables as unknown as Record<string, Row[]>).tables;

/** A whole migration of every phase as the product runs it: settings (their default auth), the session's client, runMigration. */
async function migrate(s: SplynxSandbox, name: string, auth?: string) {
  const settings = loadSettings({
    envFile: '/nonexistent/.env',
    env: {},
    overrides: {
      SONAR_URL: 'http://127.0.0.1:9',
      SONAR_API_KEY: 'unused',
      SPLYNX_URL: s.url,
      SPLYNX_API_KEY: KEY,
      SPLYNX_API_SECRET: SECRET,
      SPLYNX_AUTH: auth,
    },
  });
  const api = splynxApi(settings);
  const ledger = new Ledger(path.join(dir, name, 'ledger.sqlite'));
  try {
    const report = await runMigration(api, ledger, clean, {
      runId: name,
      runDir: path.join(dir, name, 'run'),
      mappingsDir: path.join(dir, name, 'mappings'),
      secretsDir: path.join(dir, name, 'secrets'),
      timezone: 'UTC',
      concurrency: settings.SPLYNX_CONCURRENCY,
    });
    assert.equal(report.errors.length, 0, JSON.stringify(report.errors.slice(0, 3)));
    assert.equal(report.entities.customers.created, clean.accounts.length);
    return api;
  } finally {
    ledger.close();
  }
}

for (const model of ['per-key', 'per-channel'] as const) {
  test(`after a whole migration with the default auth, the blueprint's signing client still gets 200s (nonce counter ${model})`, async () => {
    assert.equal(settingsSchema.shape.SPLYNX_AUTH.parse(undefined), 'token', 'the default this test is about');
    const s = await sandbox(model);
    // Another integration used the key first, as it would on a live Splynx.
    assert.equal((await blueprintExampleGet(s.url, KEY, SECRET, PARTNERS)).status, 200);
    const api = await migrate(s, `default-${model}`);
    assert.ok(api.nonces.issued <= 3, `${api.nonces.issued} nonces for a whole migration`);
    for (let i = 0; i < 3; i++) {
      const other = await blueprintExampleGet(s.url, KEY, SECRET, PARTNERS);
      assert.equal(other.status, 200, other.message);
      await sleep(20);
    }
  });
}

test('signature auth signs in centiseconds: another client is in again as soon as the clock passes our short lead', async () => {
  const s = await sandbox();
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'signature', retryBaseMs: 1 });
  for (let i = 0; i < 20; i++) await api.get(PARTNERS);
  const cs = Math.round(Date.now() / 10);
  assert.ok(Math.abs(api.nonces.highest - cs) < 100, `nonce ${api.nonces.highest} is centiseconds (now ${cs})`);
  await sleep((api.nonces.leadCs() + 2) * 10);
  const other = await blueprintExampleGet(s.url, KEY, SECRET, PARTNERS);
  assert.equal(other.status, 200, other.message);
  // And we are not locked out by it either.
  assert.ok(Array.isArray(await api.get(PARTNERS)));
});

test('a key an earlier tool signed in microseconds: one clear message with the way out, not endless retries', async () => {
  const s = await sandbox();
  assert.equal((await fetch(`${s.url}/api/2.0/${PARTNERS}`, { headers: sign(Date.now() * 1000) })).status, 200);
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'signature', retryBaseMs: 1 });
  const check = (e: SplynxError) => {
    assert.equal(e.category, 'authentication');
    assert.equal(e.details.code, 'NONCE_AHEAD_OF_CLOCK');
    assert.match(e.message, /ahead of the clock/);
    assert.match(e.message, /microseconds/);
    assert.match(e.message, /SPLYNX_AUTH=token/);
    assert.match(e.message, /fresh API key/);
    assert.ok(!e.message.includes(KEY) && !e.message.includes(SECRET));
    return true;
  };
  await assert.rejects(api.get(PARTNERS), check);
  assert.equal(api.stats.requests, 1, 'one refused request, no retries');
  await assert.rejects(api.create('admin/administration/locations', { name: 'never sent' }), check);
  assert.equal(api.stats.requests, 1, 'later calls fail at once, without sending');

  // Token auth is the way out where Splynx counts token nonces apart; with one counter per key, a fresh key is.
  const tokens = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  await assert.rejects(tokens.get(PARTNERS), (e: SplynxError) => {
    assert.equal(e.details.code, 'NONCE_AHEAD_OF_CLOCK');
    assert.match(e.message, /fresh API key/);
    return true;
  });
  assert.ok(tokens.stats.requests <= 3, `${tokens.stats.requests} token requests`);
  const apart = await sandbox('per-channel');
  assert.equal((await fetch(`${apart.url}/api/2.0/${PARTNERS}`, { headers: sign(Date.now() * 1000) })).status, 200);
  const way = new SplynxApi({ url: apart.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  assert.ok(Array.isArray(await way.get(PARTNERS)));
});

test("an earlier run's drift (the key's nonce a minute ahead) is caught up with, not fatal", async () => {
  const s = await sandbox();
  const ahead = Math.round(Date.now() / 10) + 6_000;
  assert.equal((await fetch(`${s.url}/api/2.0/${PARTNERS}`, { headers: sign(ahead) })).status, 200);
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'signature', retryBaseMs: 1 });
  assert.ok(Array.isArray(await api.get(PARTNERS)));
  assert.ok(api.nonces.highest > ahead);
});
