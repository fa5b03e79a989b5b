// Ordering at high concurrency: a whole pipelined migration at concurrency 32, with jittered
// latency so answers come back out of order, checked from the order in which the Splynx sandbox
// carried the writes out (and from the ledger's own event order). A dependency is always in
// Splynx before its dependants, a customer before its services, a parent before its children.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { FaultController, parseFaultSpec } from '../lib/sandbox/faults.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { Ledger } from '../lib/ledger/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { ENTITIES, type Row } from '../lib/entities/index.js';
import { runMigration, type RunReport } from '../lib/load/run.js';
import { mustFollow } from '../lib/load/schedule.js';

interface Write {
  seq: number;
  method: string;
  /** Under /api/2.0/. */
  path: string;
  body: Record<string, unknown>;
  /** The id a POST answered with. */
  id: string | null;
}

const CONCURRENCY = 32;
const clean = cleanSnapshot(generateIsp({ accounts: 80, seed: 1 }).tables as unknown as Record<string, Row[]>).tables;
const writes: Write[] = [];
let splynx: SplynxSandbox;
let dir: string;
let ledger: Ledger;
let report: RunReport;

before(async () => {
  splynx = await startSplynxSandbox({
    apiKey: 'k',
    apiSecret: 's',
    // Every answer 2–27 ms late, at random: requests overtake each other.
    faults: new FaultController(parseFaultSpec('latency=2,jitter=25,seed=3', 'splynx')),
    observe: (req, reply) => {
      if (!['POST', 'PUT'].includes(req.method) || reply.status >= 300) return;
      const body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {};
      const answered = reply.body as { id?: unknown } | undefined;
      writes.push({
        seq: writes.length,
        method: req.method,
        path: req.path.replace(/^\/api\/2\.0\//, ''),
        body,
        id: answered?.id !== undefined ? String(answered.id) : null,
      });
    },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-'));
  ledger = new Ledger(path.join(dir, 'ledger.sqlite'));
  const api = new SplynxApi({ url: splynx.url, key: 'k', secret: 's', concurrency: CONCURRENCY, retryBaseMs: 1 });
  report = await runMigration(api, ledger, clean, {
    runId: 'order',
    runDir: path.join(dir, 'run'),
    mappingsDir: path.join(dir, 'mappings'),
    secretsDir: path.join(dir, 'secrets'),
    timezone: 'UTC',
    concurrency: CONCURRENCY,
    stopOnError: false,
  });
});
after(async () => {
  ledger.close();
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A collection path with its record ids as `*`: `admin/customers/customer/*\/internet-services`. */
const collection = (p: string) => p.replace(/\/\d+(?=\/|$)/g, '/*');

/** When each record was created: `collection#id` → sequence number of its POST. */
function creations(): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of writes) if (w.method === 'POST' && w.id) out.set(`${collection(w.path)}#${w.id}`, w.seq);
  return out;
}

/** The records a write names, as `collection#id` of the collections that create them. */
function referencesOf(w: Write): string[] {
  const refs: string[] = [];
  const customer = (id: unknown) => id !== undefined && id !== null && String(id) !== '0' && refs.push(`admin/customers/customer#${id}`);
  const m = /^admin\/customers\/(?:customer|customer-info|customer-billing)\/(\d+)/.exec(w.path);
  if (m && !(w.method === 'POST' && w.path === 'admin/customers/customer')) customer(m[1]);
  customer(w.body.customer_id);
  if (w.path === 'admin/customers/customer' && w.body.parent_id) customer(w.body.parent_id);
  const kind = /\/(internet|recurring|voice)-services$/.exec(w.path)?.[1];
  if (kind && w.body.tariff_id) refs.push(`admin/tariffs/${kind}#${w.body.tariff_id}`);
  if (w.body.partner_id) refs.push(`admin/administration/partners#${w.body.partner_id}`);
  for (const p of (w.body.partners_ids as unknown[] | undefined) ?? []) refs.push(`admin/administration/partners#${p}`);
  if (w.body.ticket_id) refs.push(`admin/support/tickets#${w.body.ticket_id}`);
  if (w.body.product_id) refs.push(`admin/inventory/products#${w.body.product_id}`);
  if (w.body.vendor_id) refs.push(`admin/inventory/vendors#${w.body.vendor_id}`);
  const invoice = /^admin\/finance\/invoices\/(\d+)$/.exec(w.path);
  if (invoice && w.method === 'PUT') refs.push(`admin/finance/invoices#${invoice[1]}`);
  return refs;
}

test('the run loads everything a sequential run would: no record misses a dependency', () => {
  assert.ok(writes.length > 1000, `only ${writes.length} writes`);
  const missing = report.errors.filter((e) => /has not been migrated|needs /.test(e.message));
  assert.deepEqual(missing, [], 'a record was sent before something it needs');
  assert.equal(report.entities.customers.created, clean.accounts.length);
  assert.ok(
    clean.accounts.some((a) => a.parent_account_id),
    'the data has child accounts',
  );
});

test('Splynx stored every referenced record before the write that names it', () => {
  const created = creations();
  let checked = 0;
  for (const w of writes) {
    for (const ref of referencesOf(w)) {
      const at = created.get(ref);
      if (at === undefined) continue; // a record the fresh Splynx came with (the seeded partner, say)
      assert.ok(at < w.seq, `${w.method} ${w.path} (#${w.seq}) names ${ref}, stored only at #${at}`);
      checked++;
    }
  }
  // Services, notes, billing, info, invoices, payments, tickets, messages: thousands of references.
  assert.ok(checked > 1000, `only ${checked} references checked`);
});

test('each entity starts only after every entity it follows has finished (ledger and Splynx agree)', () => {
  // From the ledger: a dependency's last event comes before a dependant's first.
  const events = ledger.events() as Array<{ seq: number; entity: string }>;
  const span = new Map<string, { first: number; last: number }>();
  for (const e of events) {
    const s = span.get(e.entity) ?? { first: e.seq, last: e.seq };
    s.last = e.seq;
    span.set(e.entity, s);
  }
  // From Splynx: the POSTs of each entity, found through the ledger's Splynx ids (entities that
  // attach to a record Splynx made with its parent never POST).
  const postOf = new Map<string, string>();
  for (const mod of ENTITIES.filter((m) => !m.attachTo))
    for (const r of ledger.records(mod.name)) if (r.splynx_id) postOf.set(`${collection(mod.endpoint)}#${r.splynx_id}`, mod.name);
  const posts = new Map<string, { first: number; last: number }>();
  for (const w of writes) {
    const entity = w.method === 'POST' && w.id ? postOf.get(`${collection(w.path)}#${w.id}`) : undefined;
    if (!entity) continue;
    const s = posts.get(entity) ?? { first: w.seq, last: w.seq };
    s.last = w.seq;
    posts.set(entity, s);
  }
  let pairs = 0;
  for (const mod of ENTITIES) {
    for (const dep of mustFollow(mod)) {
      const [d, e] = [span.get(dep), span.get(mod.name)];
      if (!d || !e) continue;
      assert.ok(d.last < e.first, `${mod.name} began (event ${e.first}) before ${dep} was done (event ${d.last})`);
      const [pd, pe] = [posts.get(dep), posts.get(mod.name)];
      if (pd && pe) assert.ok(pd.last < pe.first, `Splynx got a ${mod.name} (#${pe.first}) before the last ${dep} (#${pd.last})`);
      pairs++;
    }
  }
  assert.ok(pairs > 20, `only ${pairs} dependency pairs seen`);
});

test('independent entities did load side by side (the check above is not vacuous)', () => {
  const span = new Map<string, { first: number; last: number }>();
  for (const e of ledger.events() as Array<{ seq: number; entity: string }>) {
    const s = span.get(e.entity) ?? { first: e.seq, last: e.seq };
    s.last = e.seq;
    span.set(e.entity, s);
  }
  const overlapping = [...span].filter(([a, sa]) => [...span].some(([b, sb]) => a !== b && sa.first < sb.last && sb.first < sa.last));
  assert.ok(overlapping.length >= 2, 'no two entities overlapped');
});
