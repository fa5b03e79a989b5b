// The connection check against both sandboxes: plain-worded answers for every way it can fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { loadSettings, type Settings } from '../lib/config.js';
import { checkConnections, assertConnected } from '../lib/check.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';

let sb: Sandboxes;
before(async () => {
  sb = await startSandboxes({ accounts: 25, seed: 4 });
});
after(() => sb.close());

const settings = (over: Record<string, string> = {}): Settings =>
  loadSettings({ envFile: '/nonexistent/.env', env: {}, overrides: { ...sb.settings, ...over } });

test('both sides answer: credentials accepted, API recognised, records counted', async () => {
  const results = await checkConnections(settings());
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, true],
  );
  const [sonar, splynx] = results;
  assert.match(sonar.message, new RegExp(`Sonar: connected, token accepted, ${sb.dataset.tables.accounts.length} accounts`));
  assert.match(sonar.message, /snapshot queries valid/);
  assert.match(sonar.api, /GraphQL v2/);
  assert.match(splynx.message, /Splynx: connected, token auth accepted, 0 customers/);
  assert.doesNotThrow(() => assertConnected(results));
});

test('signature auth works too', async () => {
  const [, splynx] = await checkConnections(settings({ SPLYNX_AUTH: 'signature' }));
  assert.ok(splynx.ok, splynx.message);
  assert.match(splynx.message, /signature auth accepted/);
});

test('wrong credentials are named in plain words, and never shown', async () => {
  const results = await checkConnections(settings({ SONAR_API_KEY: 'bad-sonar-token-123', SPLYNX_API_SECRET: 'bad-splynx-secret-456' }));
  assert.deepEqual(
    results.map((r) => r.ok),
    [false, false],
  );
  assert.match(results[0].message, /^Sonar: token rejected \(401\)/);
  assert.match(results[1].message, /^Splynx: credentials refused \(401\)/);
  const all = JSON.stringify(results);
  assert.ok(!all.includes('bad-sonar-token-123') && !all.includes('bad-splynx-secret-456'));
  assert.throws(() => assertConnected(results), /Sonar: token rejected[\s\S]*Splynx: credentials refused/);
});

test('Basic auth is refused unless the key allows unsecure access', async () => {
  const [, splynx] = await checkConnections(settings({ SPLYNX_AUTH: 'basic' }));
  assert.equal(splynx.ok, false);
  assert.match(splynx.message, /Unsecure access/);
});

test('an unreachable service says so', async () => {
  const closed = await freePort();
  const url = `http://127.0.0.1:${closed}`;
  const results = await checkConnections(settings({ SONAR_URL: url, SPLYNX_URL: url }));
  assert.equal(results[0].message, `Sonar: cannot reach ${url} (ECONNREFUSED)`);
  assert.equal(results[1].message, `Splynx: cannot reach ${url} (ECONNREFUSED)`);
});

/** A port nobody listens on: bind one, then let it go. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
