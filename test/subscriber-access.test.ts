// Subscriber access, end to end over real HTTP: a generated ISP, with hand-made cases for every
// pairing rule and conflict, is snapshotted, cleaned and loaded into the Splynx sandbox; then each
// subscriber logs in through the sandbox's RADIUS route with the credentials their device holds.
// Expectations come from Sonar's data and operations.md ("Subscriber access"), not from the loader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { startSandboxes, type Sandboxes } from '../lib/sandbox/index.js';
import { issuedCredentials, type IssuedCredential } from '../lib/sandbox/credentials.js';
import { loadSettings, type Settings } from '../lib/config.js';
import { extract } from '../lib/sonar/extract.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { loadRecords, toFrame, writeCleaned } from '../lib/frames/load.js';
import { frameRows } from '../lib/frames/danfo.js';
import { renderText } from '../lib/frames/show.js';
import { dataPath } from '../lib/paths.js';
import { openSession, loadPhases, type Session } from '../lib/load/session.js';
import type { RunReport } from '../lib/load/run.js';
import { PHASES, type Row } from '../lib/entities/index.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { issuedSecrets } from '../lib/secrets/index.js';
import { scanForSecrets, describeLeaks } from '../lib/chaos/secrets-scan.js';
import { openVerify, reconcileCounts, reconcileFields, entitiesToVerify } from '../lib/verify/index.js';

type Rec = Record<string, any>;

let sb: Sandboxes;
let dataDir: string;
let settings: Settings;
let api: SplynxApi;
let session: Session;
let report: RunReport;
let t: Record<string, Rec[]>;
const cases: Record<string, { account: Rec; service: Rec; radius?: Rec[] }> = {};

