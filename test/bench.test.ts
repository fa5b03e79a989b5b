// The benchmark in a tiny mode: it runs end to end and writes a JSON with every figure, and the
// figures hang together. Behaviour only: how fast anything is, is for `npm run bench` to print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { budgetUsed } from '../lib/bench/extract.js';
import { sonarWait, stepBound } from '../lib/bench/cutover.js';
import { startSplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { FaultController, parseFaultSpec } from '../lib/sandbox/faults.js';
import { signatureHeader } from '../lib/sandbox/splynx/client.js';

const root = path.resolve(import.meta.dirname, '..');

test('npm run bench in a tiny mode prints its tables and writes every figure', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const args = [
    ...['--accounts', '20', '--latency', '5', '--skip-100k', '--extract-accounts', '20', '--cpu-accounts', '300'],
    ...['--cutover-accounts', '20', '--out', out],
  ];
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 420_000,
  });
  assert.equal(run.status, 0, run.stderr);
  for (const title of ['Load: 20 accounts', 'Extraction under 400 requests/min', 'CPU-only path', 'Cutover: 20 accounts', 'Targets'])
    assert.ok(run.stdout.includes(title), `no "${title}" in:\n${run.stdout}`);
  const files = fs.readdirSync(out).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1);
  assert.ok(run.stdout.includes(files[0]), 'the output names the JSON file');
  const r = JSON.parse(fs.readFileSync(path.join(out, files[0]), 'utf8'));

  for (const key of [
    'efficiency',
    'speedup',
    'requests',
    'wall_s',
    'ideal_s',
    'peak_rss_mb',
    'extract_budget_used',
    'extract_429s',
    'cpu_accounts_per_s',
    'cutover_wall_s',
    'cutover_bound_s',
    'rehearse_100k_wall_s',
    'rehearse_100k_peak_rss_mb',
  ])
    assert.ok(key in r, `no ${key}`);
  const { baseline, ours } = r.load;
  assert.equal(baseline.concurrency, 1);
  assert.equal(baseline.pipeline, false);
  assert.equal(ours.concurrency, 8);
  assert.equal(ours.pipeline, true);
  // Both runs made the same migration, each into a fresh Splynx.
  assert.equal(ours.records, baseline.records);
  assert.equal(ours.errors, baseline.errors);
  assert.ok(ours.records > 20 * 5, `only ${ours.records} records`);
  assert.ok(r.requests >= ours.records, 'at least one request per record');
  assert.equal(r.ideal_s, Number(((r.requests * 5) / 1000 / 8).toFixed(2)));
  assert.ok(r.wall_s > 0 && r.efficiency > 0 && r.efficiency <= 1.05, `efficiency ${r.efficiency}`);
  assert.equal(r.speedup, Number((baseline.wall_s / ours.wall_s).toFixed(2)));
  assert.ok(r.peak_rss_mb > 20 && r.peak_rss_mb < 4096, `peak RSS ${r.peak_rss_mb}`);
  // Twenty accounts take well under a minute of Sonar's budget: too short to say how much is used.
  assert.equal(r.extract.budget_used, null);
  assert.equal(r.extract_429s, 0);
  assert.ok(r.extract.requests > 10 && r.extract.records > 100);
  assert.deepEqual(Object.keys(r.cpu), ['300']);
  assert.equal(r.cpu_accounts_per_s, r.cpu['300'].accounts_per_s);
  assert.ok(r.cpu['300'].loaded_records > 300 && r.cpu_accounts_per_s > 0);
  assert.ok(r.targets.some((t: { target: string; met: boolean | null }) => /same records/.test(t.target) && t.met === true));

  // The cutover: a rehearsal on the product path, Sonar changed, then the cutover's own steps.
  const c = r.cutover;
  assert.ok(c.rehearsal.every((s: { code: number }) => s.code === 0) && c.rehearsal.length >= 1, JSON.stringify(c.rehearsal));
  assert.ok(
    Object.values(c.changes).every((n) => (n as number) >= 1),
    JSON.stringify(c.changes),
  );
  assert.ok(c.steps.every((s: { code: number }) => s.code <= 1) && c.steps.length >= 1);
  assert.deepEqual(
    c.parts.map((p: { part: string }) => p.part),
    ['check', 'snapshot', 'id listings', 'clean', 'load', 'verify'],
    `the cutover's parts; the bench said:\n${run.stderr.slice(-4000)}`,
  );
  // The parts split the steps' time; their sum cannot exceed it.
  const partsWall = c.parts.reduce((t: number, p: { wall_s: number }) => t + p.wall_s, 0);
  assert.ok(partsWall > 0 && partsWall <= c.wall_s + 0.5, `${partsWall} vs ${c.wall_s}`);
  assert.equal(r.cutover_wall_s, c.wall_s);
  assert.ok(c.steps.some((s: { sonar_requests: number }) => s.sonar_requests > 0));
  assert.ok(c.steps.some((s: { splynx_requests: number }) => s.splynx_requests > 0));
  // Every process of the product path reported its own peak RSS.
  assert.ok(
    c.processes.some((p: { argv: string }) => /scripts\/migrate\.ts (delta|cutover)/.test(p.argv)),
    JSON.stringify(c.processes),
  );
  assert.ok(c.processes.every((p: { peak_rss_mb: number }) => p.peak_rss_mb > 20));
  assert.equal(r.rehearse, null, 'the product-path rehearsal runs only when asked for');
  fs.rmSync(out, { recursive: true, force: true });
});

