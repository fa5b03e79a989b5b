/**
 * Every migrated entity, in load order: within a phase, an entity comes after the ones it
 * depends on. The loader runs them in this order; nothing else decides the order.
 */
import { customerNotes } from './customer-notes.js';
import { internetServices, recurringServices, voiceServices } from './customer-services.js';
import { customerInfo } from './customer-info.js';
import { customers, MAPPING_SPECS as CUSTOMER_MAPPINGS } from './customers.js';
import { partners } from './partners.js';
import { tariffsInternet } from './tariffs-internet.js';
import { tariffsRecurring } from './tariffs-recurring.js';
import { tariffsVoice } from './tariffs-voice.js';
import type { EntityModule } from './types.js';

export const ENTITIES: EntityModule[] = [
  partners,
  tariffsInternet,
  tariffsRecurring,
  tariffsVoice,
  customers,
  customerInfo,
  internetServices,
  recurringServices,
  voiceServices,
  customerNotes,
] as EntityModule[];

export const MAPPING_SPECS = { ...CUSTOMER_MAPPINGS };

export function entity(name: string): EntityModule {
  const e = ENTITIES.find((x) => x.name === name);
  if (!e) throw new Error(`Unknown entity "${name}". Known: ${ENTITIES.map((x) => x.name).join(', ')}`);
  return e;
}

export * from './types.js';
