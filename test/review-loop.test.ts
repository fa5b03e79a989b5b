// The analyst's decisions end to end, through the command lines as a team would run them: a
// snapshot, corrections and an exclusion recorded with the notebook helper, notebook 02 replayed,
// the load, verify, then changes in Sonar and the cutover delta. The corrected value reaches
// Splynx and stays through the delta; the one Sonar changed since is stale, not applied; the
// excluded account is reported as excluded everywhere, and verify still reconciles (exit 0).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from './run-script.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { planExclusions } from '../lib/clean/exclusions.js';
import { correctionsDir, openReview } from '../lib/clean/review.js';
import type { CorrectionOutcome } from '../lib/clean/corrections.js';
import { loadCleanedExtra, loadRecords } from '../lib/frames/load.js';
import type { RunReport } from '../lib/load/run.js';
import type { VerifyResult } from '../lib/verify/index.js';
import type { DeltaSummary } from '../lib/delta/index.js';

type Rec = Record<string, unknown>;
let sb: Sandboxes;
let dataDir: string;
let api: SplynxApi;

before(async () => {
  sb = await startSandboxes({ accounts: 20, seed: 31, dirtyRate: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-loop-'));
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
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
const json = <T>(dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
const explain = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr.slice(-3000)}`;

async function sonar(route: string, body: Rec): Promise<void> {
  const res = await fetch(`${sb.sonar.url}/__sandbox/${route}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}
const customers = (accountId: unknown) => api.get<Rec[]>('admin/customers/customer', { main_attributes: { login: String(accountId) } });

test(
  'corrections and an exclusion hold through the replay of 02, the load, verify and the cutover delta',
  { timeout: 600_000 },
  async () => {
    const snap = await migrate('snapshot', '--snapshot-id', 'base');
    assert.equal(snap.code, 0, snap.stderr);
    const raw = await loadRecords(path.join(dataDir, 'snapshots', 'base'));
    const excludable = raw.accounts.filter(
      (a) =>
        !a.archived_at &&
        !a.parent_account_id &&
        planExclusions(raw, [{ table: 'accounts', sonar_id: String(a.id), reason: 'x', made_at: '' }]).outcomes[0].status === 'excluded',
    );
    assert.ok(excludable.length >= 3);
    const [corrected, stale, excluded] = excludable;
    const review = openReview(dataDir, raw, cleanSnapshot(raw));
    review.correct('accounts', String(corrected.id), 'name', 'Corrected Name Ltd', 'typo in Sonar, confirmed by the customer');
    review.correct('accounts', String(stale.id), 'name', 'Corrected Then Stale', 'typo in Sonar');
    review.exclude('accounts', String(excluded.id), 'test account, never a customer');

    // Notebook 02, replayed headlessly, applies them; the load and verify follow.
    const cleaning = await replay('02-explore-clean.ipynb', 'snapshotId=base');
    assert.equal(cleaning.code, 0, explain(cleaning));
    const load = await migrate('all', '--no-stop-on-error');
    assert.equal(load.code, 0, explain(load));
    assert.match(load.stdout, /records not migrated by decision/);
    const report = json<RunReport>(runFolder(load.stdout), 'report.json');
    assert.equal(report.errors.length, 0, JSON.stringify(report.errors.slice(0, 3)));
    assert.equal(report.entities.customers.excluded, 1);
    assert.deepEqual(
      report.excluded!.filter((e) => e.entity === 'customers'),
      [
        {
          entity: 'customers',
          source_id: String(excluded.id),
          table: 'accounts',
          reason: 'test account, never a customer',
          excluded_with: '',
        },
      ],
    );
    assert.ok(
      report.excluded!.some((e) => e.table !== 'accounts' && e.excluded_with === `accounts ${excluded.id}`),
      'what belongs to it is reported too',
    );
    assert.equal((await customers(corrected.id))[0]?.name, 'Corrected Name Ltd', 'the corrected value reached Splynx');
    assert.equal((await customers(stale.id))[0]?.name, 'Corrected Then Stale');
    assert.equal((await customers(excluded.id)).length, 0, 'the excluded account is not in Splynx');

    const verified = await migrate('verify');
    assert.equal(verified.code, 0, explain(verified));
    assert.match(verified.stdout, /Excluded by decision/);
    const v = json<VerifyResult>(runFolder(verified.stdout), 'verify.json');
    assert.equal(v.reconciled, true);
    assert.equal(v.verdicts.find((r) => r.entity === 'customers')?.excluded, 1);
    assert.ok(
      v.excluded!.some(
        (e) => e.entity === 'customers' && e.source_id === String(excluded.id) && e.reason === 'test account, never a customer',
      ),
    );

    // Sonar changes before cutover: another field of the corrected account, and the corrected field of the other.
    await sonar('records', { table: 'accounts', record: { id: corrected.id, data_usage_percentage: 55 } });
    await sonar('records', { table: 'accounts', record: { id: stale.id, name: 'Renamed In Sonar' } });
    const delta = await migrate('delta', '--since', 'base', '--no-stop-on-error');
    assert.equal(delta.code, 0, explain(delta));
    const summary = json<DeltaSummary>(runFolder(delta.stdout), 'delta.json');
    assert.equal(summary.entities.find((e) => e.entity === 'customers')?.excluded, 1);
    assert.equal((await customers(corrected.id))[0]?.name, 'Corrected Name Ltd', 'the correction survived the delta');
    assert.equal((await customers(stale.id))[0]?.name, 'Renamed In Sonar', "a stale correction is not applied: Sonar's new value goes");
    assert.equal((await customers(excluded.id)).length, 0);
    const outcomes = (await loadCleanedExtra(
      path.join(dataDir, 'clean', summary.snapshot),
      'corrections',
    )) as unknown as CorrectionOutcome[];
    const byAccount = new Map(outcomes.map((o) => [o.sonar_id, o]));
    assert.equal(byAccount.get(String(corrected.id))?.status, 'applied');
    assert.deepEqual(
      (({ status, sonar_had, snapshot_has }) => ({ status, sonar_had, snapshot_has }))(byAccount.get(String(stale.id))!),
      { status: 'stale', sonar_had: stale.name, snapshot_has: 'Renamed In Sonar' },
      'the stale one is listed with both values',
    );
    const again = await migrate('verify');
    assert.equal(again.code, 0, explain(again));

    // A row that cannot be applied stops notebook 02 (and so the delta), naming the row.
    fs.appendFileSync(
      path.join(correctionsDir(dataDir), 'corrections.csv'),
      `accounts,${corrected.id},next_recurring_charge_amount,,lots,bad value,2026-01-01T00:00:00Z\n`,
    );
    const refused = await replay('02-explore-clean.ipynb', `snapshotId=${summary.snapshot}`);
    assert.notEqual(refused.code, 0);
    assert.match(explain(refused), /corrections\.csv line 4: accounts \d+ next_recurring_charge_amount: "lots" is not a whole number/);
  },
);
