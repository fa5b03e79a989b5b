// Unanswered writes, scripted: the Splynx sandbox answers the first N writes with a fault (a 5xx,
// a hang, a commit-then-drop) and then behaves. The loader and the sonar_id field set-up must end
// with every record in Splynx exactly once, settling in the same run or, at worst, on resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { FaultController, NO_FAULTS, type FaultKind } from '../lib/sandbox/faults.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { Ledger } from '../lib/ledger/index.js';
import { ensureSonarIdFields, SONAR_ID_MODULES } from '../lib/entities/sonar-id.js';
import { partners } from '../lib/entities/partners.js';
import type { EntityModule, Row } from '../lib/entities/types.js';
import { loadEntity } from '../lib/load/entity.js';
import { transformContext } from '../lib/load/context.js';
import { MAPPING_SPECS } from '../lib/entities/index.js';

/** The first `n` writes (or, with `reads`, requests of any kind) meet `fate`; everything after goes through. */
class FirstWrites extends FaultController {
  private left = 0;
  private fate: FaultKind = 'none';
  private reads = false;
  script(fate: FaultKind, n: number, opts: { reads?: boolean } = {}): void {
    this.fate = fate;
    this.left = n;
    this.reads = !!opts.reads;
  }
  override roll(isWrite: boolean): FaultKind {
    if ((!isWrite && !this.reads) || this.left <= 0) return 'none';
    this.left--;
    this.injected[this.fate]++;
    return this.fate;
  }
}

const KEY = 'settle-key-7f3e19c2';
const SECRET = 'settle-secret-51ab08d4';
const tables = generateIsp({ accounts: 20, seed: 4 }).tables as unknown as Record<string, Row[]>;
const faults = new FirstWrites({ ...NO_FAULTS, hangMs: 5_000 });
let splynx: SplynxSandbox;
let api: SplynxApi;
let dir: string;