test("a step's Sonar bound follows the sliding window: a minute's requests at once, then one minute per window", () => {
  assert.equal(sonarWait(0, 400), 0);
  assert.equal(sonarWait(400, 400), 0);
  assert.equal(sonarWait(401, 400), 60);
  assert.equal(sonarWait(1200, 400), 120);
  const step = { step: 's', wall_s: 1, code: 0, sonar_requests: 100, splynx_requests: 160, peak_rss_mb: null };
  // 160 Splynx requests at 50 ms, 8 at a time: one second; 100 Sonar requests after 350 cross into the second window.
  assert.equal(stepBound(step, { latencyMs: 50, concurrency: 8, sonarPerMinute: 400 }), 1);
  assert.equal(stepBound(step, { latencyMs: 50, concurrency: 8, sonarPerMinute: 400 }, 350), 61);
});

test('the extraction budget is measured over whole minutes from the first request', () => {
  const minute = 60_000;
  assert.deepEqual(budgetUsed([]), { minutes: 0, used: null });
  // 300 requests in the first 40 seconds: shorter than a minute, nothing to measure.
  assert.deepEqual(budgetUsed(Array.from({ length: 300 }, (_, i) => i * 130)), { minutes: 0, used: null });
  // 390 at once, the rest a minute later: the first minute held 390 of 400.
  const bursts = [...Array.from({ length: 390 }, (_, i) => 1000 + i), ...Array.from({ length: 200 }, (_, i) => 1000 + minute + i)];
  assert.deepEqual(budgetUsed(bursts), { minutes: 1, used: 390 / 400 });
  // One every 300 ms for 2.5 minutes: 200 a minute, half the budget.
  const slow = Array.from({ length: 500 }, (_, i) => i * 300);
  assert.deepEqual(budgetUsed(slow), { minutes: 2, used: 400 / 800 });
});

test('the sandbox delays requests side by side, not one behind another', async () => {
  const latency = 400;
  const s = await startSplynxSandbox({
    apiKey: 'k',
    apiSecret: 's',
    faults: new FaultController(parseFaultSpec(`latency=${latency}`, 'splynx')),
  });
  try {
    let nonce = Date.now() * 100;
    const answeredAt = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await fetch(`${s.url}/api/2.0/admin/customers/customer`, {
          headers: { authorization: signatureHeader('k', 's', ++nonce) },
        });
        assert.ok(res.status < 500);
        await res.arrayBuffer();
        return performance.now();
      }),
    );
    // One behind another, the answers would come a latency apart: 2.8 s from first to last.
    assert.ok(Math.max(...answeredAt) - Math.min(...answeredAt) < latency, 'the eight answers came back one latency apart or more');
  } finally {
    await s.close();
  }
});
