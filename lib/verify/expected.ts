/**
 * The payload a record should have in Splynx: the entity's own transform of today's cleaned
 * source row, checked by its own zod schema, in the loader's TransformContext. Nothing is
 * re-implemented here, so verification expects exactly what a load would send.
 */
import type { EntityModule, Row, TransformContext } from '../entities/types.js';

export type Expected = { payload: Row; error?: undefined } | { payload?: undefined; error: string };

export function expectedPayload(mod: EntityModule, row: Row, ctx: TransformContext): Expected {
  try {
    return { payload: mod.payload.parse(mod.transform(row, ctx)) as Row };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
