// The exactly-once checker the chaos scenarios rely on: it must find nothing wrong after a clean
// run, and find each kind of wrong when Splynx or the ledger is spoiled on purpose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { MAPPING_SPECS, type Row } from '../lib/entities/index.js';
import { transformContext } from '../lib/load/context.js';
import { checkExactlyOnce, takeBaseline, type Baseline } from '../lib/chaos/exactly-once.js';
import { migrateInProcess, type InProcessRun } from '../lib/chaos/evidence.js';

const KEY = `check-key-${randomBytes(6).toString('hex')}`;
const SECRET = `check-secret-${randomBytes(6).toString('hex')}`;
const raw = generateIsp({ accounts: 40, seed: 6 }).tables as unknown as Record<string, Row[]>;
let splynx: SplynxSandbox;
let api: SplynxApi;
let dir: string;
let baseline: Baseline;
let run: InProcessRun;

before(async () => {
  splynx = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET });
  api = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-check-'));
  baseline = await takeBaseline(api);
  run = await migrateInProcess(raw, api, dir);
});
after(async () => {
  run.ledger.close();
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const check = () => {
  const ctx = transformContext({
    tables: run.cleaned,
    ledger: run.ledger,
    timezone: 'UTC',
    mappingsDir: path.join(dir, 'mappings'),
    mappingSpecs: MAPPING_SPECS,
  });
  return checkExactlyOnce({ api, ledger: run.ledger, tables: run.cleaned, ctx, baseline, errors: run.report.errors });
};
const tally = (r: Awaited<ReturnType<typeof check>>, entity: string) => r.entities.find((e) => e.entity === entity)!;

test('after a clean run every entity is loaded or reported once, nothing missing, duplicated or extra', async () => {
  const r = await check();
  assert.deepEqual([r.totals.missing, r.totals.duplicates, r.totals.extra], [0, 0, 0], r.problems.join('\n'));
  assert.equal(r.totals.loaded + r.totals.reported, r.totals.expected);
  assert.equal(tally(r, 'customers').loaded, raw.accounts.length);
  for (const e of ['customers', 'internet_services', 'customer_notes', 'tariffs_internet', 'ipv4_networks', 'invoices', 'ticket_replies'])
    assert.ok(tally(r, e).expected > 0, `${e} was checked`);
});

test('a duplicate, an extra record, a lost record and a record left pending are each found', async () => {
  // A second copy of a migrated note (notes carry no sonar_id: found by title and customer).
  const note = (await api.get<Array<Record<string, string>>>('admin/customers/customer-notes'))[0];
  await api.create('admin/customers/customer-notes', {
    customer_id: note.customer_id,
    type: 'comment',
    title: note.title,
    comment: 'again',
    datetime: note.datetime,
    is_pinned: '0',
  });
  // A customer nobody asked for.
  const partner = (await api.get<Array<{ id: string }>>('admin/administration/partners'))[0].id;
  await api.create('admin/customers/customer', {
    login: 'stray-1',
    name: 'Stray',
    status: 'active',
    category: 'person',
    partner_id: partner,
    location_id: '1',
    additional_attributes: { sonar_id: '999999' },
  });
  // A service deleted behind the migration's back.
  const service = run.ledger.records('internet_services').find((l) => l.state === 'created')!;
  const svcRow = (await api.get<Array<{ id: string; customer_id: string }>>('admin/customers/customer/0/internet-services')).find(
    (s) => s.id === service.splynx_id,
  )!;
  await api.remove(`admin/customers/customer/${svcRow.customer_id}/internet-services--${service.splynx_id}`);
  // A payment the ledger still has pending.
  const payment = run.ledger.records('payments')[0];
  run.ledger.markPending('payments', payment.sonar_id, 'h', null);

  const r = await check();
  assert.equal(tally(r, 'customer_notes').duplicates, 1, r.problems.join('\n'));
  assert.equal(tally(r, 'customers').extra, 1);
  assert.equal(tally(r, 'internet_services').missing, 1);
  assert.equal(tally(r, 'payments').missing, 1);
  assert.ok(
    r.problems.some((p) => p.includes(`internet_services ${service.sonar_id}`) && /not in Splynx/.test(p)),
    r.problems.join('\n'),
  );
  assert.ok(r.problems.some((p) => p.includes(`payments ${payment.sonar_id}`) && /pending/.test(p)));
});
