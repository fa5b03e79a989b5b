/**
 * The conformance checks, one entity at a time, in the spirit of the Meltano SDK's standard tap
 * tests: whatever an entity module is, it must
 *
 * - `payload`: have records in the test world whose payload passes its zod schema;
 * - `splynx`: have every such record taken by the Splynx sandbox;
 * - `natural key`: find, by its natural key, the record it made;
 * - `verify`: be counted by verification's census (or be attach-only), and be read back there;
 * - `rollback`: have a way out of Splynx (lib/rollback/rules.ts), which rollbackProblems() then
 *   exercises for real;
 * - `mapping header`: be in docs/field-mapping.md, whose module opens with a table that names
 *   every field of its payload.
 *
 * Each check answers problems, not assertions, so a test can show that a broken entity is caught.
 */
import path from 'node:path';
import { naturalKeyOf, type EntityModule, type Row } from '../../lib/entities/index.js';
import { loadEntity } from '../../lib/load/entity.js';
import { rollback } from '../../lib/rollback/index.js';
import { deleteRule } from '../../lib/rollback/rules.js';
import { DONE_STATES, LedgerView } from '../../lib/verify/ledger-view.js';
import type { VerifySession } from '../../lib/verify/session.js';
import { readPath, specOf } from '../../lib/verify/specs.js';
import { countAll } from '../../lib/verify/splynx-read.js';
import { mappingIndex, moduleExists, unnamedFields } from './header.js';
import type { World } from './world.js';

export type Check = 'payload' | 'splynx' | 'natural key' | 'verify' | 'rollback' | 'mapping header';
export const CHECKS: Check[] = ['payload', 'splynx', 'natural key', 'verify', 'rollback', 'mapping header'];

export interface Problem {
  entity: string;
  check: Check;
  problem: string;
}

/** Records checked one by one (natural key, reading back) per entity. */
const SAMPLE = 3;

export async function checkEntity(w: World, mod: EntityModule): Promise<Problem[]> {
  const problems: Problem[] = [];
  const fail = (check: Check, problem: string) => problems.push({ entity: mod.name, check, problem });
  const rows = (w.tables[mod.source] ?? []).filter((r) => mod.select?.(r, w.ctx) ?? true);

  // Not part of the world's run (an entity registered later): loaded here, as the loader would.
  if (!w.ledger.records(mod.name).length && rows.length) {
    await loadEntity(mod, rows, w.ctx, w.api, w.ledger, { stopOnError: false });
    await w.ledger.durable();
  }

  // payload
  const passing: Array<{ row: Row; payload: Row }> = [];
  const refused: string[] = [];
  for (const row of rows) {
    let made: unknown;
    try {
      made = mod.transform(row, w.ctx);
    } catch {
      continue; // The record's own data (an error row), not the schema's business.
    }
    const parsed = mod.payload.safeParse(made);
    if (parsed.success) passing.push({ row, payload: parsed.data as Row });
    else refused.push(`${row.id}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  if (!rows.length) fail('payload', `the test world has no ${mod.source} record it selects`);
  else if (refused.length) fail('payload', `${refused.length} payloads fail the zod schema, e.g. ${refused[0]}`);
  else if (!passing.length) fail('payload', 'no record of the test world transforms');

  // splynx
  const taken = passing.map((p) => ({ ...p, rec: w.ledger.get(mod.name, String(p.row.id)) }));
  const notTaken = taken.filter((t) => !t.rec || !DONE_STATES.has(t.rec.state) || !t.rec.splynx_id);
  if (notTaken.length)
    fail(
      'splynx',
      `${notTaken.length} of ${taken.length} records with a valid payload are not in Splynx, e.g. ${notTaken[0].row.id}: ${notTaken[0].rec?.error ?? notTaken[0].rec?.state ?? 'never sent'}`,
    );
  const created = taken.filter((t) => t.rec?.state === 'created').slice(0, SAMPLE);
  if (passing.length && !created.length) fail('splynx', 'no record was created in Splynx');

  // natural key
  for (const c of created) {
    try {
      const found = await naturalKeyOf(mod, c.payload, c.row).find(w.api);
      if (found !== c.rec!.splynx_id)
        fail('natural key', `Sonar ${c.row.id} is Splynx ${c.rec!.splynx_id}, but its natural key finds ${found ?? 'nothing'}`);
    } catch (e) {
      fail('natural key', `Sonar ${c.row.id}: ${(e as Error).message}`);
    }
  }

  // verify
  try {
    const spec = specOf(mod);
    const view = new LedgerView(w.ledgerFile);
    try {
      const s = { api: w.api, ledger: view, ctx: w.ctx, tables: w.tables } as unknown as VerifySession;
      if (spec.census) {
        const counted = (await countAll(w.api, spec.census.path, spec.census.searches(s))) - (spec.census.others?.count(s) ?? 0);
        const done = view.done(mod.name).length;
        if (counted !== done)
          fail('verify', `its census counts ${counted} records in ${spec.census.path}; the ledger has ${done} in Splynx`);
      }
      for (const c of created) {
        try {
          await w.api.get(readPath(mod, c.rec!.splynx_id!, c.payload));
        } catch (e) {
          fail(
            'verify',
            `Sonar ${c.row.id} cannot be read back at ${readPath(mod, c.rec!.splynx_id!, c.payload)}: ${(e as Error).message}`,
          );
        }
      }
    } finally {
      view.close();
    }
  } catch (e) {
    fail('verify', (e as Error).message);
  }

  // rollback (the rule; rollbackProblems deletes for real)
  try {
    deleteRule(mod);
  } catch (e) {
    fail('rollback', (e as Error).message);
  }

  // mapping header
  const file = mappingIndex().get(mod.name);
  if (!file) fail('mapping header', 'not in docs/field-mapping.md');
  else if (!moduleExists(file)) fail('mapping header', `docs/field-mapping.md names ${file}, which does not exist`);
  else {
    const unnamed = unnamedFields(mod, file);
    if (unnamed === null) fail('mapping header', `${file} opens with no Sonar → Splynx table`);
    else if (unnamed.length) fail('mapping header', `the table in ${file} does not name ${unnamed.join(', ')}`);
  }
  return problems;
}

/** What a real rollback is allowed to answer for a record the migration created. */
const GONE = new Set(['deleted', 'deleted with parent', 'already gone']);

/**
 * Rolls back what the world's ledger says was created (everything, or `entity` and what depends on
 * it), then names each created record of `mods` that did not leave Splynx.
 */
export async function rollbackProblems(w: World, mods: EntityModule[], entity?: string): Promise<Problem[]> {
  const created = new Map(mods.map((m) => [m.name, w.ledger.records(m.name).filter((r) => r.state === 'created')]));
  const report = await rollback(w.api, w.ledger, {
    runId: `rollback-${entity ?? 'all'}`,
    runDir: path.join(w.dir, 'runs', 'rollback'),
    entity,
  });
  const problems: Problem[] = [];
  for (const mod of mods) {
    const rows = new Map(report.rows.filter((r) => r.entity === mod.name).map((r) => [r.sonar_id, r]));
    const left = created.get(mod.name)!.filter((r) => !GONE.has(rows.get(r.sonar_id)?.result ?? 'left out'));
    if (left.length) {
      const r = rows.get(left[0].sonar_id);
      problems.push({
        entity: mod.name,
        check: 'rollback',
        problem: `${left.length} created records did not leave Splynx, e.g. Sonar ${left[0].sonar_id}: ${r ? `${r.result} ${r.message}` : 'left out of the rollback'}`,
      });
    }
  }
  return problems;
}
