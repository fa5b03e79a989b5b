/**
 * Field-level reconciliation: every migrated record of an entity (or a seeded sample of N) read
 * back from Splynx and compared, field by field, with the payload its transform gives today
 * (expected.ts, compare.ts). Records the ledger holds as `external` (registered by hand, or
 * adopted) are only checked to exist: the loader never writes them, so their fields are the
 * analyst's, not the transform's.
 *
 * A full verification reads the records from the census listing the counts already made (a page
 * of 500 per request), attach-only values from the listing of the record they live on (an
 * invoice's status from the invoices); a sample reads each picked record by id, so it reads at
 * most N per entity.
 */
import type { EntityModule } from '../entities/types.js';
import { dataPath } from '../paths.js';
import { SECRETS_FOLDER } from '../secrets/index.js';
import { compareRecord } from './compare.js';
import type { EntityCount } from './counts.js';
import { expectedPayload } from './expected.js';
import { sample } from './sample.js';
import { readPath, specOf } from './specs.js';
import { readRecord } from './splynx-read.js';
import type { VerifySession } from './session.js';
import { inScope } from './scope.js';
import { RECORD, sortDifferences, type Difference } from './types.js';

export interface FieldPass {
  entity: string;
  /** Records read back and compared (or, for external ones, checked to exist). */
  compared: number;
  /** The Sonar ids compared, when sampling (so a sample can be repeated and looked at). */
  sampled: string[];
  /** Records not read one by one because their account did not change (a scoped verify, lib/verify/scope.ts). */
  unchanged: number;
  differences: Difference[];
}

export async function checkFields(
  s: VerifySession,
  mod: EntityModule,
  counts: ReadonlyMap<string, EntityCount>,
  opts: { sample: number; seed: number },
): Promise<FieldPass> {
  const count = counts.get(mod.name)!;
  // Records the counts found missing are reported already; there is nothing to read.
  const candidates = s.ledger.done(mod.name).filter((r) => count.selectedIds.has(r.sonar_id) && !count.missing.has(r.splynx_id!));
  const picks = sample(candidates, opts.sample, opts.seed, mod.name, (r) => r.sonar_id);
  const spec = specOf(mod);
  const differences: Difference[] = [];
  let compared = 0;
  let unchanged = 0;

  await Promise.all(
    picks.map(async (r) => {
      const at = (field: string, expected: string, found: string, check: Difference['check'] = 'field') =>
        differences.push({ check, entity: mod.name, sonar_id: r.sonar_id, splynx_id: r.splynx_id ?? '', field, expected, found });
      const expected = expectedPayload(mod, s.ctx.byId(mod.source, r.sonar_id)!, s.ctx);
      if (!expected.payload) {
        if (r.state !== 'external')
          return at('(transform)', 'the payload the loader would send', `the transform fails now: ${expected.error}`);
        // An external record is only checked to exist; without a payload, a path that needs one cannot be built.
        if (mod.createPath || spec.readPath) return;
      }
      const host =
        spec.onRecordOf && expected.payload
          ? counts.get(spec.onRecordOf.entity)?.listing?.get(spec.onRecordOf.id(r.splynx_id!, expected.payload))
          : undefined;
      const listed = count.listing?.get(r.splynx_id!) ?? host;
      // A read of its own costs a request: in a scoped verify, only for records of accounts that changed.
      if (!listed && !inScope(s.scope, mod.source, s.ctx.byId(mod.source, r.sonar_id), s)) return void unchanged++;
      const found = listed ?? (await readRecord(s.api, readPath(mod, r.splynx_id!, expected.payload ?? {})));
      compared++;
      if (!found) return at(RECORD, 'in Splynx', 'not found: deleted in Splynx?', 'count');
      if (r.state === 'external' || !expected.payload) return;
      const skip = new Set([...Object.keys(spec.skip ?? {}), ...(spec.ownedElsewhere?.(r.splynx_id!, s) ?? [])]);
      // A generated password is not in the payload: what was issued is in the secrets store.
      const issued = mod.issued?.(s.ctx.byId(mod.source, r.sonar_id)!, dataPath(s.settings.DATA_DIR, SECRETS_FOLDER)) ?? {};
      for (const d of compareRecord({ ...issued, ...expected.payload }, found, skip)) at(d.field, d.expected, d.found);
    }),
  );
  return {
    entity: mod.name,
    compared,
    sampled: opts.sample ? picks.map((r) => r.sonar_id) : [],
    unchanged,
    differences: sortDifferences(differences),
  };
}
