/**
 * The payload a record should have in Splynx: the entity's own transform of today's cleaned
 * source row, checked by its own zod schema, in the loader's TransformContext. Nothing is
 * re-implemented here, so verification expects exactly what a load would send.
 */
import { ZodError } from 'zod';
import type { EntityModule, Row, TransformContext } from '../entities/types.js';

export type Expected = { payload: Row; error?: undefined } | { payload?: undefined; error: string };

export function expectedPayload(mod: EntityModule, row: Row, ctx: TransformContext): Expected {
  try {
    return { payload: mod.payload.parse(mod.transform(row, ctx)) as Row };
  } catch (e) {
    // A schema refusal names each field, as the loader's error table does, not zod's JSON dump.
    if (e instanceof ZodError) return { error: e.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ') };
    return { error: (e as Error).message };
  }
}
