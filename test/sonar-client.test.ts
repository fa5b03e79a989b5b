// The Sonar client against the Sonar sandbox over real HTTP: paging under a server cap, retries
// under injected faults, staying under the rate limit, and plain-worded failures.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { FaultController, parseFaultSpec } from '../lib/sandbox/faults.js';
import { startSonarSandbox, type SonarSandbox } from '../lib/sandbox/sonar/server.js';
import { SonarClient, SonarError } from '../lib/sonar/client.js';
import { ID_QUERIES, SNAPSHOT_QUERIES } from '../lib/sonar/queries.js';

const TOKEN = 'client-test-token-abcdef';
const dataset = generateIsp({ accounts: 120, seed: 11 });
const accountCount = dataset.tables.accounts.length;
const running: SonarSandbox[] = [];
after(() => Promise.all(running.map((s) => s.close())));

async function sandbox(opts: { cap?: number; faults?: string; rate?: number; windowMs?: number; maxRootFields?: number } = {}) {
  const s = await startSonarSandbox({
    dataset: structuredClone(dataset),
    tokens: [TOKEN],
    maxRecordsPerPage: opts.cap ?? 100,
    maxRootFields: opts.maxRootFields,
    rateLimitPerMinute: opts.rate ?? 100_000,
    rateWindowMs: opts.windowMs,
    faults: new FaultController(parseFaultSpec(opts.faults, 'sonar')),
  });
  running.push(s);
  return s;
}

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

/** A client with a budget of 20 requests per 1 s window, 3 records a page, noting when each request leaves. */
function budgetedClient(s: SonarSandbox) {
  const sent: number[] = [];
  const client = new SonarClient({
    url: s.url,
    token: TOKEN,
    ratePerMinute: 20,
    rateWindowMs: 1000,
    concurrency: 8,
    recordsPerPage: 3,
    retryBaseMs: 5,
    onRequest: () => sent.push(performance.now()),
  });
  return { client, sent };
}

test('paging honours the records_per_page the server reports when it caps the ask', async () => {
  const s = await sandbox({ cap: 7 });
  const client = new SonarClient({ url: s.url, token: TOKEN, recordsPerPage: 100 });
  const rows = await client.fetchAll<{ id: string }>(SNAPSHOT_QUERIES.accounts, 'accounts');
  assert.equal(rows.length, accountCount);
  assert.deepEqual(
    ids(rows),
    dataset.tables.accounts.map((a) => String(a.id)),
    'every account once, in id order',
  );
  assert.equal(client.stats.requests, Math.ceil(accountCount / 7));
  assert.equal(s.stats().requests, client.stats.requests);
});

test('pages resume from a given page with the page size used before', async () => {
  const s = await sandbox({ cap: 10 });
  const client = new SonarClient({ url: s.url, token: TOKEN });
  const pages = [];
  for await (const p of client.pages<{ id: string }>(SNAPSHOT_QUERIES.accounts, 'accounts', {}, { fromPage: 3, recordsPerPage: 10 }))
    pages.push(p);
  assert.equal(pages[0].page_info.page, 3);
  assert.deepEqual(
    ids(pages.flatMap((p) => p.entities)),
    dataset.tables.accounts.slice(20).map((a) => String(a.id)),
  );
});

test('5xx, 429, dropped connections and hangs are retried until every page arrives', async () => {
  const s = await sandbox({ cap: 10, faults: '5xx=0.15,429=0.1,drop=0.1,hang=0.05,hang-ms=2000,seed=42' });
  const client = new SonarClient({ url: s.url, token: TOKEN, timeoutMs: 300, retryBaseMs: 5, maxRetries: 12, concurrency: 4 });
  const rows = await client.fetchAll<{ id: string }>(SNAPSHOT_QUERIES.accounts, 'accounts');
  assert.deepEqual(
    ids(rows),
    dataset.tables.accounts.map((a) => String(a.id)),
  );
  const injected = s.faults.injected;
  assert.ok(injected['5xx'] > 0 && injected['429'] > 0 && injected.drop > 0, JSON.stringify(injected));
  assert.equal(client.stats.retries, injected['5xx'] + injected['429'] + injected.drop + injected.hang);
  assert.equal(client.stats.serverErrors, injected['5xx']);
  assert.equal(client.stats.rateLimited, injected['429']);
  assert.equal(client.stats.timeouts, injected.hang);
});

