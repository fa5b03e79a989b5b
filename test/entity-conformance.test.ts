// One conformance suite over every registered entity (lib/entities/index.ts): a new entity is
// tested as soon as it is registered. The checks are in test/conformance/checks.ts; the last tests
// show that an entity lacking a rollback rule, a census or a mapping header, or one whose payloads
// Splynx refuses, is caught.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { z } from 'zod';
import { ENTITIES, MAPPING_SPECS, type EntityModule } from '../lib/entities/index.js';
import { SONAR_ID_FIELD } from '../lib/entities/sonar-id.js';
import { Ledger } from '../lib/ledger/index.js';
import { transformContext } from '../lib/load/context.js';
import { checkEntity, rollbackProblems, type Check, type Problem } from './conformance/checks.js';
import { migratedWorld, type World } from './conformance/world.js';

let w: World;
before(async () => {
  w = await migratedWorld({ accounts: 60, seed: 4 });
});
after(async () => w.close());

const show = (problems: Problem[]) => problems.map((p) => `${p.entity} [${p.check}] ${p.problem}`).join('\n');

test('every registered entity conforms: valid payloads Splynx takes, found by natural key, counted, read back, a way out, a mapping header', async () => {
  const problems: Problem[] = [];
  for (const mod of ENTITIES) problems.push(...(await checkEntity(w, mod)));
  assert.equal(show(problems), '');
});

/** Broken on purpose: created under another record with no rule to delete it, no sonar_id and no census, and in no index. */
const brokenVendors: EntityModule = {
  name: 'broken_vendors',
  phase: 'inventory',
  source: 'manufacturers',
  endpoint: 'admin/inventory/vendors',
  dependsOn: [],
  payload: z.object({ name: z.string().min(1) }),
  transform: (m) => ({ name: `Broken ${m.name}` }),
  createPath: () => 'admin/inventory/vendors',
  naturalKey: (p) => ({
    key: `name ${p.name}`,
    find: async (api, at) => (await api.get<Array<{ id: string; name: string }>>(at)).find((r) => r.name === p.name)?.id ?? null,
  }),
};

/** Broken on purpose: half its payloads fail its own schema, the rest name a vendor Splynx does not have. */
const brokenProducts: EntityModule = {
  name: 'broken_products',
  phase: 'inventory',
  source: 'inventory_models',
  endpoint: 'admin/inventory/products',
  dependsOn: [],
  payload: z.object({ name: z.string().min(1), vendor_id: z.string(), additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }) }),
  transform: (m) => ({
    name: Number(m.id) % 2 ? `Broken ${m.name}` : '',
    vendor_id: '999999',
    additional_attributes: { [SONAR_ID_FIELD]: `broken:${m.id}` },
  }),
};

/** Registers `mod` for the length of `fn`, with a ledger of its own (the world's rollback must not meet it). */
async function registered<T>(mod: EntityModule, fn: (world: World) => Promise<T>): Promise<T> {
  const ledgerFile = path.join(w.dir, `${mod.name}.sqlite`);
  const ledger = new Ledger(ledgerFile);
  const ctx = transformContext({ tables: w.tables, ledger, timezone: 'UTC', mappingsDir: w.mappingsDir, mappingSpecs: MAPPING_SPECS });
  ENTITIES.push(mod);
  try {
    return await fn({ ...w, ledger, ledgerFile, ctx });
  } finally {
    ENTITIES.splice(ENTITIES.indexOf(mod), 1);
    ledger.close();
  }
}

const checksOf = (problems: Problem[]) => [...new Set(problems.map((p) => p.check))].sort() as Check[];

test('an entity without a rollback rule, a census or a mapping header is reported on each, and only on those', async () => {
  const problems = await registered(brokenVendors, (world) => checkEntity(world, brokenVendors));
  assert.deepEqual(checksOf(problems), ['mapping header', 'rollback', 'verify'], show(problems));
  const text = show(problems);
  assert.match(text, /\[rollback\] No rollback rule for entity broken_vendors: it is created under another record/);
  assert.match(text, /\[verify\] .*carries no sonar_id/);
  assert.match(text, /\[mapping header\] not in docs\/field-mapping.md/);
});

test('an entity whose payloads fail their schema and Splynx refuses is reported on payload and splynx', async () => {
  const problems = await registered(brokenProducts, (world) => checkEntity(world, brokenProducts));
  // Its default census (sonar_id set, in the products collection) also counts inventory_products'
  // records: an entity sharing a collection must say how its own are told apart, and verify says so.
  assert.deepEqual(checksOf(problems), ['mapping header', 'payload', 'splynx', 'verify'], show(problems));
  const text = show(problems);
  assert.match(text, /\[payload\] \d+ payloads fail the zod schema/);
  assert.match(text, /\[splynx\] \d+ of \d+ records with a valid payload are not in Splynx, e.g. \d+: .*vendor_id/);
  assert.match(text, /\[verify\] its census counts \d+ records in admin\/inventory\/products; the ledger has 0/);
});

test('a real rollback takes every created record of every registered entity out of Splynx again', async () => {
  assert.equal(show(await rollbackProblems(w, ENTITIES)), '');
});
