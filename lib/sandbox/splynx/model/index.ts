/**
 * Every modelled Splynx entity, by phase, as a table of field rules (types, required flags, enums, lengths,
 * references, uniqueness, defaults). Required flags follow the blueprint ("Base" structures);
 * lengths come from the live database dump quoted in the prior-art notes.
 */
import type { EntityDef } from '../entity.js';
import { CUSTOMERS } from './customers.js';
import { FINANCE } from './finance.js';
import { FOUNDATION } from './foundation.js';
import { INVENTORY } from './inventory.js';
import { NETWORK } from './network.js';
import { SUPPORT } from './support.js';

const defs: EntityDef[] = [...FOUNDATION, ...CUSTOMERS, ...NETWORK, ...INVENTORY, ...FINANCE, ...SUPPORT];

/** Every modelled entity by name (not the migration's entities: those are lib/entities). */
export const SPLYNX_MODEL: ReadonlyMap<string, EntityDef> = new Map(defs.map((d) => [d.name, d]));

export function model(name: string): EntityDef {
  const d = SPLYNX_MODEL.get(name);
  if (!d) throw new Error(`no Splynx entity ${name}`);
  return d;
}

/** Which entity answers to an additional-field module name. */
export function modelOfModule(module: string): EntityDef | undefined {
  return defs.find((d) => d.afModule === module);
}
