// Proof under failure with the real headless commands in child processes (the scenarios of
// scripts/chaos.ts, smaller): the migration killed with SIGKILL at random points and resumed, and
// a whole migration, snapshot included, through the faults. Both end with every record in
// Splynx exactly once (or in the error table), checked over every entity by sonar_id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crashResume, faults } from '../lib/chaos/scenarios.js';
import type { World } from '../lib/chaos/world.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-'));

/** Exactly one Splynx customer per Sonar account and one service per account service, by sonar_id. */
async function oncePerSonarRecord(world: World) {
  const accounts = world.sb.dataset.tables.accounts.map((a) => String(a.id));
  const customers = await world.api.get<Array<{ additional_attributes: Record<string, string> }>>('admin/customers/customer');
  const perAccount = new Map<string, number>();
  for (const c of customers) perAccount.set(c.additional_attributes.sonar_id, (perAccount.get(c.additional_attributes.sonar_id) ?? 0) + 1);
  assert.deepEqual([...perAccount.keys()].sort(), [...accounts].sort(), 'one customer for each account, no other');
  assert.ok([...perAccount.values()].every((n) => n === 1));
  const services = (
    await Promise.all(
      ['internet', 'recurring', 'voice'].map((k) =>
        world.api.get<Array<{ additional_attributes: Record<string, string> }>>(`admin/customers/customer/0/${k}-services`),
      ),
    )
  ).flat();
  const ids = services.map((s) => s.additional_attributes.sonar_id);
  assert.equal(new Set(ids).size, ids.length, 'no account service twice');
  const { services: catalog, account_services } = world.sb.dataset.tables;
  const type = new Map(catalog.map((s) => [s.id, s.type]));
  assert.equal(
    ids.length,
    account_services.filter((s) => ['DATA', 'RECURRING', 'VOICE'].includes(String(type.get(s.service_id)))).length,
    'every account service is there',
  );
}

test(
  'crash and resume: SIGKILLed 4 times at random points, resumed each time, nothing twice and nothing lost',
  { timeout: 600_000 },
  async () => {
    let random = 7;
    const result = await crashResume({
      dataDir: path.join(dir, 'crash'),
      accounts: 80,
      kills: 4,
      seed: 9,
      // Reproducible kill points.
      random: () => (random = (random * 16807) % 2147483647) / 2147483647,
      inspect: oncePerSonarRecord,
    });
    assert.equal(result.crashes, 4);
    assert.deepEqual([result.duplicates, result.missing, result.extra], [0, 0, 0], result.problems.join('\n'));
    assert.ok(result.ok, result.problems.join('\n'));
    assert.ok(result.loaded > 500, `${result.loaded} records loaded`);
  },
);

test(
  'faults: 5xx, 429, hanging and commit-then-drop on Splynx, 429 on Sonar; one run, nothing twice and nothing lost',
  { timeout: 600_000 },
  async () => {
    const result = await faults({
      dataDir: path.join(dir, 'faults'),
      accounts: 25,
      seed: 3,
      // The mix, denser, so a small ISP meets every kind.
      spec: 'splynx:5xx=0.05,splynx:429=0.03,splynx:hang=0.02,splynx:commit-drop=0.03,splynx:hang-ms=30000,sonar:429=0.1',
      // A hang costs one timeout: short here, so the test stays short.
      settings: { REQUEST_TIMEOUT_MS: '1000' },
      inspect: oncePerSonarRecord,
    });
    const injected = result.detail.injected as { splynx: Record<string, number>; sonar: Record<string, number> };
    for (const kind of ['5xx', '429', 'hang', 'commit-drop']) assert.ok(injected.splynx[kind] > 0, `no Splynx ${kind} was injected`);
    assert.ok(injected.sonar['429'] > 0, 'no Sonar 429 was injected');
    assert.deepEqual([result.duplicates, result.missing, result.extra], [0, 0, 0], result.problems.join('\n'));
    assert.ok(result.ok, result.problems.join('\n'));
  },
);
