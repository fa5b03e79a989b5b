// The analyst's review loop end to end, through the command line against the local Sonar and
// Splynx (real HTTP, real SQLite, the notebooks replayed): a dry run's preview.csv, a rehearsal,
// its errors accepted, a cutover replay that goes past them, verify counting them as explained,
// explain following one record to Splynx, and a cutover delta that stops only on a new error and
// reports an accepted error as resolved once its record loads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from './run-script.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { acceptErrors } from '../lib/load/accepted.js';
import { readPreview } from '../lib/load/preview.js';
import type { RunReport } from '../lib/load/run.js';
import type { VerifyResult } from '../lib/verify/report.js';

type Rec = Record<string, unknown>;
let sb: Sandboxes;
let dataDir: string;

before(async () => {
  sb = await startSandboxes({ accounts: 10, seed: 41, dirtyRate: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-'));
});
after(async () => {
  await sb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({ ...sb.settings, DATA_DIR: dataDir });
const migrate = (...args: string[]) => runScript('migrate.ts', args, env());
const replay = (notebook: string, ...params: string[]) =>
  runScript('replay.ts', [`notebooks/${notebook}`, ...params.flatMap((p) => ['--param', p])], env());
const runFolder = (stdout: string) => stdout.trim().split('\n').pop()!;
const reportOf = (stdout: string) => JSON.parse(fs.readFileSync(path.join(runFolder(stdout), 'report.json'), 'utf8')) as RunReport;
const said = (r: { code: number; stdout: string; stderr: string }) => `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-3000)}`;

async function sonar(route: string, body: Rec, method = 'POST'): Promise<Rec> {
  const res = await fetch(`${sb.sonar.url}/__sandbox/${route}`, { method, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { record?: Rec }).record ?? {};
}
/** A new account of the same shape as `r`, without contacts: with no name, Splynx cannot take it. */
const nameless = async (r: Rec) => {
  const { id: _id, sonar_unique_id: _u, created_at: _c, updated_at: _t, _version: _v, ...rest } = r;
  return sonar('records', { table: 'accounts', record: { ...rest, name: '', parent_account_id: null } });
};

test('preview, accept, replay, verify, explain, delta: the review loop on the command line', { timeout: 900_000 }, async () => {
  const accounts = sb.dataset.tables.accounts as Rec[];
  const template = accounts.find((a) => !a.archived_at && !a.parent_account_id)!;
  const good = accounts.find((a) => !a.archived_at && !a.parent_account_id && a.id !== template.id)!;
  const a = await nameless(template);

  assert.equal((await migrate('snapshot', '--snapshot-id', 'base')).code, 0);
  const cleaned = await replay('02-explore-clean.ipynb', 'snapshotId=base');
  assert.equal(cleaned.code, 0, said(cleaned));

  // The dry run: preview.csv beside its report, with the nameless account among what would fail.
  const dry = await migrate('all', '--dry-run', '--no-stop-on-error');
  assert.equal(dry.code, 1, said(dry));
  const preview = readPreview(runFolder(dry.stdout));
  assert.ok(preview.some((r) => r.entity === 'customers' && r.outcome === 'sample'));
  assert.ok(
    preview.some((r) => r.entity === 'customers' && r.sonar_id === String(a.id) && r.outcome === 'fails' && /no name/.test(r.note)),
    JSON.stringify(preview.filter((r) => r.outcome === 'fails').slice(0, 3)),
  );

  // The rehearsal, and its errors accepted (all of them are about the nameless account).
  const rehearsal = await migrate('all', '--no-stop-on-error');
  assert.equal(rehearsal.code, 1, said(rehearsal));
  const errors = reportOf(rehearsal.stdout).errors;
  assert.ok(errors.length >= 1 && errors.every((e) => e.source_id === String(a.id)), JSON.stringify(errors));
  acceptErrors(errors, 'a test account in Sonar: not migrated', { file: path.join(dataDir, 'accepted-errors.csv') });

  // The cutover replay stops at errors (the default) but not at accepted ones: it finishes and exits 0.
  const cutover = await migrate('all');
  assert.equal(cutover.code, 0, said(cutover));
  const cut = reportOf(cutover.stdout);
  assert.equal(cut.stopped, false);
  assert.ok(cut.errors.length === errors.length && cut.errors.every((e) => e.accepted));
  assert.match(cutover.stdout, new RegExp(`${errors.length} errors: 0 new, ${errors.length} accepted`));

  // verify: the failed records are explained by their accepted errors, with the reason; nothing else is left.
  const verified = await migrate('verify');
  assert.equal(verified.code, 0, said(verified));
  const result = JSON.parse(fs.readFileSync(path.join(runFolder(verified.stdout), 'verify.json'), 'utf8')) as VerifyResult;
  assert.equal(result.reconciled, true);
  assert.ok(result.explained!.length >= 1 && result.explained!.every((x) => x.sonar_id === String(a.id)));
  assert.ok(result.explained!.some((x) => x.entity === 'customers' && x.reason === 'a test account in Sonar: not migrated'));
  assert.match(verified.stdout, /Explained: failed records whose error was accepted/);
  assert.match(verified.stdout, /accepted errors? explained/);

  // explain: one loaded account from the snapshot to what Splynx holds now; and the nameless one, which never got there.
  const shown = await migrate('explain', '--table', 'accounts', '--id', String(good.id));
  assert.equal(shown.code, 0, said(shown));
  const customerId = /Ledger: created, Splynx id (\d+)/.exec(shown.stdout)?.[1];
  assert.ok(customerId, shown.stdout);
  assert.match(shown.stdout, new RegExp(`Splynx now: read from admin/customers/customer/${customerId}`));
  assert.match(shown.stdout, /Mapping rows used[\s\S]*account-status/);
  assert.match(shown.stdout, new RegExp(`additional_attributes\\.sonar_id\\s+${good.id}`));
  assert.match(shown.stdout, /Ledger events[\s\S]*created/);
  const notThere = await migrate('explain', '--table', 'accounts', '--id', String(a.id));
  assert.equal(notThere.code, 0, said(notThere));
  assert.match(notThere.stdout, /Payload: none \(account has no name/);
  assert.match(notThere.stdout, /Ledger: failed/);
  assert.equal((await migrate('explain', '--table', 'accounts', '--id', '999999')).code, 1);
  assert.equal((await migrate('explain', '--table', 'accounts')).code, 2);

  // A new nameless account after the rehearsal: the delta stops on it, the new error, and on nothing else.
  const b = await nameless(template);
  const stopped = await migrate('delta', '--since', 'base');
  assert.equal(stopped.code, 1, said(stopped));
  const halted = reportOf(stopped.stdout);
  assert.equal(halted.stopped, true);
  assert.deepEqual(
    halted.errors.filter((e) => !e.accepted).map((e) => [e.entity, e.source_id]),
    [['customers', String(b.id)]],
  );

  // Sonar names both: the next delta loads them, and the accepted errors are resolved.
  await sonar('records', { table: 'accounts', record: { id: a.id, name: 'Named At Last' } });
  await sonar('records', { table: 'accounts', record: { id: b.id, name: 'Named Too' } });
  const resolved = await migrate('delta', '--since', 'base');
  assert.equal(resolved.code, 0, said(resolved));
  const last = reportOf(resolved.stdout);
  assert.equal(last.errors.length, 0, JSON.stringify(last.errors));
  assert.ok(
    last.resolved!.some((r) => r.entity === 'customers' && r.source_id === String(a.id)),
    JSON.stringify(last.resolved),
  );
  assert.match(resolved.stdout, /accepted errors? resolved/);
});
