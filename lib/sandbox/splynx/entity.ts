/**
 * What an entity is to the CRUD engine: its fields plus a few hooks for the rules that are not
 * about one field (IP assignment, invoice totals, cascades). Hooks stay small and optional so the
 * generic path is the normal one.
 */
import type { FieldContext, FieldDef } from './fields.js';
import type { Row } from './store.js';

export interface FieldError {
  field: string;
  message: string;
}

export interface HookContext extends FieldContext {
  /** Creates a row through the full validation path; throws if the sandbox itself built a bad one. */
  create: (entity: string, input: Record<string, unknown>, fixed?: Record<string, unknown>) => Row;
}

export interface EntityHooks {
  /** Defaults that depend on other fields (a login from the next id, service_name from title). */
  fill?: (row: Row, ctx: HookContext, old?: Row) => void;
  /** Cross-field rules; runs on the merged record after per-field checks. */
  validate?: (row: Row, ctx: HookContext, old: Row | undefined, input: Record<string, unknown>) => FieldError[];
  afterCreate?: (row: Row, ctx: HookContext, input: Record<string, unknown>) => void;
  afterUpdate?: (row: Row, old: Row, ctx: HookContext) => void;
  /** A reason the row cannot be deleted, if any. */
  beforeDelete?: (row: Row, ctx: HookContext) => string | undefined;
  afterDelete?: (row: Row, ctx: HookContext) => void;
  /** Adds computed, read-only values to a GET answer. */
  present?: (row: Row, out: Record<string, unknown>, ctx: HookContext) => void;
  /** The 201 body, when it is not `{id}`. */
  createdBody?: (row: Row) => unknown;
}

export interface EntityDef {
  name: string;
  fields: FieldDef[];
  /** Module name of its additional fields; absent means the entity takes none. */
  afModule?: string;
  /** Lookup tables Splynx only lets you read. */
  readOnly?: boolean;
  /** Entities deleted with a row of this one (their rows reference it). */
  cascade?: string[];
  /** Entities whose references to a deleted row are reset to 0 instead of blocking the delete. */
  detach?: string[];
  hooks?: EntityHooks;
}
