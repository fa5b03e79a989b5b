// The Splynx client against the Splynx sandbox: each auth method, nonce races under concurrency,
// retries that are safe, and writes that are never blindly repeated.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FaultController, parseFaultSpec } from '../lib/sandbox/faults.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi, SplynxError } from '../lib/splynx/client.js';

const KEY = 'client-key-0001';
const SECRET = 'client-secret-0001';
const running: SplynxSandbox[] = [];
after(() => Promise.all(running.map((s) => s.close())));

async function splynx(opts: { faults?: string; unsecureBasic?: boolean; now?: () => Date } = {}) {
  const s = await startSplynxSandbox({
    apiKey: KEY,
    apiSecret: SECRET,
    unsecureBasic: opts.unsecureBasic,
    now: opts.now,
    faults: new FaultController(parseFaultSpec(opts.faults, 'splynx')),
  });
  running.push(s);
  return s;
}

const location = { name: 'Client Test Location' };

test('signature auth under concurrency: every call is accepted, each with a fresh increasing nonce', async () => {
  const s = await splynx();
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'signature', concurrency: 16, retryBaseMs: 1 });
  const results = await Promise.all(Array.from({ length: 60 }, () => api.get<unknown[]>('admin/administration/partners')));
  assert.ok(results.every((r) => Array.isArray(r) && r.length >= 1));
  assert.equal(s.stats().byStatus['200'], 60);
});

test('counts (HEAD) that lose nonce races are signed again: a refused HEAD has no body, its reason is asked with a GET', async () => {
  // Answers 2–27 ms late at random: newer nonces overtake older ones, as at concurrency 32 anywhere.
  const s = await splynx({ faults: 'latency=2,jitter=25,seed=3' });
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, concurrency: 32, retryBaseMs: 1 });
  const partners = (await api.get<unknown[]>('admin/administration/partners')).length;
  const counts = await Promise.all(Array.from({ length: 96 }, () => api.count('admin/administration/partners')));
  assert.deepEqual(new Set(counts), new Set([partners]));
  assert.ok((s.stats().byStatus['401'] ?? 0) > 0, 'no count lost a race: nothing was tested');
  // A HEAD refused for another reason still says which: the GET's message.
  const wrong = new SplynxApi({ url: s.url, key: KEY, secret: 'not-the-secret', retryBaseMs: 1 });
  await assert.rejects(wrong.count('admin/administration/partners'), (e: SplynxError) => /Invalid signature/.test(e.message));
});

test('token auth fetches one token for many concurrent calls, and renews an expired one', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const s = await splynx({ now: () => new Date(clock) });
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1 });
  await Promise.all(Array.from({ length: 10 }, () => api.get('admin/administration/locations')));
  assert.equal(api.stats.tokenRenewals, 1);
  // The server's clock moves past the 30-minute expiry; the client's own estimate does not know.
  clock += 31 * 60 * 1000;
  const rows = await api.get<unknown[]>('admin/administration/locations');
  assert.ok(Array.isArray(rows));
  assert.equal(api.stats.tokenRenewals, 2);
});

test('Basic works only where the key allows unsecure access', async () => {
  const closed = await splynx();
  await assert.rejects(
    new SplynxApi({ url: closed.url, key: KEY, secret: SECRET, auth: 'basic' }).get('admin/administration/partners'),
    (e: SplynxError) => e.category === 'authentication' && /Unsecure access/.test(e.message),
  );
  const open = await splynx({ unsecureBasic: true });
  assert.ok(
    Array.isArray(await new SplynxApi({ url: open.url, key: KEY, secret: SECRET, auth: 'basic' }).get('admin/administration/partners')),
  );
});

test('create answers the new id; count reads X-total-count; 422 carries the field errors', async () => {
  const s = await splynx();
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET });
  const { id } = await api.create('admin/administration/locations', location);
  assert.match(id, /^\d+$/);
  assert.equal(await api.count('admin/administration/locations'), 2);
  await assert.rejects(api.create('admin/customers/customer', { login: 'x' }), (e: SplynxError) => {
    assert.equal(e.category, 'validation');
    assert.equal(e.status, 422);
    assert.ok(e.details.fields!.some((f) => f.field === 'name'));
    return true;
  });
});

test('reads are retried through 5xx, 429 and dropped connections', async () => {
  const s = await splynx({ faults: '5xx=0.2,429=0.2,drop=0.1,seed=3' });
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, retryBaseMs: 1, maxRetries: 10 });
  for (let i = 0; i < 20; i++) assert.ok(Array.isArray(await api.get('admin/administration/partners')));
  assert.ok(api.stats.retries > 0);
});

test('a create whose answer was lost is reported as ambiguous and not sent again', async () => {
  const s = await splynx({ faults: 'commit-drop=1' });
  const api = new SplynxApi({ url: s.url, key: KEY, secret: SECRET, retryBaseMs: 1 });
  await assert.rejects(
    api.create('admin/administration/locations', location),
    (e: SplynxError) => e.category === 'network' && e.details.ambiguous === true,
  );
  assert.equal(api.stats.retries, 0);
  s.faults.set(parseFaultSpec('', 'splynx'));
  // The write did land: exactly one new location, which the loader would find by its natural key.
  const rows = await api.get<Array<{ name: string }>>('admin/administration/locations');
  assert.equal(rows.filter((r) => r.name === location.name).length, 1);
});
