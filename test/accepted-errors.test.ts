// Accepted errors against the Splynx sandbox (real HTTP, real SQLite): a rehearsal's errors
// accepted with a reason, a replay under --stop-on-error that goes past them and stops only on a
// new error, the report and report.html with accepted, new and resolved apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Ledger } from '../lib/ledger/index.js';
import type { Row } from '../lib/entities/index.js';
import { runMigration, summaryRows, type RunOptions } from '../lib/load/run.js';
import { acceptErrors, readAcceptedErrors } from '../lib/load/accepted.js';
import { errorId } from '../lib/load/errors.js';
import { errorLines } from '../lib/load/command.js';
import { writeRunReport } from '../lib/report/index.js';
import { splynxFixture, cleanIsp } from './splynx-fixture.js';

const fx = splynxFixture('accepted-');

const clean = cleanIsp(16, 23);
/** Accounts without children or archive: a bad status on one of them fails that customer (and what hangs off it) only. */
const plain = clean.accounts.filter((a) => !a.archived_at && !clean.accounts.some((c) => c.parent_account_id === a.id));
const withStatus = (tables: Record<string, Row[]>, accountId: unknown, status: string) => {
  const t = structuredClone(tables);
  t.accounts = t.accounts.map((a) => (a.id === accountId ? { ...a, account_status_id: status } : a));
  return t;
};

test('a replay under stop-on-error goes past accepted errors, stops on a new one, and reports accepted, new and resolved apart', async () => {
  await fetch(`${fx.splynx.url}/__sandbox/reset`, { method: 'POST' });
  const world = path.join(fx.dir, 'loop');
  const ledger = new Ledger(path.join(world, 'ledger.sqlite'));
  const acceptedFile = path.join(world, 'accepted-errors.csv');
  const run = (runId: string, tables: Record<string, Row[]>, opts: Partial<RunOptions> = {}) =>
    runMigration(fx.api, ledger, tables, {
      runId,
      runDir: path.join(world, 'runs', runId),
      mappingsDir: path.join(world, 'mappings'),
      timezone: 'UTC',
      ...opts,
    });
  const [a, b] = plain;
  const rehearsalTables = withStatus(clean, a.id, '999');

  // The rehearsal goes past errors; every error row has its stable id and nobody accepted it yet.
  const rehearsal = await run('rehearsal', rehearsalTables, { stopOnError: false });
  const ofA = rehearsal.errors.filter((e) => e.entity === 'customers');
  assert.deepEqual(
    ofA.map((e) => e.source_id),
    [String(a.id)],
  );
  assert.ok(rehearsal.errors.every((e) => e.error_id === errorId(e) && e.accepted === ''));
  assert.match(
    fs.readFileSync(path.join(world, 'runs', 'rehearsal', 'errors.csv'), 'utf8'),
    /^error_id,entity,source_id,category,message,fields,suggestion,accepted\n/,
  );

  // The analyst accepts them, in a line, with a reason; accepting again adds nothing.
  assert.throws(() => acceptErrors(rehearsal.errors, '  ', { file: acceptedFile }), /needs a reason/);
  const added = acceptErrors(rehearsal.errors, 'test account: stays in Sonar only', { file: acceptedFile });
  assert.equal(added.added, rehearsal.errors.length);
  assert.equal(acceptErrors(rehearsal.errors, 'again', { file: acceptedFile }).added, 0);
  const file = parse(fs.readFileSync(acceptedFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(file[0]), ['error_id', 'entity', 'source_id', 'category', 'message', 'reason', 'accepted_at']);
  assert.ok(file.every((r) => r.reason === 'test account: stays in Sonar only' && /^E-[0-9a-f]{10}$/.test(r.error_id)));

  // The cutover replay stops on errors by default, but not on these: it finishes, and says so.
  const replay = await run('replay', rehearsalTables);
  assert.equal(replay.stopped, false);
  assert.equal(replay.errors.length, rehearsal.errors.length);
  assert.ok(replay.errors.every((e) => e.accepted === 'test account: stays in Sonar only'));
  assert.equal(summaryRows(replay).find((r) => r.entity === 'customers')!.accepted, 1);
  assert.match(errorLines(replay).join('\n'), new RegExp(`${replay.errors.length} errors: 0 new, ${replay.errors.length} accepted`));
  const html = fs.readFileSync((await writeRunReport(path.join(world, 'runs', 'replay'), { secrets: [fx.key, fx.secret] }))!, 'utf8');
  assert.match(html, new RegExp(`data-new-errors="0">No new error rows \\(besides ${replay.errors.length} accepted errors`));
  assert.match(
    html,
    new RegExp(`<section id="accepted">[\\s\\S]*data-accepted="${replay.errors.length}"[\\s\\S]*test account: stays in Sonar only`),
  );

  // A new error (another account, another status) stops it; the accepted one is still reported as accepted.
  const cutover = await run('cutover', withStatus(rehearsalTables, b.id, '998'));
  assert.equal(cutover.stopped, true);
  const fresh = cutover.errors.filter((e) => !e.accepted);
  assert.deepEqual(
    fresh.map((e) => [e.entity, e.source_id]),
    [['customers', String(b.id)]],
  );
  assert.match(fresh[0].message, /account-status 998/);
  assert.ok(cutover.errors.some((e) => e.accepted && e.source_id === String(a.id)));

  // Sonar fixes both: everything loads, and the accepted errors of A are resolved.
  const fixed = await run('fixed', clean, { stopOnError: false });
  assert.equal(fixed.errors.length, 0, JSON.stringify(fixed.errors));
  assert.deepEqual(
    (fixed.resolved ?? []).filter((r) => r.entity === 'customers').map((r) => r.source_id),
    [String(a.id)],
  );
  assert.equal(fixed.resolved!.length, readAcceptedErrors(acceptedFile).size, 'every accepted error of A is resolved');
  assert.match(errorLines(fixed).join('\n'), new RegExp(`${fixed.resolved!.length} accepted errors resolved`));
  const fixedHtml = fs.readFileSync((await writeRunReport(path.join(world, 'runs', 'fixed'), { secrets: [fx.key, fx.secret] }))!, 'utf8');
  assert.match(fixedHtml, /<h3>Resolved<\/h3>/);
  ledger.close();
});

test('the same record failing for another reason is a new error, not the accepted one', async () => {
  await fetch(`${fx.splynx.url}/__sandbox/reset`, { method: 'POST' });
  const world = path.join(fx.dir, 'other');
  const ledger = new Ledger(path.join(world, 'ledger.sqlite'));
  const run = (runId: string, tables: Record<string, Row[]>, opts: Partial<RunOptions> = {}) =>
    runMigration(fx.api, ledger, tables, {
      runId,
      runDir: path.join(world, 'runs', runId),
      mappingsDir: path.join(world, 'mappings'),
      timezone: 'UTC',
      phases: ['foundation', 'customers'],
      ...opts,
    });
  const [a] = plain;
  const first = await run('r1', withStatus(clean, a.id, '999'), { stopOnError: false });
  acceptErrors(first.errors, 'reviewed', { file: path.join(world, 'accepted-errors.csv') });
  const second = await run('r2', withStatus(clean, a.id, '997'));
  assert.equal(second.stopped, true);
  assert.deepEqual(
    second.errors.map((e) => [e.source_id, e.accepted]),
    [[String(a.id), '']],
  );
  ledger.close();
});
