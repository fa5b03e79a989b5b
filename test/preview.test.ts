// The dry run's preview against the Splynx sandbox: preview.csv in the run folder, Sonar fields
// beside the payload they become, a sample per entity and every record that would fail,
// credentials masked, and the rows of a dry run spanning notebooks kept together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger } from '../lib/ledger/index.js';
import { entity } from '../lib/entities/index.js';
import { runMigration } from '../lib/load/run.js';
import { transformContext } from '../lib/load/context.js';
import { maskedValue, previewOf, previewOverview, previewRecord, readPreview, PREVIEW_SAMPLE } from '../lib/load/preview.js';
import { splynxFixture, cleanIsp } from './splynx-fixture.js';

const fx = splynxFixture('preview-');

const clean = cleanIsp(20, 31);

test('a dry run writes preview.csv: a sample per entity and every record that would fail, Sonar beside Splynx', async () => {
  const tables = structuredClone(clean);
  const bad = tables.accounts.find((a) => !a.archived_at)!;
  bad.account_status_id = '999';
  const ledger = new Ledger(path.join(fx.dir, 'ledger.sqlite'));
  const opts = {
    runId: 'dry',
    runDir: path.join(fx.dir, 'runs', 'dry'),
    mappingsDir: path.join(fx.dir, 'mappings'),
    timezone: 'UTC',
    dryRun: true,
  };
  // As migrate.ts all --dry-run does it: one notebook per group of phases, one run folder.
  await runMigration(fx.api, ledger, tables, { ...opts, phases: ['foundation', 'network', 'inventory'], stopOnError: false });
  const report = await runMigration(fx.api, ledger, tables, { ...opts, phases: ['customers', 'finance', 'support'], stopOnError: false });
  const rows = readPreview(opts.runDir);
  const overview = previewOverview(rows);
  assert.ok(
    overview.some((o) => o.entity === 'partners'),
    'the first notebook’s entities are kept',
  );
  const customers = overview.find((o) => o.entity === 'customers')!;
  assert.equal(customers.sampled, PREVIEW_SAMPLE);
  assert.equal(customers.would_fail, report.errors.filter((e) => e.entity === 'customers').length);
  // Every record that would fail is there, with its error, whatever entity it is in.
  for (const e of report.errors)
    assert.ok(
      rows.some((r) => r.entity === e.entity && r.sonar_id === e.source_id && r.outcome === 'fails' && r.note === e.message),
      `${e.entity} ${e.source_id}`,
    );
  const failing = previewOf(rows, 'customers', 'fails');
  assert.ok(failing.every((r) => r.sonar_id === String(bad.id)));
  assert.ok(failing.some((r) => r.sonar_field === 'account_status_id' && r.sonar_value === '999'));

  // Side by side: a sampled customer's login is its Sonar id, its name its Sonar name.
  const sample = previewOf(rows, 'customers', 'sample');
  const first = sample[0].sonar_id;
  const one = sample.filter((r) => r.sonar_id === first);
  assert.deepEqual(
    one.find((r) => r.splynx_field === 'login'),
    { ...one.find((r) => r.splynx_field === 'login'), sonar_field: 'id', sonar_value: first, splynx_value: first },
  );
  const name = clean.accounts.find((a) => String(a.id) === first)!.name;
  assert.ok(one.some((r) => r.splynx_field === 'name' && r.sonar_field === 'name' && r.splynx_value === name));
  assert.ok(one.some((r) => r.splynx_field === 'additional_attributes.sonar_id' && r.splynx_value === first));
  // A looked-up value pairs with the Sonar field that held its key, and says by what.
  assert.ok(
    one.some((r) => r.splynx_field === 'status' && r.sonar_field === 'account_status_id' && r.note === 'by mapping account-status'),
  );
  assert.ok(one.some((r) => r.splynx_field === 'partner_id' && r.sonar_field === 'company_id' && r.note === 'by ref partners'));
  // Nothing was written: a dry run.
  assert.equal(ledger.records('customers').length, 0);
  ledger.close();
});

test('credentials are masked on both sides of the preview, whatever the record holds', () => {
  assert.equal(maskedValue('password', 'hunter2'), '***');
  assert.equal(maskedValue('radius_password', 'x'), '***');
  assert.equal(maskedValue('additional_attributes.api_key', 'k'), '***');
  assert.equal(maskedValue('temporary_password', 'first'), '***');
  assert.equal(maskedValue('email', 'a@example.net'), 'a@example.net');
  const customers = entity('customers');
  const ctx = transformContext({
    tables: clean,
    ledger: { splynxId: () => '1' },
    timezone: 'UTC',
    mappingsDir: path.join(fx.dir, 'mappings'),
  });
  const account = { ...clean.accounts.find((a) => !a.archived_at)!, portal_password: 'Secret-Portal-9', api_token: 'tok-123' };
  const rows = previewRecord(customers, account, ctx, 'sample');
  const text = JSON.stringify(rows);
  assert.ok(!text.includes('Secret-Portal-9') && !text.includes('tok-123'), text);
  assert.ok(rows.some((r) => r.sonar_field === 'portal_password' && r.sonar_value === '***'));
});
