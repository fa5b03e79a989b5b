// The fault shell both sandboxes share, driven over real HTTP with a tiny counter service.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxServer, type RunningServer, type ServerStats } from '../lib/sandbox/http.js';
import { FaultController, parseFaultSpec, NO_FAULTS } from '../lib/sandbox/faults.js';

describe('fault spec parsing', () => {
  test('reads rates, latency, scoped keys and seed', () => {
    const text = 'latency=50,5xx=0.05,splynx:429=0.02,sonar:hang=0.5,commit-drop=0.01,seed=7';
    const splynx = parseFaultSpec(text, 'splynx');
    assert.equal(splynx.latencyMs, 50);
    assert.equal(splynx.rate5xx, 0.05);
    assert.equal(splynx.rate429, 0.02);
    assert.equal(splynx.rateHang, 0);
    assert.equal(splynx.rateCommitDrop, 0.01);
    assert.equal(splynx.seed, 7);
    const sonar = parseFaultSpec(text, 'sonar');
    assert.equal(sonar.rate429, 0);
    assert.equal(sonar.rateHang, 0.5);
  });

  test('rejects unknown keys, bad rates and rates over 1 in total, naming the problem', () => {
    assert.throws(() => parseFaultSpec('explode=0.1', 'sonar'), /Unknown fault "explode"/);
    assert.throws(() => parseFaultSpec('5xx=1.5', 'sonar'), /between 0 and 1/);
    assert.throws(() => parseFaultSpec('5xx=0.6,drop=0.6', 'sonar'), /more than 1/);
    assert.throws(() => parseFaultSpec('5xx', 'sonar'), /Bad fault "5xx"/);
  });

  test('the same seed gives the same sequence of fates', () => {
    const spec = parseFaultSpec('5xx=0.3,drop=0.3,seed=42', 'x');
    const a = new FaultController(spec);
    const b = new FaultController(spec);
    const fates = (c: FaultController) => Array.from({ length: 50 }, () => c.roll(true));
    assert.deepEqual(fates(a), fates(b));
  });

  test('commit faults never fall on reads', () => {
    const c = new FaultController(parseFaultSpec('commit-drop=1', 'x'));
    for (let i = 0; i < 20; i++) assert.equal(c.roll(false), 'none');
    assert.equal(c.roll(true), 'commit-drop');
  });
});

describe('fault injection over HTTP', () => {
  let server: RunningServer;
  let committed = 0;

  before(async () => {
    server = await startSandboxServer({
      name: 'test',
      handler: (req) => {
        if (req.method === 'POST') committed++;
        return { status: req.method === 'POST' ? 201 : 200, body: { committed } };
      },
      isWrite: (req) => req.method === 'POST',
      tooManyRequests: () => ({ status: 429, body: { error: 'slow down' } }),
      serverError: (status) => ({ status, body: { error: 'boom' } }),
    });
  });
  after(() => server.close());

  const setFaults = (spec: string) => fetch(`${server.url}/__sandbox/faults`, { method: 'PUT', body: spec }).then((r) => r.json());
  const post = (timeoutMs = 2000) => fetch(`${server.url}/thing`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(timeoutMs) });

  test('no faults: the handler answers', async () => {
    await setFaults('5xx=0');
    const r = await post();
    assert.equal(r.status, 201);
  });

  test('latency delays every request by at least the configured time', async () => {
    await setFaults('latency=120');
    const t0 = performance.now();
    await fetch(`${server.url}/thing`);
    assert.ok(performance.now() - t0 >= 115, 'answered too fast');
    await setFaults('latency=0');
  });

  test('5xx and 429 answer without running the handler', async () => {
    const before = committed;
    await setFaults('5xx=1');
    const r5 = await post();
    assert.ok(r5.status >= 500 && r5.status < 600);
    await setFaults('5xx=0,429=1');
    const r4 = await post();
    assert.equal(r4.status, 429);
    assert.deepEqual(await r4.json(), { error: 'slow down' });
    assert.equal(committed, before);
  });

  test('drop cuts the connection and nothing is stored', async () => {
    await setFaults('429=0,drop=1');
    const before = committed;
    await assert.rejects(post(), /fetch failed|socket|terminated/i);
    assert.equal(committed, before);
  });

  test('hang never answers, so the client timeout fires', async () => {
    await setFaults('drop=0,hang=1,hang-ms=60000');
    const t0 = performance.now();
    await assert.rejects(post(300), /timeout|aborted/i);
    assert.ok(performance.now() - t0 < 2000);
  });

  test('commit then drop stores the write but the client sees a broken connection', async () => {
    await setFaults('hang=0,commit-drop=1');
    const before = committed;
    await assert.rejects(post(), /fetch failed|socket|terminated/i);
    assert.equal(committed, before + 1, 'the write must have been stored');
    // A read is not a write: it goes through untouched.
    const read = await fetch(`${server.url}/thing`);
    assert.equal(read.status, 200);
  });

  test('commit then 5xx stores the write but answers 500', async () => {
    await setFaults('commit-drop=0,commit-5xx=1');
    const before = committed;
    const r = await post();
    assert.equal(r.status, 500);
    assert.equal(committed, before + 1);
  });

  test('stats count requests and injected faults; control routes are never faulted', async () => {
    await setFaults('commit-5xx=0,5xx=1');
    const stats = (await (await fetch(`${server.url}/__sandbox/stats`)).json()) as ServerStats;
    assert.equal(typeof stats.requests, 'number');
    assert.ok(stats.faults['commit-drop'] >= 1);
    assert.ok(stats.faults.drop >= 1);
    assert.ok(stats.faults.hang >= 1);
    const bad = await fetch(`${server.url}/__sandbox/faults`, { method: 'PUT', body: 'nonsense=1' });
    assert.equal(bad.status, 400);
    await setFaults(JSON.stringify(NO_FAULTS));
    assert.equal((await post()).status, 201);
  });
});