before(async () => {
  splynx = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, faults });
  // A short timeout, so a hanging write costs a fraction of a second.
  api = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1, timeoutMs: 300 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settle-'));
});
after(async () => {
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function fresh(name: string) {
  faults.script('none', 0);
  await fetch(`${splynx.url}/__sandbox/reset`, { method: 'POST' });
  const ledger = new Ledger(path.join(dir, `${name}.sqlite`));
  const ctx = transformContext({ tables, ledger, timezone: 'UTC', mappingsDir: path.join(dir, name), mappingSpecs: MAPPING_SPECS });
  for (const spec of partners.mappings ?? []) ctx.mapping(spec.name).propose(spec.propose(ctx));
  return { ledger, load: () => loadEntity(partners as EntityModule, tables.companies, ctx, api, ledger, { concurrency: 1 }) };
}

const sonarIdFields = async () => {
  let n = 0;
  for (const m of SONAR_ID_MODULES)
    n += (await api.get<Array<{ name: string }>>(`admin/config/additional-fields/${m}`)).filter((d) => d.name === 'sonar_id').length;
  return n;
};
const partnerIds = async () =>
  (await api.get<Array<{ additional_attributes: Record<string, string> }>>('admin/administration/partners'))
    .map((p) => p.additional_attributes.sonar_id)
    .filter(Boolean)
    .sort();

test('the sonar_id fields are set up once each although their creates lose their answers', async () => {
  await fresh('fields-drop');
  faults.script('commit-drop', SONAR_ID_MODULES.length);
  await ensureSonarIdFields(api);
  assert.equal(await sonarIdFields(), SONAR_ID_MODULES.length);

  await fresh('fields-5xx');
  faults.script('5xx', 3);
  await ensureSonarIdFields(api);
  assert.equal(await sonarIdFields(), SONAR_ID_MODULES.length);
});

test('a create answered 5xx four times in a row is still created once in the same run', async () => {
  const { ledger, load } = await fresh('five-hundreds');
  await ensureSonarIdFields(api);
  faults.script('5xx', 4);
  const out = await load();
  assert.deepEqual([out.created, out.failed], [tables.companies.length, 0], JSON.stringify(out.errors));
  assert.deepEqual(await partnerIds(), tables.companies.map((c) => String(c.id)).sort());
  assert.equal(ledger.pending().length, 0);
});

test('a create that hangs until the loader gives up is left pending, and the next run settles it once', async () => {
  const { ledger, load } = await fresh('hang');
  await ensureSonarIdFields(api);
  faults.script('hang', 6);
  const first = await load();
  const pending = ledger.pending('partners');
  assert.equal(pending.length, 1, 'the hung record is pending, not failed or lost');
  assert.equal(first.failed, 1);
  assert.match(first.errors[0].message, /outcome unknown, left pending/);
  assert.equal(first.errors[0].category, 'network');
  assert.equal(first.created, tables.companies.length - 1);

  const resumed = await load();
  assert.equal(resumed.failed, 0, JSON.stringify(resumed.errors));
  assert.equal(resumed.created, 1, 'the pending record is created on resume');
  assert.equal(ledger.pending().length, 0);
  assert.deepEqual(await partnerIds(), tables.companies.map((c) => String(c.id)).sort(), 'each partner once');
});

test('a pending record whose create did land (commit then drop, every attempt) is settled, never sent twice', async () => {
  const { ledger, load } = await fresh('drop');
  await ensureSonarIdFields(api);
  faults.script('commit-drop', 3);
  const out = await load();
  assert.equal(out.failed, 0, JSON.stringify(out.errors));
  assert.equal(splynx.faults.injected['commit-drop'] >= 3, true);
  assert.deepEqual(await partnerIds(), tables.companies.map((c) => String(c.id)).sort());
  assert.ok(ledger.records('partners').every((r) => r.state === 'created'));
});

test('an update whose answer is lost more times than the client retries (commit then drop) is still updated, not failed', async () => {
  const { ledger, load } = await fresh('update-drop');
  await ensureSonarIdFields(api);
  await load();
  const company = tables.companies[0];
  const name = company.name;
  company.name = `${String(name)} (renamed)`;
  try {
    // The client sends a PUT six times on its own; eight drops need the loader to send it again.
    faults.script('commit-drop', 8);
    const out = await load();
    assert.deepEqual([out.updated, out.failed], [1, 0], JSON.stringify(out.errors));
    assert.equal(splynx.faults.injected['commit-drop'] >= 8, true);
    assert.equal(ledger.get('partners', String(company.id))?.state, 'updated');
    const names = (await api.get<Array<{ name: string }>>('admin/administration/partners')).map((p) => p.name);
    assert.ok(names.includes(String(company.name)));
  } finally {
    company.name = name;
  }
});

test('with access tokens, a failed token request does not make a create look ambiguous: it is simply retried', async () => {
  await fresh('token');
  const tokenApi = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, auth: 'token', retryBaseMs: 1, timeoutMs: 300 });
  // The first write is the token request itself.
  faults.script('5xx', 1);
  const created = await tokenApi.create('admin/administration/partners', { name: 'Token test partner' });
  assert.match(created.id, /^\d+$/);
  assert.equal(
    (await api.get<Array<{ name: string }>>('admin/administration/partners')).filter((p) => p.name === 'Token test partner').length,
    1,
  );
});

test('a read that hangs times out on the client and is retried', async () => {
  await fresh('read-hang');
  const hangs = splynx.faults.injected.hang;
  faults.script('hang', 2, { reads: true });
  const t0 = Date.now();
  const rows = await api.get<unknown[]>('admin/administration/partners');
  assert.ok(rows.length >= 1);
  assert.equal(splynx.faults.injected.hang - hangs, 2);
  assert.ok(Date.now() - t0 < 4_000, 'two 300 ms timeouts, not the 5 s hang');
});
