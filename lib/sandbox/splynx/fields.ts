/**
 * The vocabulary of an entity definition. One definition per Splynx entity drives validation,
 * OPTIONS, listing and the string-typed GET shape, so a rule is written once and used everywhere.
 */
import type { SplynxStore } from './store.js';

export type FieldType = 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime' | 'array' | 'email' | 'enum' | 'ipv4' | 'object';

export interface FieldDef {
  name: string;
  type: FieldType;
  title?: string;
  required?: boolean;
  /** Required on create only (e.g. an administrator's password). */
  requiredOnCreate?: boolean;
  /** Allowed values; for arrays, allowed item values. */
  enum?: readonly string[];
  maxLength?: number;
  min?: number;
  max?: number;
  /** The id must exist in this entity; 0 means "none" unless the field is required. */
  ref?: string;
  itemType?: 'integer' | 'string';
  unique?: boolean;
  /** Uniqueness is checked among rows sharing these fields' values. */
  uniqueWithin?: string[];
  default?: unknown | ((ctx: FieldContext) => unknown);
  /** Server-maintained: ignored on input, returned on output. */
  readOnly?: boolean;
  /** Accepted on input, never returned (passwords). */
  writeOnly?: boolean;
  /** Returned by a single GET, left out of lists and searches (a customer's password). */
  detailOnly?: boolean;
  /** Accepted on input, never stored: a hook consumes it (a ticket's first message). */
  virtual?: boolean;
  /** `0000-00-00` means "not set" (endless end_date). */
  allowZeroDate?: boolean;
  /** Money is returned with four decimals, like Splynx's decimal(19,4) columns. */
  decimals?: number;
}

export interface FieldContext {
  store: SplynxStore;
  now: Date;
}

export type FieldMap = Record<string, Omit<FieldDef, 'name'>>;

export const fieldList = (map: FieldMap): FieldDef[] => Object.entries(map).map(([name, f]) => ({ name, ...f }));

/** Yii2's generateAttributeLabel, which is where Splynx's error messages get their field names. */
export function fieldTitle(f: Pick<FieldDef, 'name' | 'title'>): string {
  if (f.title) return f.title;
  return f.name
    .split('_')
    .filter(Boolean)
    .map((w) => (w === 'id' ? 'ID' : w === 'ids' ? 'IDs' : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}

// Small builders keep the definitions readable as tables.
export const str = (maxLength?: number, extra: Partial<FieldDef> = {}) => ({ type: 'string' as const, maxLength, ...extra });
export const int = (extra: Partial<FieldDef> = {}) => ({ type: 'integer' as const, ...extra });
export const money = (extra: Partial<FieldDef> = {}) => ({ type: 'float' as const, decimals: 4, default: 0, ...extra });
export const bool = (dflt = 0, extra: Partial<FieldDef> = {}) => ({ type: 'boolean' as const, default: dflt, ...extra });
export const date = (extra: Partial<FieldDef> = {}) => ({ type: 'date' as const, ...extra });
export const datetime = (extra: Partial<FieldDef> = {}) => ({ type: 'datetime' as const, ...extra });
export const oneOf = (values: readonly string[], dflt?: string, extra: Partial<FieldDef> = {}) => ({
  type: 'enum' as const,
  enum: values,
  default: dflt,
  ...extra,
});
export const ref = (entity: string, extra: Partial<FieldDef> = {}) => ({ type: 'integer' as const, ref: entity, default: 0, ...extra });
export const refs = (entity: string, extra: Partial<FieldDef> = {}) => ({
  type: 'array' as const,
  itemType: 'integer' as const,
  ref: entity,
  ...extra,
});
export const list = (values?: readonly string[], extra: Partial<FieldDef> = {}) => ({
  type: 'array' as const,
  itemType: 'string' as const,
  enum: values,
  ...extra,
});

export const today = (ctx: FieldContext) => ctx.now.toISOString().slice(0, 10);
export const nowStamp = (ctx: FieldContext) => ctx.now.toISOString().slice(0, 19).replace('T', ' ');
