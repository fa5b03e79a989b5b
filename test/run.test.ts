// Whole runs against the Splynx sandbox: all phases twice, one customer with and without its
// dependencies, stop-on-error and resume, and the report files.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger } from '../lib/ledger/index.js';
import type { Row } from '../lib/entities/index.js';
import { runMigration, type RunOptions } from '../lib/load/run.js';
import { splynxFixture, cleanIsp } from './splynx-fixture.js';

const fx = splynxFixture('run-');

const clean = cleanIsp(40, 21);

async function fresh(name: string) {
  await fetch(`${fx.splynx.url}/__sandbox/reset`, { method: 'POST' });
  const ledger = new Ledger(path.join(fx.dir, name, 'ledger.sqlite'));
  const run = (runId: string, tables: Record<string, Row[]>, opts: Partial<RunOptions> = {}) =>
    runMigration(fx.api, ledger, tables, {
      runId,
      runDir: path.join(fx.dir, name, runId),
      mappingsDir: path.join(fx.dir, name, 'mappings'),
      timezone: 'UTC',
      ...opts,
    });
  return { ledger, run };
}

const counts = async () => (await (await fetch(`${fx.splynx.url}/__sandbox/counts`)).json()) as Record<string, number>;

test('a full run moves every clean record, and a second run creates nothing', async () => {
  const { run } = await fresh('full');
  const first = await run('r1', clean);
  assert.equal(first.errors.length, 0, JSON.stringify(first.errors.slice(0, 3)));
  assert.equal(first.entities.customers.created, clean.accounts.length);
  const after1 = await counts();
  const second = await run('r2', clean);
  assert.ok(
    Object.values(second.entities).every((e) => e.created === 0 && e.updated === 0 && e.failed === 0),
    JSON.stringify(second.entities),
  );
  assert.deepEqual(await counts(), after1);
  const report = JSON.parse(fs.readFileSync(path.join(fx.dir, 'full', 'r1', 'report.json'), 'utf8'));
  assert.equal(report.run_id, 'r1');
  assert.equal(report.dry_run, false);
  assert.deepEqual(Object.keys(report.entities.customers).sort(), ['adopted', 'created', 'failed', 'selected', 'skipped', 'updated']);
  assert.match(
    fs.readFileSync(path.join(fx.dir, 'full', 'r1', 'errors.csv'), 'utf8'),
    /^error_id,entity,source_id,category,message,fields,suggestion,accepted\n$/,
  );
});

test('one customer without its dependencies fails with what is missing; with them, it loads with its members', async () => {
  const { run } = await fresh('single');
  const account = clean.accounts.find((a) => !a.parent_account_id && clean.account_services.some((s) => s.account_id === a.id))!;
  const alone = await run('alone', clean, { phases: ['customers'], accountIds: [String(account.id)] });
  assert.equal(alone.entities.customers.failed, 1);
  assert.match(alone.errors[0].message, /needs partners/);
  assert.equal(alone.errors[0].category, 'data');

  const withDeps = await run('with', clean, {
    phases: ['customers'],
    accountIds: [String(account.id)],
    includeDependencies: true,
    includeMembers: true,
  });
  assert.equal(withDeps.errors.length, 0, JSON.stringify(withDeps.errors));
  assert.equal(withDeps.entities.customers.created, 1);
  const services = clean.account_services.filter((s) => s.account_id === account.id);
  const loaded =
    (withDeps.entities.internet_services?.created ?? 0) +
    (withDeps.entities.recurring_services?.created ?? 0) +
    (withDeps.entities.voice_services?.created ?? 0);
  assert.equal(loaded, services.filter((s) => clean.services.find((x) => x.id === s.service_id)?.type !== 'ONETIME').length);
  assert.equal((await counts()).customers, 1);
});

test('stop-on-error stops at the first bad record; a resumed run finishes without redoing anything', async () => {
  const { run, ledger } = await fresh('stop');
  const dirty = structuredClone(clean);
  // An archived account is disabled whatever its status, so the bad status goes on one that is not.
  const bad = dirty.accounts.findIndex((a, i) => i >= 5 && !a.archived_at);
  dirty.accounts[bad] = { ...dirty.accounts[bad], account_status_id: '999' };
  const stopped = await run('s1', dirty);
  assert.equal(stopped.stopped, true);
  assert.equal(stopped.errors.length, 1);
  assert.match(stopped.errors[0].message, /No Splynx customer status for Sonar account-status 999/);
  assert.ok(!('internet_services' in stopped.entities), 'later entities did not run');
  const resumed = await run('s2', dirty, { stopOnError: false });
  assert.equal(resumed.entities.customers.failed, 1);
  assert.equal(resumed.entities.customers.created, clean.accounts.length - 1 - stopped.entities.customers.created);
  assert.ok(ledger.records('customers').filter((r) => r.state === 'created').length === clean.accounts.length - 1);
});

test('an error thrown mid-run (not a record error) stops every worker: nothing more starts, nothing is written once the run has failed', async () => {
  const { ledger, run } = await fresh('thrown');
  const writes = () => fx.splynx.stats().writes;
  const concurrency = 4;
  await assert.rejects(
    run('r1', clean, {
      concurrency,
      onProgress: ({ entity, done }) => {
        if (entity === 'customers' && done === 5) throw new Error('the caller fell over');
      },
    }),
    /fell over/,
  );
  const atFailure = writes();
  const customers = (await counts()).customers;
  // The loader keeps twice as many records open as request slots: those in flight finish, no more start.
  assert.ok(customers >= 5 && customers <= 5 + 2 * concurrency, `${customers} customers written after the 5th failed the run`);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(writes(), atFailure, 'no write after the run rejected');
  // Resuming settles what was in flight and finishes everything, once.
  const resumed = await run('r2', clean);
  assert.equal(resumed.errors.length, 0, JSON.stringify(resumed.errors.slice(0, 3)));
  assert.equal(ledger.records('customers').filter((r) => r.state === 'created').length, clean.accounts.length);
  assert.equal((await counts()).customers, clean.accounts.length);
});