const env = () => ({ ...sb.settings, DATA_DIR: dataDir, RETRY_BASE_MS: '5' });
const isData = (as: Rec) => t.services.find((s) => s.id === as.service_id)?.type === 'DATA';
const radiusOf = (a: Rec) => t.radius_accounts.filter((r) => r.account_id === a.id);
const dataOf = (a: Rec) => t.account_services.filter((as) => as.account_id === a.id && isData(as));
const serviceableOf = (a: Rec) => t.addresses.find((x) => x.addressable_type === 'Account' && x.addressable_id === a.id && x.serviceable)!;
const errorsOf = (id: unknown) => report.errors.filter((e) => e.entity === 'internet_services' && e.source_id === String(id));
const serviceIn = async (as: Rec) => {
  const sid = session.ledger.splynxId('internet_services', String(as.id));
  const customer = session.ledger.splynxId('customers', String(as.account_id));
  return sid ? await api.get<Rec>(`admin/customers/customer/${customer}/internet-services--${sid}`) : null;
};
async function authorize(login: string, password: string) {
  const res = await fetch(`${sb.splynx.url}/__sandbox/radius/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  return (await res.json()) as Rec;
}
let nextIp = 1;
function addIp(type: string, owner: unknown, ip: string, soft: boolean) {
  const id = String(t.ip_assignments.length + 1000 + nextIp++);
  const at = '2025-01-01T00:00:00+00:00';
  t.ip_assignments.push({
    id,
    sonar_unique_id: `test-ip-${id}`,
    created_at: at,
    updated_at: at,
    _version: '1',
    ipassignmentable_type: type,
    ipassignmentable_id: owner,
    subnet: `${ip}/32`,
    subnet_id: t.subnets[0].id,
    ip_pool_id: null,
    soft,
    description: null,
    reference: null,
  });
}

before(async () => {
  const dataset = generateIsp({ accounts: 90, seed: 31, dirtyRate: 0 });
  t = dataset.tables as unknown as Record<string, Rec[]>;
  const activates = new Set(t.account_statuses.filter((s) => s.activates_account).map((s) => s.id));
  const noIps = (r: Rec) => !t.ip_assignments.some((a) => a.ipassignmentable_type === 'RadiusAccount' && a.ipassignmentable_id === r.id);
  const simple = t.accounts.filter((a) => {
    const d = dataOf(a);
    const r = radiusOf(a);
    return !a.archived_at && activates.has(a.account_status_id) && d.length === 1 && r.length === 1 && noIps(r[0]);
  });
  const withCpe = simple.filter((a) => t.inventory_items.some((i) => i.account_service_id === dataOf(a)[0].id));
  const hosts = t.accounts.filter((a) => !dataOf(a).length && !radiusOf(a).length);
  assert.ok(
    simple.length >= 9 && withCpe.length >= 2 && hosts.length >= 2,
    `${simple.length} simple accounts, ${withCpe.length} with a CPE`,
  );
  const take = (pool: Rec[]) => {
    const a = pool.find((x) => !Object.values(cases).some((c) => c.account === x))!;
    return { account: a, service: dataOf(a)[0], radius: radiusOf(a) };
  };
  cases.plain = take(simple);
  cases.byIp = take(withCpe);
  cases.ambiguous = take(simple);
  cases.generate = take(simple);
  cases.skip = take(simple);
  cases.dupA = take(simple);
  cases.dupB = take(simple);
  cases.noPassword = take(simple);
  cases.routed = take(simple);
  cases.uncovered = take(simple);
  cases.overlap = take(simple);
  const second = (c: (typeof cases)[string], username: string) => {
    const first = c.radius![0];
    const extra = {
      ...first,
      id: String(t.radius_accounts.length + 500),
      sonar_unique_id: `test-radius-${username}`,
      username,
      password: `second-${first.password}`,
    };
    t.radius_accounts.push(extra);
    c.radius!.push(extra);
  };
  // Two RADIUS accounts for one service: the CPE of the service and the first RADIUS account hold one address.
  second(cases.byIp, `${cases.byIp.radius![0].username}-old`);
  const cpe = t.inventory_items.find((i) => i.account_service_id === cases.byIp.service.id)!;
  addIp('RadiusAccount', cases.byIp.radius![0].id, '100.64.77.7', true);
  addIp('InventoryItem', cpe.id, '100.64.77.7', false);
  // Two RADIUS accounts and nothing that says which.
  second(cases.ambiguous, `${cases.ambiguous.radius![0].username}-spare`);
  // No RADIUS account: the logins were made on accounts without an internet service.
  for (const [c, host] of [
    [cases.generate, hosts[0]],
    [cases.skip, hosts[1]],
  ] as const) {
    c.radius![0].account_id = host.id;
    c.radius = [];
  }
  // Two active services, one username (differing in case: Splynx compares ignoring it).
  cases.dupB.radius![0].username = String(cases.dupA.radius![0].username).toUpperCase();
  cases.noPassword.radius![0].password = null;
  // Coverage: served by one site, by none, and by two (every generated site is proposed a router).
  const lists = t.network_site_serviceable_address_lists;
  const serveOnly = (c: (typeof cases)[string], served: Rec[]) => {
    const address = serviceableOf(c.account);
    for (const l of lists) l.addresses = l.addresses.filter((id: string) => id !== address.id);
    for (const l of served) l.addresses = [...l.addresses, address.id].sort((x: string, y: string) => Number(x) - Number(y));
  };
  serveOnly(cases.routed, [lists[0]]);
  serveOnly(cases.uncovered, []);
  serveOnly(cases.overlap, [lists[0], lists[1]]);

  sb = await startSandboxes({ dataset });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'subscriber-access-'));
  settings = loadSettings({ envFile: path.join(dataDir, 'no.env'), overrides: env() });
  api = new SplynxApi({ url: sb.splynx.url, key: sb.settings.SPLYNX_API_KEY, secret: sb.settings.SPLYNX_API_SECRET });
  const { dir, manifest } = await extract(settings, {});
  const cleaned = cleanSnapshot(await loadRecords(dir));
  await writeCleaned(dataPath(dataDir, 'clean', manifest.id), cleaned.tables, { sourceSnapshot: manifest.id });
  // The analyst's decisions, before the load.
  const mappings = dataPath(dataDir, 'mappings');
  fs.mkdirSync(mappings, { recursive: true });
  const table = (name: string, rows: Rec[]) =>
    fs.writeFileSync(
      path.join(mappings, `${name}.csv`),
      stringify(rows, { header: true, columns: ['sonar_id', 'sonar_value', 'splynx_value', 'reason', 'records'] }),
    );
  table('service-access', [
    { sonar_id: cases.generate.service.id, sonar_value: 'generate', splynx_value: 'generate', reason: 'the analyst', records: '1' },
    {
      sonar_id: cases.skip.service.id,
      sonar_value: 'skip',
      splynx_value: 'skip',
      reason: 'the analyst: cancelled next week',
      records: '1',
    },
  ]);
  table('portal-login', [
    { sonar_id: 'scheme', sonar_value: 'login', splynx_value: 'contact_username', reason: 'the analyst', records: '' },
  ]);
  session = await openSession(settings);
  report = await loadPhases(session, { phases: PHASES.join(','), stopOnError: false, runId: 'access-1' });
});
after(async () => {
  session?.ledger.close();
  await sb?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the pairing rule: one with one, and by IP assignment where Sonar links a RADIUS account to the service equipment', async () => {
  for (const c of [cases.plain, cases.byIp]) {
    assert.deepEqual(errorsOf(c.service.id), []);
    const s = (await serviceIn(c.service))!;
    assert.equal(s.login, c.radius![0].username);
    assert.equal(s.password, c.radius![0].password);
  }
  assert.equal(report.access!.pairing['by IP assignment'], 1);
  // Every other clean service carries its own Sonar credentials.
  const paired = t.account_services.filter(
    (as) => isData(as) && radiusOf({ id: as.account_id }).length === 1 && dataOf({ id: as.account_id }).length === 1,
  );
  assert.equal(
    report.access!.internet_services.sonar_radius,
    paired.length - 2,
    'all one-with-one pairs but the duplicate pair and the empty password, plus the IP pair',
  );
});

test('an internet service is on the router of the site serving its address; no site or several give router 0, loaded and counted', async () => {
  const lists = t.network_site_serviceable_address_lists;
  const routed = (await serviceIn(cases.routed.service))!;
  const router = session.ledger.splynxId('network_site_routers', String(lists[0].network_site_id));
  assert.ok(router, 'the serving site is a router in Splynx');
  assert.equal(String(routed.router_id), router);
  assert.ok((await api.get<Rec>(`admin/networking/routers/${router}`)).id, 'router_id names a Splynx router');
  for (const c of [cases.uncovered, cases.overlap]) {
    assert.deepEqual(errorsOf(c.service.id), [], 'never refused for its router');
    assert.equal(String((await serviceIn(c.service))!.router_id), '0');
  }
  const r = report.access!.routers;
  assert.deepEqual(
    r.several.find((x) => x.account_service_id === String(cases.overlap.service.id)),
    { account_service_id: String(cases.overlap.service.id), sites: [lists[0].network_site_id, lists[1].network_site_id].map(String) },
  );
  // The counts, from Sonar's data: a DATA service whose serviceable address is in no list.
  const data = t.account_services.filter(isData);
  const served = new Set(lists.flatMap((l) => l.addresses));
  const uncovered = data.filter((as) => !served.has(serviceableOf({ id: as.account_id })?.id)).length;
  assert.ok(uncovered >= 1);
  assert.equal(r.without['no site serves the address'], uncovered);
  assert.equal(r.with_router + Object.values(r.without).reduce((n, x) => n + (x ?? 0), 0), data.length, 'every DATA service counted once');
  assert.ok(r.with_router > data.length / 2, `${r.with_router} of ${data.length} on a router`);
});

test('a subscriber authorizes through Splynx RADIUS with the credentials Sonar had, after the migration', async () => {
  let accepted = 0;
  for (const as of t.account_services.filter(isData)) {
    const s = await serviceIn(as);
    const r = radiusOf({ id: as.account_id });
    if (!s || s.status !== 'active' || r.length !== 1 || s.login !== r[0].username) continue;
    const answer = await authorize(r[0].username, r[0].password);
    assert.deepEqual([answer.result, answer.password_source], ['Access-Accept', 'service'], `login ${r[0].username}`);
    assert.equal((await authorize(r[0].username, `${r[0].password}x`)).result, 'Access-Reject');
    accepted++;
  }
  assert.ok(accepted >= 10, `${accepted} subscribers authorized`);
});

test('what cannot be paired is a data error row naming both sides; so is an empty RADIUS password', async () => {
  const [amb] = errorsOf(cases.ambiguous.service.id);
  assert.equal(amb.category, 'data');
  for (const r of cases.ambiguous.radius!) assert.ok(amb.message.includes(`${r.id} (${r.username})`), amb.message);
  assert.match(amb.message, new RegExp(`account service ${cases.ambiguous.service.id} `));
  assert.equal(await serviceIn(cases.ambiguous.service), null, 'not half-written');
  const [empty] = errorsOf(cases.noPassword.service.id);
  assert.equal(empty.category, 'data');
  assert.match(empty.message, /has no password; an empty service password would let in the customer's portal password/);
});

test('two active services with one login (ignoring case) are both error rows, each naming the other', async () => {
  const [a] = errorsOf(cases.dupA.service.id);
  const [b] = errorsOf(cases.dupB.service.id);
  assert.equal(a.category, 'data');
  assert.match(a.message, new RegExp(`active account service ${cases.dupB.service.id}\\b`));
  assert.match(b.message, new RegExp(`active account service ${cases.dupA.service.id}\\b`));
});

test('no RADIUS account: the service-access table decides; generate writes the password only to data/secrets/, skip is reported', async () => {
  const s = (await serviceIn(cases.generate.service))!;
  assert.equal(s.login, `${cases.generate.account.id}-${cases.generate.service.id}`);
  const issued = issuedSecrets([dataDir]).filter((x) => x.label === `generated password of internet service login ${s.login}`);
  assert.equal(issued.length, 1);
  assert.ok(issued[0].value.length >= 20 && s.password === issued[0].value, 'a strong password, the one Splynx holds');
  assert.equal((await authorize(s.login, issued[0].value)).result, 'Access-Accept');
  const [skipped] = errorsOf(cases.skip.service.id);
  assert.equal(skipped.category, 'data');
  assert.match(skipped.message, /not migrated: the analyst's decision in service-access.csv/);
  // Every other service without a RADIUS account was proposed `generate`; none has an empty password.
  const rows = parse(fs.readFileSync(dataPath(dataDir, 'mappings', 'service-access.csv'), 'utf8'), { columns: true }) as Rec[];
  assert.ok(rows.length >= 2);
  for (const r of rows.filter((x) => x.sonar_id !== cases.skip.service.id)) {
    assert.equal(r.splynx_value, 'generate');
    const as = t.account_services.find((x) => x.id === r.sonar_id)!;
    const svc = await serviceIn(as);
    if (svc) assert.ok(String(svc.password).length >= 20, `service ${as.id} has a password`);
  }
  assert.equal(report.access!.internet_services.not_migrated, 1);
});

test('portal access: contact usernames where unique, generated portal passwords only in data/secrets/, the choice in the report', async () => {
  assert.deepEqual(
    { ...report.access!.portal, contact_usernames: report.access!.portal.contact_usernames > 0 },
    {
      login_scheme: 'contact_username',
      contact_usernames: true,
      password: 'generate',
    },
  );
  const withName = t.accounts.find((a) => {
    const primary = t.contacts.find((c) => c.contactable_type === 'Account' && c.contactable_id === a.id && c.primary);
    return (
      primary?.username &&
      t.contacts.filter((c) => c.primary && String(c.username).toLowerCase() === String(primary.username).toLowerCase()).length === 1
    );
  });
  assert.ok(withName, 'a generated account has a portal username');
  const primary = t.contacts.find((c) => c.contactable_type === 'Account' && c.contactable_id === withName!.id && c.primary)!;
  const customer = await api.get<Rec>(`admin/customers/customer/${session.ledger.splynxId('customers', String(withName!.id))}`);
  assert.equal(customer.login, primary.username);
  const portal = issuedSecrets([dataDir]).filter((x) => /portal password/.test(x.label));
  assert.equal(portal.length, report.entities.customers.created);
  assert.ok(portal.some((p) => p.value === customer.password));
});

test('verify reads back every login and password; a changed password shows as "password differs", never the value', async () => {
  const vs = await openVerify(settings);
  const mods = entitiesToVerify('internet_services');
  const fields = async () => (await reconcileFields(vs, mods, await reconcileCounts(vs, mods, { full: true }), { sample: 0, seed: 1 }))[0];
  try {
    const clean = await fields();
    assert.ok(clean.compared > 10);
    assert.deepEqual(clean.differences, []);
    const c = cases.plain;
    const sid = session.ledger.splynxId('internet_services', String(c.service.id))!;
    const customer = session.ledger.splynxId('customers', String(c.account.id))!;
    await api.update(`admin/customers/customer/${customer}/internet-services--${sid}`, { password: 'tampered-by-hand-1' });
    const gen = cases.generate;
    const gsid = session.ledger.splynxId('internet_services', String(gen.service.id))!;
    await api.update(
      `admin/customers/customer/${session.ledger.splynxId('customers', String(gen.account.id))}/internet-services--${gsid}`,
      {
        password: 'tampered-by-hand-2',
      },
    );
    // A router changed by hand is found too.
    const routed = cases.routed;
    const rsid = session.ledger.splynxId('internet_services', String(routed.service.id))!;
    const router = session.ledger.splynxId('network_site_routers', String(t.network_site_serviceable_address_lists[0].network_site_id))!;
    await api.update(
      `admin/customers/customer/${session.ledger.splynxId('customers', String(routed.account.id))}/internet-services--${rsid}`,
      { router_id: '0' },
    );
    const found = await fields();
    assert.deepEqual(
      found.differences.map((d) => [d.sonar_id, d.field, String(d.expected), String(d.found)]).sort(),
      [
        [String(c.service.id), 'password', '(not shown)', 'password differs'],
        [String(gen.service.id), 'password', '(not shown)', 'password differs'],
        [String(routed.service.id), 'router_id', router, '0'],
      ].sort(),
    );
  } finally {
    vs.ledger.close();
  }
});

test('no subscriber password outside data/secrets/ and the snapshot; show() and frames mask them', () => {
  const credentials: IssuedCredential[] = [...issuedCredentials(), ...issuedSecrets([dataDir])];
  assert.ok(
    credentials.some((c) => c.sonarHeld),
    'the Sonar sandbox registered the RADIUS passwords',
  );
  const result = scanForSecrets([dataDir], credentials);
  assert.deepEqual(describeLeaks(result), []);
  assert.ok(result.excluded.some((d) => path.basename(d) === 'secrets'));
  // The scan can fail: a RADIUS password copied into a run folder is found.
  const radius = cases.plain.radius![0].password as string;
  const stray = path.join(dataDir, 'runs', 'access-1', 'stray.txt');
  fs.writeFileSync(stray, `oops ${radius}\n`);
  assert.equal(scanForSecrets([dataDir], credentials).leaks.filter((l) => l.file === stray).length, 1);
  fs.rmSync(stray);
  for (const line of [JSON.stringify(report), fs.readFileSync(path.join(dataDir, 'runs', 'access-1', 'errors.csv'), 'utf8')])
    assert.ok(!line.includes(radius));
  // show() and a frame of RADIUS accounts hold no password.
  const lines = [renderText(t.radius_accounts.slice(0, 5), {})];
  assert.ok(lines.join('\n').includes('***'));
  for (const r of t.radius_accounts.slice(0, 5)) assert.ok(!lines.join('\n').includes(String(r.password)));
  const frame = toFrame('radius_accounts', t.radius_accounts.slice(0, 5));
  assert.ok(frameRows(frame).every((row) => !row.some((v) => t.radius_accounts.some((r) => r.password && v === r.password))));
  const kept = toFrame('radius_accounts', t.radius_accounts.slice(0, 1), { keepSecrets: true });
  assert.ok(frameRows(kept)[0].includes(t.radius_accounts[0].password), 'kept only when asked');
});

test('everything under the data folder is readable by its owner only after a real run: files 600, folders 700', () => {
  const wrong: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const mode = fs.statSync(p).mode & 0o777;
      if (e.isDirectory()) {
        if (mode !== 0o700) wrong.push(`${path.relative(dataDir, p)}/ ${mode.toString(8)}`);
        walk(p);
      } else if (mode !== 0o600) wrong.push(`${path.relative(dataDir, p)} ${mode.toString(8)}`);
    }
  };
  walk(dataDir);
  assert.ok(fs.readdirSync(dataDir).includes('snapshots') && fs.readdirSync(dataDir).some((f) => f.endsWith('.sqlite')));
  assert.deepEqual(wrong, []);
});
