// Dirty data: every class the generator makes is cleaned by a rule of lib/clean, kept by a
// documented rule (and checked in Splynx), or reported with an allowed category; the run never
// stops; no clean record is blocked by a dirty neighbour. And the check itself can fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DIRTY_CLASSES, generateIsp } from '../lib/sandbox/generator/index.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../lib/splynx/client.js';
import type { Row } from '../lib/entities/index.js';
import { baselineErrors, inProcessEvidence, migrateInProcess, type InProcessRun } from '../lib/chaos/evidence.js';
import { DIRTY_RULES, targetOf, verifyDirty, type DirtyEvidence } from '../lib/chaos/dirty.js';
import type { ErrorRow } from '../lib/load/errors.js';

const ACCOUNTS = 120;
const SEED = 11;
const dataset = generateIsp({ accounts: ACCOUNTS, seed: SEED, dirtyRate: 0.05 });
const KEY = `dirty-key-${randomBytes(6).toString('hex')}`;
const SECRET = `dirty-secret-${randomBytes(6).toString('hex')}`;
let splynx: SplynxSandbox;
let api: SplynxApi;
let dir: string;
let run: InProcessRun;
let ev: DirtyEvidence;

before(async () => {
  splynx = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET });
  api = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-dirty-'));
  const baseline = await baselineErrors({ accounts: ACCOUNTS, seed: SEED, dir: path.join(dir, 'baseline') });
  run = await migrateInProcess(dataset.tables as unknown as Record<string, Row[]>, api, path.join(dir, 'dirty'));
  ev = await inProcessEvidence(dataset, run, api, baseline, path.join(dir, 'dirty', 'mappings'));
});
after(async () => {
  run?.ledger.close();
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the run goes through every entity despite the dirt', () => {
  assert.equal(run.report.stopped, false);
  assert.ok(run.report.entities.ticket_comments, 'the last entity ran');
  assert.ok(run.report.errors.length > 0, 'dirt ends in the error table');
  for (const e of run.report.errors) {
    assert.ok(['validation', 'transformation', 'data'].includes(e.category), `${e.entity} ${e.source_id}: ${e.category} ${e.message}`);
    assert.ok(e.suggestion.length > 10);
  }
});

test('each of the 16 classes is cleaned, kept by its rule, or reported with its category', () => {
  const result = verifyDirty(ev);
  assert.deepEqual(
    result.classes.map((c) => c.class),
    [...DIRTY_CLASSES],
  );
  for (const c of result.classes) {
    assert.ok(c.marks > 0, `the generator made no ${c.class}`);
    assert.equal(c.unexplained, 0, `${c.class} (${c.rule}):\n${c.examples.join('\n')}`);
    assert.equal(c.cleaned + c.kept + c.reported, c.marks);
  }
  const orphans = result.classes.find((c) => c.class === 'orphan_reference')!;
  assert.equal(orphans.reported, orphans.marks, 'every orphan is in the error table, none dropped silently');
  assert.ok(
    run.report.errors.some(
      (e) => e.entity === 'internet_services' && e.category === 'data' && /service_id \d+ points at no services record/.test(e.message),
    ),
    'orphan account services are reported',
  );
});

test('no clean record is blocked by a dirty neighbour', () => {
  assert.deepEqual(verifyDirty(ev).blocked, []);
  // Concretely: an account next to a dirty one, and a clean service of an account with a dirty service.
  const dirtyAccounts = new Set(dataset.dirty.filter((m) => m.table === 'accounts').map((m) => m.id));
  const neighbour = dataset.tables.accounts.find(
    (a) => dirtyAccounts.has(String(Number(a.id) - 1)) && !dataset.dirty.some((m) => m.id === String(a.id)),
  )!;
  assert.ok(ev.customers.has(String(neighbour.id)), `account ${neighbour.id}, next to a dirty one, is a customer`);
  const spoiled = dataset.dirty
    .filter((m) => m.table === 'account_services')
    .map((m) => dataset.tables.account_services.find((s) => String(s.id) === m.id)!);
  const sibling = dataset.tables.account_services.find(
    (s) =>
      spoiled.some((d) => d.account_id === s.account_id && d.id !== s.id) &&
      !dataset.dirty.some((m) => m.table === 'account_services' && m.id === String(s.id)) &&
      ['DATA', 'RECURRING', 'VOICE'].includes(String(dataset.tables.services.find((x) => x.id === s.service_id)?.type)),
  );
  assert.ok(sibling, 'the dataset has a clean service beside a dirty one');
  const kind = { DATA: 'internet', RECURRING: 'recurring', VOICE: 'voice' }[
    String(dataset.tables.services.find((x) => x.id === sibling.service_id)!.type)
  ]!;
  assert.ok(ev.services.has(`${kind}_services:${sibling.id}`), `service ${sibling.id} loads although a service of its account is dirty`);
});

test('the check fails when a rule stops working or a clean record is blocked', () => {
  // Cleaning that forgot to trim: whitespace marks are no longer explained.
  const untrimmed = verifyDirty({
    ...ev,
    changes: ev.changes.filter((c) => c.rule !== 'tidy' && c.rule !== 'email'),
    issues: ev.issues.filter((i) => !/whitespace/.test(i.problem)),
  });
  assert.ok(untrimmed.classes.find((c) => c.class === 'whitespace_padding')!.unexplained > 0);
  // An archived account loaded as active breaks its rule.
  const archived = dataset.dirty.find((m) => m.class === 'archived_account')!;
  const customers = new Map(ev.customers);
  if (customers.has(archived.id)) customers.set(archived.id, { ...customers.get(archived.id), status: 'active' });
  assert.equal(
    verifyDirty({ ...ev, customers }).classes.find((c) => c.class === 'archived_account')!.unexplained > 0,
    customers.has(archived.id),
  );
  // A clean account failing for no dirty reason is blocked.
  const touched = new Set(
    dataset.dirty
      .map((m) => targetOf(m, ev))
      .filter((t) => t?.entity === 'customers')
      .map((t) => t!.id),
  );
  const clean = dataset.tables.accounts.find((a) => !touched.has(String(a.id)))!;
  const blocked = verifyDirty({
    ...ev,
    errors: [
      ...ev.errors,
      {
        entity: 'customers',
        source_id: String(clean.id),
        category: 'api',
        message: 'Splynx: server error (500)',
        fields: '',
        suggestion: '',
      } as ErrorRow,
    ],
  }).blocked;
  assert.equal(blocked.length, 1);
  assert.match(blocked[0], new RegExp(`customers ${clean.id} `));
  // Each rule is written down for the README and the report.
  for (const cls of DIRTY_CLASSES) assert.ok(DIRTY_RULES[cls].rule.length > 20);
});
