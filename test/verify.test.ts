// Verification against a real load: a small generated ISP is migrated into the Splynx sandbox over
// HTTP; verify must reconcile, then find exactly the changes made to Splynx behind its back, and
// never write anything itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from './run-script.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { loadSettings, type Settings } from '../lib/config.js';
import { extract } from '../lib/sonar/extract.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { loadRecords, writeCleaned } from '../lib/frames/load.js';
import { dataPath } from '../lib/paths.js';
import { openSession, loadPhases } from '../lib/load/session.js';
import { PHASES, type Row } from '../lib/entities/index.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { openVerify, runVerify, type VerifyResult } from '../lib/verify/index.js';

let sb: Sandboxes;
let dataDir: string;
let settings: Settings;
let api: SplynxApi;

before(async () => {
  sb = await startSandboxes({ accounts: 25, seed: 16, dirtyRate: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-'));
  settings = loadSettings({ envFile: path.join(dataDir, 'no.env'), overrides: { ...sb.settings, DATA_DIR: dataDir, RETRY_BASE_MS: '5' } });
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
  // The analyst's path, through lib: snapshot, clean, then every phase.
  const { dir, manifest } = await extract(settings, {});
  const cleaned = cleanSnapshot(await loadRecords(dir));
  await writeCleaned(dataPath(dataDir, 'clean', manifest.id), cleaned.tables, { sourceSnapshot: manifest.id });
  const session = await openSession(settings);
  const report = await loadPhases(session, { phases: PHASES.join(','), stopOnError: false, runId: 'load-1' });
  session.ledger.close();
  assert.equal(report.errors.length, 0, JSON.stringify(report.errors.slice(0, 3)));
});
after(async () => {
  await sb?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function verify(opts: {
  sample?: number;
  seed?: number;
  entities?: string[];
  runId: string;
}): Promise<VerifyResult & { run_dir: string }> {
  const s = await openVerify(settings);
  try {
    return await runVerify(s, opts);
  } finally {
    s.ledger.close();
  }
}

const migrate = (...args: string[]) => runScript('migrate.ts', args, { ...sb.settings, DATA_DIR: dataDir, RETRY_BASE_MS: '5' });

/** What must not change while verifying: Splynx's writes and the ledger file. */
async function untouched<T>(fn: () => Promise<T>): Promise<T> {
  const hash = () =>
    createHash('sha256')
      .update(fs.readFileSync(path.join(dataDir, 'ledger.sqlite')))
      .digest('hex');
  // A token (SPLYNX_AUTH's default) is no record: its requests are left out of the writes.
  const recordWrites = () => sb.splynx.stats().writes - sb.splynx.tokenStats().writes;
  const writes = recordWrites();
  const before = hash();
  const out = await fn();
  assert.equal(recordWrites(), writes, 'verify wrote to Splynx');
  assert.equal(hash(), before, 'verify changed the ledger');
  return out;
}

const secretsIn = (text: string) =>
  [sb.settings.SPLYNX_API_KEY, sb.settings.SPLYNX_API_SECRET, sb.settings.SONAR_API_KEY].filter((x) => text.includes(x));

test('after a full load every entity reconciles, through the library and the command line', { timeout: 120_000 }, async () => {
  const r = await untouched(() => verify({ runId: 'verify-clean' }));
  assert.deepEqual(r.differences, []);
  assert.equal(r.reconciled, true);
  for (const v of r.verdicts) assert.equal(v.verdict, 'ok', `${v.entity}: ${v.note}`);
  const customers = r.verdicts.find((v) => v.entity === 'customers')!;
  assert.deepEqual(
    [customers.sonar, customers.snapshot, customers.selected, customers.done, customers.splynx, customers.compared],
    [25, 25, 25, 25, 25, 25],
  );
  assert.match(r.verdicts.find((v) => v.entity === 'customer_info')!.note, /attach-only/);
  assert.equal(r.verdicts.find((v) => v.entity === 'money (per customer)')!.compared, 25);

  const cli = await untouched(() => migrate('verify'));
  assert.equal(cli.code, 0, cli.stderr + cli.stdout);
  const folder = cli.stdout.trim().split('\n').pop()!;
  assert.match(folder, /runs\/\d{8}-\d{6}Z(-\d+)?$/, 'the run folder is printed last');
  assert.match(cli.stdout, /Reconciled: /);
  for (const f of ['verify.json', 'verify.csv', '08-verify.ipynb']) assert.ok(fs.existsSync(path.join(folder, f)), f);
  assert.equal(fs.readFileSync(path.join(folder, 'verify.csv'), 'utf8'), 'check,entity,sonar_id,splynx_id,field,expected,found\n');
  // Every file, those in charts/ and report.html included.
  for (const f of fs.readdirSync(folder, { recursive: true }) as string[])
    if (fs.statSync(path.join(folder, f)).isFile())
      assert.deepEqual(secretsIn(fs.readFileSync(path.join(folder, f), 'utf8')), [], `${f} holds a secret`);
  for (const f of ['report.html', 'charts/reconciliation.svg']) assert.ok(fs.existsSync(path.join(folder, f)), f);
  assert.deepEqual(secretsIn(cli.stdout + cli.stderr), []);
});

test('a sample reads at most N records per entity, the same ones for the same seed', { timeout: 60_000 }, async () => {
  const a = await untouched(() => verify({ runId: 'verify-sample-a', sample: 3, seed: 7 }));
  const b = await verify({ runId: 'verify-sample-b', sample: 3, seed: 7 });
  const c = await verify({ runId: 'verify-sample-c', sample: 3, seed: 8 });
  assert.equal(a.reconciled, true, JSON.stringify(a.differences.slice(0, 3)));
  // Money and the first bill are per customer, every customer, whatever the sample.
  for (const v of a.verdicts.filter((x) => !x.entity.startsWith('money') && !x.entity.startsWith('first bill')))
    assert.ok(v.compared <= 3, `${v.entity} read ${v.compared}`);
  assert.ok(Object.values(a.sampled).every((ids) => ids.length <= 3));
  assert.equal(a.sampled.customers.length, 3);
  assert.deepEqual(a.sampled, b.sampled, 'same seed, same sample');
  assert.notDeepEqual(a.sampled, c.sampled, 'another seed, another sample');
});

test(
  'an account added to Sonar since the snapshot is named by the Sonar count; --entities narrows the check',
  { timeout: 60_000 },
  async () => {
    const control = (method: string, body: object) =>
      fetch(`${sb.sonar.url}/__sandbox/records`, { method, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ id?: string; record?: { id: string } }>,
      );
    const added = await control('POST', {
      table: 'accounts',
      record: { name: 'Signed up after the snapshot', account_status_id: '1', account_type_id: '1', company_id: '1', archived_at: null },
    });
    try {
      const r = await untouched(() => verify({ runId: 'verify-sonar-changed', entities: ['customers', 'customer_info'] }));
      assert.deepEqual(r.entities, ['customers', 'customer_info']);
      assert.deepEqual(
        r.differences.map((d) => `${d.check} ${d.entity} ${d.field} ${d.expected} | ${d.found}`),
        [`sonar accounts (count) 25 (snapshot ${r.snapshot_id}) | 26 in Sonar now: take a new snapshot, or run the delta`],
      );
      assert.deepEqual(
        r.verdicts.map((v) => `${v.entity} ${v.verdict}`),
        ['customers differs', 'customer_info differs', 'money (per customer) ok', 'first bill (per customer) ok'],
      );
      assert.match(r.verdicts[0].note, /Sonar has 26 accounts now, the snapshot 25/);
    } finally {
      await control('DELETE', { table: 'accounts', id: added.record?.id ?? added.id });
    }
    assert.equal((await verify({ runId: 'verify-sonar-back', entities: ['customers'] })).reconciled, true);
  },
);

test('changes made in Splynx behind its back are each reported, and the command exits non-zero', { timeout: 120_000 }, async () => {
  const s = await openVerify(settings);
  const done = (entity: string) => s.ledger.done(entity);
  const accountOf = (entity: string, sonarId: string) =>
    String(s.ctx.byId(entity === 'customers' ? 'accounts' : 'account_services', sonarId)!.account_id ?? sonarId);
  const withIp = new Set(done('service_ips').map((r) => r.splynx_id));
  const customerIdOf = new Map(done('customers').map((r) => [r.sonar_id, r.splynx_id!]));
  // Three different accounts: a changed e-mail, a deleted service, a changed price.
  const priced = ['internet_services', 'recurring_services', 'voice_services']
    .flatMap((e) => done(e).map((r) => ({ e, r, as: s.ctx.byId('account_services', r.sonar_id)! })))
    .filter((x) => x.as.price_override !== null && x.as.price_override !== undefined && !withIp.has(x.r.splynx_id))[0];
  assert.ok(priced, 'the generated ISP has a service with its own price');
  const gone = done('recurring_services').find((r) => accountOf('recurring_services', r.sonar_id) !== String(priced.as.account_id))!;
  const goneAccount = accountOf('recurring_services', gone.sonar_id);
  const emailed = done('customers').find((r) => ![goneAccount, String(priced.as.account_id)].includes(r.sonar_id))!;
  const partner = done('partners')[0].splynx_id!;
  s.ledger.close();

  const kind = priced.e.replace('_services', '');
  await api.update(`admin/customers/customer/${emailed.splynx_id}`, { email: 'changed.behind.its.back@example.com' });
  await api.remove(`admin/customers/customer/${customerIdOf.get(goneAccount)}/recurring-services--${gone.splynx_id}`);
  const price = (Number(priced.as.price_override) + 123) / 100;
  await api.update(`admin/customers/customer/${customerIdOf.get(String(priced.as.account_id))}/${kind}-services--${priced.r.splynx_id}`, {
    unit_price: price.toFixed(2),
  });
  const stranger = await api.create('admin/customers/customer', {
    name: 'Made by hand',
    login: 'hand-made-1',
    partner_id: partner,
    location_id: '1',
    additional_attributes: { sonar_id: '999999' },
  });

  const cli = await untouched(() => migrate('verify'));
  assert.equal(cli.code, 1, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /Not reconciled: /);
  const folder = cli.stdout.trim().split('\n').pop()!;
  const r = JSON.parse(fs.readFileSync(path.join(folder, 'verify.json'), 'utf8')) as VerifyResult;
  const got = r.differences.map((d) => `${d.check} ${d.entity} ${d.sonar_id} ${d.splynx_id} ${d.field}`).sort();
  const want = [
    `field customers ${emailed.sonar_id} ${emailed.splynx_id} email`,
    `count recurring_services ${gone.sonar_id} ${gone.splynx_id} (record)`,
    `field ${priced.e} ${priced.r.sonar_id} ${priced.r.splynx_id} unit_price`,
    `count customers 999999 ${stranger.id} (record)`,
    `money money ${goneAccount} ${customerIdOf.get(goneAccount)} services_total`,
    `money money ${priced.as.account_id} ${customerIdOf.get(String(priced.as.account_id))} services_total`,
    // The first bill shows both: the repriced service charged another amount, the deleted one not at all.
    `first-bill first_bill ${priced.as.account_id} ${customerIdOf.get(String(priced.as.account_id))} ${priced.e} ${priced.r.sonar_id} amount`,
    `first-bill first_bill ${priced.as.account_id} ${customerIdOf.get(String(priced.as.account_id))} next_recurring_charge_amount`,
    `first-bill first_bill ${goneAccount} ${customerIdOf.get(goneAccount)} recurring_services ${gone.sonar_id} period`,
    `first-bill first_bill ${goneAccount} ${customerIdOf.get(goneAccount)} next_recurring_charge_amount`,
  ].sort();
  assert.deepEqual(got, want);
  const email = r.differences.find((d) => d.field === 'email')!;
  assert.equal(email.found, 'changed.behind.its.back@example.com');
  assert.notEqual(email.expected, email.found);
  assert.equal(r.differences.find((d) => d.field === 'unit_price')!.found.startsWith(price.toFixed(2)), true);
  const verdict = (e: string) => r.verdicts.find((v) => v.entity === e)!;
  assert.equal(verdict('customers').splynx, Number(verdict('customers').done) + 1);
  assert.equal(verdict('recurring_services').splynx, Number(verdict('recurring_services').done) - 1);
  assert.equal(verdict('customer_info').verdict, 'ok');
  const csv = fs.readFileSync(path.join(folder, 'verify.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + want.length);
  assert.match(cli.stdout, /changed\.behind\.its\.back@example\.com/, 'the differences are printed');

  // A sample sees what it reads: the counts still name the missing and the unknown record.
  const sampled = await verify({ runId: 'verify-sample-tampered', sample: 2 });
  assert.equal(sampled.reconciled, false);
  assert.ok(sampled.differences.some((d) => d.entity === 'customers' && d.sonar_id === '999999'));
  assert.ok(sampled.differences.some((d) => d.entity === 'recurring_services' && d.sonar_id === gone.sonar_id));
});
