/**
 * What the workbook derives from an entity module, in the spirit of dlt's `resource_defaults`: a
 * module writes its endpoint once, and the loader, verification, rollback and the chaos checks
 * take from here where a record is created, where one is read and updated, and how it is found
 * again. A module declares only what differs (`createPath`, `itemPath`, `naturalKey`).
 */
import { findBySonarId, SONAR_ID_FIELD } from './sonar-id.js';
import type { EntityModule, Row, SplynxReader } from './types.js';

/** Where a new record is POSTed: the module's `createPath`, else its endpoint. */
export const createPathOf = (mod: EntityModule, payload: Row): string => mod.createPath?.(payload) ?? mod.endpoint;

/** Where one record is read and updated: the module's `itemPath`, else `endpoint/id`. */
export const itemPathOf = (mod: EntityModule, splynxId: string, payload: Row = {}): string =>
  mod.itemPath?.(splynxId, payload) ?? `${mod.endpoint}/${splynxId}`;

/** The Sonar id a payload carries in its `sonar_id` additional field, if it carries one. */
export function sonarIdOf(payload: Row): string | undefined {
  const id = (payload.additional_attributes as Row | undefined)?.[SONAR_ID_FIELD];
  return typeof id === 'string' ? id : undefined;
}

/** Whether the module's payload schema has a `sonar_id` additional field (zod's object shapes). */
export function declaresSonarId(mod: EntityModule): boolean {
  const shape = (mod.payload as unknown as { shape?: Record<string, { shape?: Record<string, unknown> }> }).shape;
  return !!shape?.additional_attributes?.shape?.[SONAR_ID_FIELD];
}

export interface NaturalKey {
  /** Human-readable, kept in the ledger with a pending create. */
  key: string;
  find(api: SplynxReader): Promise<string | null>;
}

/**
 * How a record is found in Splynx again: the module's own `naturalKey`, else its `sonar_id` in the
 * collection the record is created in. Either searches that collection.
 */
export function naturalKeyOf(mod: EntityModule, payload: Row, row: Row): NaturalKey {
  const collection = createPathOf(mod, payload);
  if (mod.naturalKey) {
    const own = mod.naturalKey(payload, row);
    return { key: own.key, find: (api) => own.find(api, collection) };
  }
  const sonarId = sonarIdOf(payload);
  if (sonarId === undefined)
    throw new Error(`${mod.name}: its payload carries no ${SONAR_ID_FIELD}, so it must say how its records are found again (naturalKey)`);
  return { key: `${SONAR_ID_FIELD} ${sonarId}`, find: (api) => findBySonarId(api, collection, sonarId) };
}
