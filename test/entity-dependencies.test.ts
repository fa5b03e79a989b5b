// The pipelined loader starts an entity as soon as those it declares (dependsOn, after) are done,
// so a reference a transform makes to an undeclared entity would race: a required one would fail,
// an optional one would silently be left empty. Every reference every transform makes is recorded
// here and must be declared (directly or through what it declares).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { Ledger } from '../lib/ledger/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { ENTITIES, MAPPING_SPECS, type Row, type TransformContext } from '../lib/entities/index.js';
import { transformContext } from '../lib/load/context.js';
import { mustFollow } from '../lib/load/schedule.js';

function followsTransitively(name: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: string) => {
    const mod = ENTITIES.find((e) => e.name === n);
    for (const d of mod ? mustFollow(mod) : []) if (!out.has(d)) (out.add(d), visit(d));
  };
  visit(name);
  return out;
}

test('every entity a transform refers to is one it is declared to follow', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deps-'));
  const ledger = new Ledger(path.join(dir, 'ledger.sqlite'));
  // Clean and dirty data, so the transforms take their unusual branches too.
  for (const dirtyRate of [0, 0.1]) {
    const tables = cleanSnapshot(generateIsp({ accounts: 60, seed: 4, dirtyRate }).tables as unknown as Record<string, Row[]>).tables;
    const base = transformContext({
      tables,
      ledger,
      timezone: 'UTC',
      mappingsDir: path.join(dir, `mappings-${dirtyRate}`),
      mappingSpecs: MAPPING_SPECS,
    });
    for (const e of ENTITIES) for (const m of e.mappings ?? []) base.mapping(m.name).propose(m.propose(base));
    for (const mod of ENTITIES) {
      const referred = new Set<string>();
      // Every reference resolves (to a made-up id), so a transform goes on to make the next one.
      const ctx: TransformContext = {
        ...base,
        ref: (entity) => (referred.add(entity), '1'),
        optionalRef: (entity, id) => (referred.add(entity), id === null || id === undefined || id === '' ? null : '1'),
      };
      let transformed = 0;
      for (const row of tables[mod.source] ?? []) {
        try {
          mod.accountOf?.(row, ctx);
          if (!(mod.select?.(row, ctx) ?? true)) continue;
          mod.transform(row, ctx);
          transformed++;
        } catch {
          // A record refused for its data: its references up to there are recorded all the same.
        }
      }
      const allowed = followsTransitively(mod.name);
      if (mod.selfReference) allowed.add(mod.name);
      const undeclared = [...referred].filter((e) => !allowed.has(e));
      assert.deepEqual(
        undeclared,
        [],
        `${mod.name} refers to ${undeclared.join(', ')} without declaring it in dependsOn or after (${transformed} records transformed)`,
      );
    }
  }
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every declared dependency is a known entity that comes earlier in load order', () => {
  const order = new Map(ENTITIES.map((e, i) => [e.name, i]));
  for (const mod of ENTITIES) {
    for (const d of mustFollow(mod)) {
      assert.ok(order.has(d), `${mod.name} follows ${d}, which is no entity`);
      assert.ok(order.get(d)! < order.get(mod.name)!, `${mod.name} follows ${d}, which loads after it`);
    }
  }
});
