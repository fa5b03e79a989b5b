// Accounts → customers against the Splynx sandbox: mappings proposed from the data, parents before
// children, every clean account created once, and dirty ones refused into the error table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { ensureSonarIdFields } from '../lib/entities/sonar-id.js';
import { partners } from '../lib/entities/partners.js';
import { customers, proposeStatus } from '../lib/entities/customers.js';
import { MAPPING_SPECS } from '../lib/entities/index.js';
import type { EntityModule, Row } from '../lib/entities/types.js';
import { loadEntity } from '../lib/load/entity.js';
import { transformContext } from '../lib/load/context.js';
import { secrets } from '../lib/secrets/index.js';
import { splynxFixture } from './splynx-fixture.js';

// Portal passwords the customers are given go to the test's own secrets folder.
const fx = splynxFixture('customers-', (f) => secrets.configure({ dir: path.join(f.dir, 'secrets') }));

async function migrate(name: string, tables: Record<string, Row[]>) {
  await fetch(`${fx.splynx.url}/__sandbox/reset`, { method: 'POST' });
  await ensureSonarIdFields(fx.api);
  const ledger = new Ledger(path.join(fx.dir, `${name}.sqlite`));
  const ctx = transformContext({ tables, ledger, timezone: 'UTC', mappingsDir: path.join(fx.dir, name), mappingSpecs: MAPPING_SPECS });
  for (const m of [...partners.mappings!, ...customers.mappings!]) ctx.mapping(m.name).propose(m.propose(ctx));
  await loadEntity(partners as EntityModule, tables.companies, ctx, fx.api, ledger);
  const outcome = await loadEntity(customers as EntityModule, tables.accounts, ctx, fx.api, ledger, { concurrency: 8 });
  return { ledger, outcome, ctx };
}

test('status proposals read the status names the way an analyst would', () => {
  assert.equal(proposeStatus('Active - Autopay', true)[0], 'active');
  assert.equal(proposeStatus('Inactive', false)[0], 'disabled');
  assert.equal(proposeStatus('Suspended', false)[0], 'blocked');
  assert.equal(proposeStatus('Pending Install', false)[0], 'new');
});

test('every clean account becomes one customer, findable by its Sonar id, children under their parents', async () => {
  const ds = generateIsp({ accounts: 60, seed: 12 });
  const { outcome, ledger } = await migrate('clean', cleanSnapshot(ds.tables as unknown as Record<string, Row[]>).tables);
  assert.equal(outcome.failed, 0, JSON.stringify(outcome.errors.slice(0, 3)));
  assert.equal(outcome.created, ds.tables.accounts.length);
  const rows =
    await fx.api.get<
      Array<{ id: string; login: string; parent_id: string; status: string; additional_attributes: Record<string, string> }>
    >('admin/customers/customer');
  assert.equal(rows.length, ds.tables.accounts.length);
  const child = ds.tables.accounts.find((a) => a.parent_account_id);
  if (child) {
    const c = rows.find((r) => r.additional_attributes.sonar_id === String(child.id))!;
    assert.equal(c.parent_id, ledger.splynxId('customers', String(child.parent_account_id)));
  }
  const archived = ds.tables.accounts.find((a) => a.archived_at);
  if (archived) assert.equal(rows.find((r) => r.login === String(archived.id))!.status, 'disabled');
  assert.match(
    fs.readFileSync(path.join(fx.dir, 'clean', 'account-status.csv'), 'utf8'),
    // The account-status table also carries the services' billing decision, with its own reason.
    /^sonar_id,sonar_value,splynx_value,reason,services,services_reason,records\n/,
  );
});

test('dirty accounts land in the error table with a category, the rest load', async () => {
  const ds = generateIsp({ accounts: 60, seed: 12, dirtyRate: 0.2 });
  const { outcome } = await migrate('dirty', ds.tables as unknown as Record<string, Row[]>);
  assert.ok(outcome.failed > 0);
  assert.equal(outcome.created + outcome.failed, ds.tables.accounts.length, 'every account is either created or explained');
  for (const e of outcome.errors) {
    assert.ok(['validation', 'transformation', 'data'].includes(e.category), `${e.category}: ${e.message}`);
    assert.ok(e.suggestion.length > 10);
  }
  assert.ok(
    outcome.errors.some((e) => e.category === 'validation' && /email|city/i.test(e.message)),
    JSON.stringify(outcome.errors.map((e) => e.message)),
  );
});

test('services and notes follow their customers, once, and a re-run sends nothing', async () => {
  const { internetServices, recurringServices, voiceServices } = await import('../lib/entities/customer-services.js');
  const { tariffsInternet } = await import('../lib/entities/tariffs-internet.js');
  const { tariffsRecurring } = await import('../lib/entities/tariffs-recurring.js');
  const { tariffsVoice } = await import('../lib/entities/tariffs-voice.js');
  const { customerNotes } = await import('../lib/entities/customer-notes.js');
  const ds = generateIsp({ accounts: 40, seed: 13 });
  const tables = cleanSnapshot(ds.tables as unknown as Record<string, Row[]>).tables;
  const { ledger, ctx, outcome } = await migrate('members', tables);
  assert.equal(outcome.failed, 0);
  const mods = [
    tariffsInternet,
    tariffsRecurring,
    tariffsVoice,
    internetServices,
    recurringServices,
    voiceServices,
    customerNotes,
  ] as EntityModule[];
  for (const m of mods) for (const spec of m.mappings ?? []) ctx.mapping(spec.name).propose(spec.propose(ctx));
  const results = [];
  for (const m of mods) results.push(await loadEntity(m, tables[m.source], ctx, fx.api, ledger));
  for (const r of results) assert.equal(r.failed, 0, `${r.entity}: ${JSON.stringify(r.errors.slice(0, 2))}`);
  const byType = (t: string) =>
    tables.account_services.filter((as) => tables.services.find((s) => s.id === as.service_id)?.type === t).length;
  assert.equal(results[3].created, byType('DATA'));
  assert.equal(results[4].created, byType('RECURRING'));
  assert.equal(results[6].created, tables.notes.filter((n) => n.noteable_type === 'Account').length);
  const internet = await fx.api.get<unknown[]>('admin/customers/customer/0/internet-services');
  assert.equal(internet.length, byType('DATA'));
  const before = fx.splynx.stats().writes;
  for (const m of mods) {
    const again = await loadEntity(m, tables[m.source], ctx, fx.api, ledger);
    assert.equal(again.created + again.updated, 0, `${m.name} re-run`);
  }
  assert.equal(fx.splynx.stats().writes, before, 'a re-run writes nothing');
});
