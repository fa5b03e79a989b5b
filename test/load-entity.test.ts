// The exactly-once loader against the Splynx sandbox, with the foundation entities it starts with.
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
import { ensureSonarIdFields } from '../lib/entities/sonar-id.js';
import { partners } from '../lib/entities/partners.js';
import { tariffsInternet } from '../lib/entities/tariffs-internet.js';
import type { EntityModule, Row } from '../lib/entities/types.js';
import { loadEntity } from '../lib/load/entity.js';
import { transformContext } from '../lib/load/context.js';
import { MAPPING_SPECS } from '../lib/entities/index.js';

const KEY = 'load-key';
const SECRET = 'load-secret';
const tables = generateIsp({ accounts: 30, seed: 2 }).tables as unknown as Record<string, Row[]>;
const dataServices = tables.services.filter((s) => s.type === 'DATA');

let splynx: SplynxSandbox;
let api: SplynxApi;
let dir: string;
before(async () => {
  splynx = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, faults: new FaultController(parseFaultSpec('', 'splynx')) });
  api = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
});
after(async () => {
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function reset() {
  await fetch(`${splynx.url}/__sandbox/reset`, { method: 'POST' });
  splynx.faults.set(parseFaultSpec('', 'splynx'));
  await ensureSonarIdFields(api);
}

function setup(name: string) {
  const ledger = new Ledger(path.join(dir, `${name}.sqlite`));
  const dryRunCreated = new Set<string>();
  const ctx = transformContext({
    tables,
    ledger,
    timezone: 'UTC',
    mappingsDir: path.join(dir, name),
    mappingSpecs: MAPPING_SPECS,
    dryRunCreated,
  });
  for (const m of [partners, tariffsInternet]) for (const spec of m.mappings ?? []) ctx.mapping(spec.name).propose(spec.propose(ctx));
  const load = (mod: EntityModule, opts: Parameters<typeof loadEntity>[5] = {}) =>
    loadEntity(mod as EntityModule, tables[mod.source], ctx, api, ledger, { dryRunCreated, ...opts });
  return { ledger, load };
}

const tariffTitles = async () => (await api.get<Array<{ title: string }>>('admin/tariffs/internet')).map((t) => t.title).sort();

test('partners then tariffs load once; a second run creates nothing and skips everything', async () => {
  await reset();
  const { ledger, load } = setup('once');
  const p = await load(partners);
  assert.deepEqual([p.created, p.failed], [tables.companies.length, 0]);
  const t = await load(tariffsInternet);
  assert.equal(t.failed, 0, JSON.stringify(t.errors));
  assert.equal(t.created, dataServices.length);
  assert.deepEqual(await tariffTitles(), dataServices.map((s) => String(s.name)).sort());
  const tariff = (
    await api.get<Array<{ title: string; speed_download: string; price: string; additional_attributes: Record<string, string> }>>(
      'admin/tariffs/internet',
    )
  )[0];
  const source = dataServices.find((s) => s.name === tariff.title)!;
  assert.equal(tariff.additional_attributes.sonar_id, String(source.id));
  assert.equal(Number(tariff.price), Number(source.amount) / 100);

  const again = await load(tariffsInternet);
  assert.deepEqual([again.created, again.updated, again.skipped], [0, 0, dataServices.length]);
  assert.equal((await tariffTitles()).length, dataServices.length);
  assert.equal(ledger.pending().length, 0);
});

test('a tariff whose partner was not migrated fails with what is missing', async () => {
  await reset();
  const { load } = setup('deps');
  const t = await load(tariffsInternet);
  assert.equal(t.created, 0);
  assert.equal(t.failed, dataServices.length);
  assert.ok(
    t.errors.every((e) => e.category === 'data' || e.category === 'transformation'),
    JSON.stringify(t.errors[0]),
  );
  assert.match(t.errors.find((e) => e.category === 'data')?.message ?? t.errors[0].message, /partner/);
});

test('a dry run writes nothing and reports what would happen', async () => {
  await reset();
  const { ledger, load } = setup('dry');
  const before = splynx.stats().writes;
  const p = await load(partners, { dryRun: true });
  const t = await load(tariffsInternet, { dryRun: true });
  assert.equal(p.created, tables.companies.length);
  assert.equal(t.created, dataServices.length, 'dependants resolve against what the dry run would create');
  assert.equal(splynx.stats().writes, before, 'no write reached Splynx');
  assert.equal(ledger.records().length, 0, 'nothing in the ledger');
});

test('a tariff made by hand with the same title is adopted, not duplicated', async () => {
  await reset();
  const { ledger, load } = setup('adopt');
  await load(partners);
  const existing = await api.create('admin/tariffs/internet', {
    title: String(dataServices[0].name),
    speed_download: 1,
    speed_upload: 1,
    partners_ids: ['1'],
    with_vat: '0',
    hide_on_admin_portal: '0',
    show_on_customer_portal: '0',
  });
  const t = await load(tariffsInternet);
  assert.equal(t.adopted, 1);
  assert.equal(t.created, dataServices.length - 1);
  assert.equal(ledger.get('tariffs_internet', String(dataServices[0].id))!.splynx_id, existing.id);
  assert.equal(ledger.get('tariffs_internet', String(dataServices[0].id))!.state, 'external');
  assert.equal((await tariffTitles()).length, dataServices.length);
});

test('a fresh load asks Splynx what it holds once per entity, never record by record', async () => {
  await reset();
  const { load } = setup('listing');
  const before = splynx.stats();
  const p = await load(partners);
  const t = await load(tariffsInternet);
  const after = splynx.stats();
  assert.equal(p.failed + t.failed, 0, JSON.stringify([...p.errors, ...t.errors]));
  const writes = after.writes - before.writes;
  assert.equal(writes, p.created + t.created, 'one write per record');
  // partners: a count and one page (Splynx holds "Main"); tariffs: a count of none.
  assert.equal(after.requests - before.requests - writes, 3, 'reads: the listings, no search per record');
});

test('a record made by hand after the listing is refused as a duplicate by Splynx, then adopted', async () => {
  await reset();
  const { ledger, load } = setup('race');
  const lastCompany = tables.companies[tables.companies.length - 1];
  const lastTariff = dataServices[dataServices.length - 1];
  let hand: { partner: number; tariff: number } | null = null;
  // After the first record of each entity (its listing is taken), someone makes the last one by
  // hand: a partner carrying its sonar_id under another name, a tariff with the same title.
  const partnersOut = await load(partners, {
    concurrency: 1,
    onProgress: ({ done }) => {
      if (done === 1)
        hand = {
          partner: splynx.store.insert('partners', { name: 'Made by hand', additional_attributes: { sonar_id: String(lastCompany.id) } })
            .id,
          tariff: 0,
        };
    },
  });
  const tariffsOut = await load(tariffsInternet, {
    concurrency: 1,
    onProgress: ({ done }) => {
      if (done === 1) hand!.tariff = splynx.store.insert('tariffs_internet', { title: String(lastTariff.name), partners_ids: [1] }).id;
    },
  });
  assert.ok(tables.companies.length > 1 && dataServices.length > 1, 'the race needs a second record');
  assert.equal(partnersOut.failed + tariffsOut.failed, 0, JSON.stringify([...partnersOut.errors, ...tariffsOut.errors]));
  assert.deepEqual([partnersOut.adopted, tariffsOut.adopted], [1, 1]);
  const partner = ledger.get('partners', String(lastCompany.id))!;
  const tariff = ledger.get('tariffs_internet', String(lastTariff.id))!;
  assert.deepEqual([partner.state, partner.splynx_id], ['external', String(hand!.partner)]);
  assert.deepEqual([tariff.state, tariff.splynx_id], ['external', String(hand!.tariff)]);
  assert.equal((await tariffTitles()).length, dataServices.length, 'no second tariff of that title');
  const partnerRows = await api.get<unknown[]>('admin/administration/partners');
  assert.equal(partnerRows.length, 1 + tables.companies.length, 'no second partner with that sonar_id');
});

test('with "commit then drop" on every write, each record still exists exactly once', async () => {
  await reset();
  const { ledger, load } = setup('commit-drop');
  splynx.faults.set(parseFaultSpec('commit-drop=0.5,seed=9', 'splynx'));
  const p = await load(partners);
  const t = await load(tariffsInternet);
  splynx.faults.set(parseFaultSpec('', 'splynx'));
  assert.equal(p.failed + t.failed, 0, JSON.stringify([...p.errors, ...t.errors]));
  assert.ok(splynx.faults.injected['commit-drop'] > 0);
  assert.deepEqual(await tariffTitles(), dataServices.map((s) => String(s.name)).sort());
  const partnerRows = await api.get<Array<{ name: string }>>('admin/administration/partners');
  assert.equal(partnerRows.length, 1 + tables.companies.length, 'Main plus one per company');
  assert.ok(ledger.records().every((r) => r.state === 'created' && r.splynx_id));
});

test('a record left pending by a crash is settled by its natural key before anything is sent', async () => {
  await reset();
  const { ledger, load } = setup('crash');
  await load(partners);
  // A previous run marked this tariff pending and died after Splynx stored it.
  const svc = dataServices[1];
  const stored = await api.create('admin/tariffs/internet', {
    title: String(svc.name),
    speed_download: 1,
    speed_upload: 1,
    partners_ids: ['1'],
    with_vat: '0',
    hide_on_admin_portal: '0',
    show_on_customer_portal: '0',
  });
  ledger.markPending('tariffs_internet', String(svc.id), 'h', `title "${svc.name}"`);
  const t = await load(tariffsInternet);
  assert.equal(t.failed, 0);
  assert.equal(ledger.get('tariffs_internet', String(svc.id))!.state, 'created');
  assert.equal(ledger.get('tariffs_internet', String(svc.id))!.splynx_id, stored.id);
  assert.equal((await tariffTitles()).length, dataServices.length);
});

test('the mapping tables can send a company to an existing partner and a service to a hand-made tariff', async () => {
  await reset();
  const { ledger } = setup('mapped'); // proposes company.csv and service.csv
  const company = tables.companies[0];
  const [handMade, missing, bad] = dataServices;
  const tariff = await api.create('admin/tariffs/internet', {
    title: 'Built by hand before cutover',
    speed_download: 1,
    speed_upload: 1,
    partners_ids: ['1'],
    with_vat: '0',
    hide_on_admin_portal: '0',
    show_on_customer_portal: '0',
  });
  const edit = (table: string, sonarId: unknown, value: string) => {
    const file = path.join(dir, 'mapped', `${table}.csv`);
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => (l.startsWith(`${sonarId},`) ? l.replace(',new,', `,${value},`) : l));
    fs.writeFileSync(file, lines.join('\n'));
  };
  assert.match(fs.readFileSync(path.join(dir, 'mapped', 'company.csv'), 'utf8'), /,new,created as a new partner/);
  edit('company', company.id, '1');
  edit('service', handMade.id, tariff.id);
  edit('service', missing.id, '999');
  edit('service', bad.id, 'maybe');
  // The tables are read when first used: a fresh context reads the edits, as the next run would.
  const again = transformContext({ tables, ledger, timezone: 'UTC', mappingsDir: path.join(dir, 'mapped'), mappingSpecs: MAPPING_SPECS });
  const run = (mod: EntityModule) => loadEntity(mod, tables[mod.source], again, api, ledger);

  const p = await run(partners as EntityModule);
  assert.deepEqual([p.adopted, p.created], [1, tables.companies.length - 1]);
  assert.equal(ledger.get('partners', String(company.id))!.state, 'external');
  assert.equal(
    (await api.get<unknown[]>('admin/administration/partners')).length,
    tables.companies.length,
    'Main stands for the mapped company',
  );

  const t = await run(tariffsInternet as EntityModule);
  assert.equal(t.adopted, 1);
  assert.equal(ledger.get('tariffs_internet', String(handMade.id))!.splynx_id, tariff.id);
  const byId = new Map(t.errors.map((e) => [e.source_id, e]));
  assert.equal(byId.get(String(missing.id))?.category, 'transformation');
  assert.match(byId.get(String(missing.id))!.message, /999, which does not exist/);
  assert.equal(byId.get(String(bad.id))?.category, 'data');
  assert.match(byId.get(String(bad.id))!.message, /"maybe"/);
  assert.equal(t.created, dataServices.length - 3);
  const titles = await tariffTitles();
  assert.ok(!titles.includes(String(handMade.name)), 'the mapped service made no tariff of its own');
  const ofCompany = dataServices.filter(
    (s) => String(s.company_id) === String(company.id) && ledger.get('tariffs_internet', String(s.id))?.state === 'created',
  );
  for (const s of ofCompany) {
    const made = (
      await api.get<Array<{ partners_ids: string[] }>>('admin/tariffs/internet', { main_attributes: { title: String(s.name) } })
    )[0];
    assert.deepEqual(made.partners_ids.map(String), ['1'], 'tariffs of the mapped company are sold by Main');
  }
  const second = await run(tariffsInternet as EntityModule);
  assert.equal(second.created + second.adopted, 0, 'a second run changes nothing');
});

test("a migrated record that no longer transforms is an error row, and stays the migration's own", async () => {
  await reset();
  const { ledger, load } = setup('dirty-later');
  await load(partners);
  await load(tariffsInternet);
  const svc = dataServices[0];
  const before = ledger.get('tariffs_internet', String(svc.id))!;
  // A later snapshot brings the service back without a name.
  const dirty = tables.services.map((s) => (s.id === svc.id ? { ...s, name: '' } : s));
  const later = await loadEntity(
    tariffsInternet as EntityModule,
    dirty,
    transformContext({
      tables: { ...tables, services: dirty },
      ledger,
      timezone: 'UTC',
      mappingsDir: path.join(dir, 'dirty-later'),
      mappingSpecs: MAPPING_SPECS,
    }),
    api,
    ledger,
  );
  assert.deepEqual([later.failed, later.errors[0]?.source_id, later.errors[0]?.category], [1, String(svc.id), 'validation']);
  const after = ledger.get('tariffs_internet', String(svc.id))!;
  assert.deepEqual(
    [after.state, after.splynx_id],
    [before.state, before.splynx_id],
    'still created by the migration, still pointing at its tariff',
  );
  const fixed = await load(tariffsInternet);
  assert.deepEqual([fixed.created, fixed.adopted, fixed.failed], [0, 0, 0]);
  assert.equal(ledger.get('tariffs_internet', String(svc.id))!.state, 'created');
});