test("the client-side limiter keeps a burst under the server's budget", async () => {
  // A budget of 20 requests per 1 s window, and 40 pages to read at 8 in flight: a naive client hits 429s.
  const s = await sandbox({ cap: 3, rate: 20, windowMs: 1000 });
  const { client, sent } = budgetedClient(s);
  const rows = await client.fetchAll<{ id: string }>(SNAPSHOT_QUERIES.accounts, 'accounts');
  assert.equal(rows.length, accountCount);
  // What the limiter controls, measured where it acts: no window of the budget's length holds more than 97% of it.
  const busiest = Math.max(...sent.map((t) => sent.filter((u) => u >= t && u < t + 1000).length));
  assert.ok(busiest <= 19, `${busiest} requests left within one window`);
  assert.ok(sent.length >= Math.ceil(accountCount / 3));
  // On the wire, arrival jitter on a loaded machine may still cost the odd 429, which is retried, never lost.
  assert.ok((s.stats().byStatus['429'] ?? 0) <= 1, `${s.stats().byStatus['429']} refusals`);
});

test('past its budget the limiter waits out the window, then sends the next budget at once', async () => {
  // 120 accounts at 3 a page are 40 pages; a budget of 20 a window leaves 18 for the client.
  const s = await sandbox({ cap: 3 });
  const { client, sent } = budgetedClient(s);
  await client.fetchAll<{ id: string }>(SNAPSHOT_QUERIES.accounts, 'accounts');
  assert.equal(sent.length, 40);
  const budget = 18;
  // The second budget goes when the window allows it, not one call every window ÷ budget (that spacing
  // made a 556-request cutover snapshot take 86 s where Sonar's window allows 60).
  assert.ok(sent[budget] - sent[0] >= 1000, `the call past the budget left ${Math.round(sent[budget] - sent[0])} ms after the first`);
  const second = sent[2 * budget - 1] - sent[budget];
  assert.ok(second < 400, `the second budget took ${Math.round(second)} ms to leave (one every 56 ms would be 950)`);
  const busiest = Math.max(...sent.map((t) => sent.filter((u) => u >= t && u < t + 1000).length));
  assert.ok(busiest <= budget, `${busiest} requests within one window`);
});

test('a rejected token fails at once, in plain words, without the token', async () => {
  const s = await sandbox();
  const client = new SonarClient({ url: s.url, token: 'wrong-token-zzz', retryBaseMs: 5 });
  await assert.rejects(client.fetchAll(SNAPSHOT_QUERIES.companies, 'companies'), (e: SonarError) => {
    assert.equal(e.category, 'authentication');
    assert.match(e.message, /token rejected \(401\)/);
    assert.ok(!e.message.includes('wrong-token-zzz'));
    return true;
  });
  assert.equal(client.stats.retries, 0);
});

test('a query the server refuses is an api error, not retried', async () => {
  const s = await sandbox();
  const client = new SonarClient({ url: s.url, token: TOKEN, retryBaseMs: 5 });
  await assert.rejects(
    client.request('{ accounts { entities { nope } } }'),
    (e: SonarError) => e.category === 'api' && /nope/.test(e.message),
  );
  assert.equal(client.stats.retries, 0);
});

test('an unreachable Sonar is a network error after the retries are spent', async () => {
  const s = await sandbox();
  const url = s.url;
  await s.close();
  const client = new SonarClient({ url, token: TOKEN, retryBaseMs: 5, maxRetries: 2 });
  await assert.rejects(
    client.request('{ companies { page_info { total_count } } }'),
    (e: SonarError) => e.category === 'network' && /cannot reach/.test(e.message),
  );
  assert.equal(client.stats.retries, 3);
});

test('an id listing asks ten pages a request, every id once and in order', async () => {
  const s = await sandbox({ cap: 3 });
  const client = new SonarClient({ url: s.url, token: TOKEN });
  const got: string[] = [];
  for await (const p of client.batchedPages<{ id: string }>(ID_QUERIES.accounts, 'accounts', { recordsPerPage: 1000, perRequest: 10 }))
    got.push(...ids(p.entities));
  assert.deepEqual(
    got,
    dataset.tables.accounts.map((a) => String(a.id)),
  );
  // 40 pages of 3: the first alone (it tells the page size the server used), then 39 in 4 requests.
  assert.equal(s.stats().requests, 5);
});

test('a Sonar that refuses a batched listing is asked a page a request, and nothing is lost', async () => {
  const s = await sandbox({ cap: 3, maxRootFields: 4 });
  const client = new SonarClient({ url: s.url, token: TOKEN, retryBaseMs: 5 });
  const got: string[] = [];
  for await (const p of client.batchedPages<{ id: string }>(ID_QUERIES.accounts, 'accounts', { recordsPerPage: 1000, perRequest: 10 }))
    got.push(...ids(p.entities));
  assert.deepEqual(
    got,
    dataset.tables.accounts.map((a) => String(a.id)),
  );
  // The first page, at least one refused batch, then the other 39 pages one by one.
  const refused = s.stats().requests - 40;
  assert.ok(refused >= 1 && refused <= 4, `${refused} refused batches`);
  assert.equal(client.stats.retries, 0, 'a refused document is not retried as it was');
});
