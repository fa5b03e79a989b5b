// The ledger on a real SQLite file: state changes, crash survival, external registration, audit trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger, payloadHash } from '../lib/ledger/index.js';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'ledger.sqlite');

test('a record goes pending → created, and its Splynx id is found for references', () => {
  const l = new Ledger(tmp());
  l.startRun('r1', { phases: ['customers'] });
  l.markPending('customers', '12', payloadHash({ name: 'A' }), 'login:acme');
  assert.equal(l.splynxId('customers', '12'), null, 'a pending record cannot be referenced yet');
  l.markDone('customers', '12', 'created', '501');
  assert.equal(l.splynxId('customers', 12), '501');
  assert.equal(l.get('customers', '12')!.state, 'created');
  assert.deepEqual(
    l.events('customers', '12').map((e) => [e.from_state, e.to_state]),
    [
      [null, 'pending'],
      ['pending', 'created'],
    ],
  );
  l.finishRun({ created: 1 });
  assert.deepEqual(l.runs()[0].outcome, { created: 1 });
  l.close();
});

test('a pending mark survives a process that dies right after writing it', () => {
  const file = tmp();
  // A child process marks a record pending, then exits hard, as a crash between mark and POST would.
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `
    import { Ledger } from './lib/ledger/index.ts';
    const l = new Ledger(${JSON.stringify(file)});
    l.startRun('crashed', {});
    l.markPending('tariffs', '7', 'h', 'title:Gold');
    process.exit(137);
  `,
    ],
    { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' },
  );
  assert.equal(child.status, 137, child.stderr);
  const l = new Ledger(file);
  assert.deepEqual(
    l.pending().map((r) => [r.entity, r.sonar_id, r.natural_key, r.run_id]),
    [['tariffs', '7', 'title:Gold', 'crashed']],
  );
  l.close();
});

test('payload hashes ignore key order and see every value change', () => {
  assert.equal(payloadHash({ a: 1, b: { c: [1, 2], d: null } }), payloadHash({ b: { d: null, c: [1, 2] }, a: 1 }));
  assert.notEqual(payloadHash({ a: 1 }), payloadHash({ a: '1' }));
  assert.notEqual(payloadHash({ a: [1, 2] }), payloadHash({ a: [2, 1] }));
});

test('register-external maps a hand-made record, and one Splynx record cannot be claimed twice', () => {
  const l = new Ledger(tmp());
  l.registerExternal('tariffs_internet', '3', '40');
  assert.equal(l.get('tariffs_internet', '3')!.state, 'external');
  assert.equal(l.splynxId('tariffs_internet', '3'), '40');
  assert.throws(() => l.registerExternal('tariffs_internet', '4', '40'), /already mapped to Sonar id 3/);
  l.close();
});

test('failures keep their message; counts group by entity and state; bad states are refused by the database', () => {
  const l = new Ledger(tmp());
  l.markPending('customers', '1', 'h', null);
  l.markFailed('customers', '1', 'validation: email is not valid');
  l.markPending('customers', '2', 'h', null);
  l.markDone('customers', '2', 'created', '9');
  assert.equal(l.get('customers', '1')!.error, 'validation: email is not valid');
  assert.deepEqual(l.counts(), [
    { entity: 'customers', state: 'created', n: 1 },
    { entity: 'customers', state: 'failed', n: 1 },
  ]);
  assert.throws(() => l.db.prepare("UPDATE records SET state = 'lost'").run(), /CHECK constraint/);
  l.close();
});

test('register-external refuses to remap a record the migration already created', () => {
  const l = new Ledger(tmp());
  l.markPending('tariffs_internet', '5', 'h', null);
  l.markDone('tariffs_internet', '5', 'created', '70');
  assert.throws(() => l.registerExternal('tariffs_internet', '5', '71'), /already migrated as Splynx id 70 \(created\)/);
  l.registerExternal('tariffs_internet', '5', '70');
  assert.equal(l.get('tariffs_internet', '5')!.state, 'external');
  l.close();
});
