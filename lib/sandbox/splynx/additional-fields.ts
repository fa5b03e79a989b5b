/**
 * Additional-field values. Definitions are ordinary rows (entity `additional_fields`, keyed by
 * module + name); values live on each row as `additional_attributes`, always as strings, which is
 * how Splynx returns them. Sending a name that has no definition is a 422, so a migration cannot
 * silently lose a custom field.
 */
import type { EntityDef, FieldError, HookContext } from './entity.js';
import type { SplynxStore, Row } from './store.js';
import { isBlank, isValidDate, isValidDatetime } from './validate.js';

export function afDefinitions(store: SplynxStore, module: string): Row[] {
  return store
    .where('additional_fields', (r) => r.module === module)
    .sort((a, b) => Number(a.position) - Number(b.position) || a.id - b.id);
}

const options = (af: Row) =>
  String(af.select_values ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** One value as Splynx stores it (a string), or an error text. */
function afValue(af: Row, raw: unknown): { value: string } | { error: string } {
  const title = String(af.title || af.name);
  if (raw === null || raw === undefined) return { value: '' };
  if (typeof raw === 'object' && !(af.type === 'select_multiple' && Array.isArray(raw))) return { error: `${title} must be a string.` };
  const s = Array.isArray(raw) ? raw.map(String).join(',') : typeof raw === 'boolean' ? (raw ? '1' : '0') : String(raw);
  if (s === '') return { value: '' };
  switch (af.type) {
    case 'integer':
      return /^-?\d+$/.test(s) ? { value: s } : { error: `${title} must be an integer.` };
    case 'decimal':
    case 'numeric':
      return Number.isFinite(Number(s)) ? { value: s } : { error: `${title} must be a number.` };
    case 'boolean':
      return s === '0' || s === '1' || s === 'true' || s === 'false'
        ? { value: s === '1' || s === 'true' ? '1' : '0' }
        : { error: `${title} must be either "1" or "0".` };
    case 'date':
      return isValidDate(s, true) ? { value: s } : { error: `The format of ${title} is invalid.` };
    case 'datetime':
      return isValidDatetime(s, true) ? { value: s } : { error: `The format of ${title} is invalid.` };
    case 'select':
      return options(af).includes(s) ? { value: s } : { error: `${title} is invalid.` };
    case 'select_multiple':
      return s.split(',').every((v) => options(af).includes(v.trim())) ? { value: s } : { error: `${title} is invalid.` };
    default: {
      const max = Number(af.max_length) || 0;
      const min = Number(af.min_length) || 0;
      if (max > 0 && [...s].length > max) return { error: `${title} should contain at most ${max} characters.` };
      if (min > 0 && [...s].length < min) return { error: `${title} should contain at least ${min} characters.` };
      return { value: s };
    }
  }
}

/**
 * Merges `input` (the body's `additional_attributes`) into `row.additional_attributes`, returning
 * every problem. On create, unset fields take their default value and required ones must be sent.
 */
export function applyAdditional(def: EntityDef, input: unknown, row: Row, ctx: HookContext, isCreate: boolean): FieldError[] {
  if (!def.afModule) return [];
  const defs = afDefinitions(ctx.store, def.afModule);
  const current: Record<string, string> = { ...((row.additional_attributes as Record<string, string>) ?? {}) };
  if (isCreate) for (const af of defs) current[String(af.name)] = String(af.default_value ?? '');
  const errors: FieldError[] = [];
  if (input !== undefined && input !== '' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    return [{ field: 'additional_attributes', message: 'Additional Attributes must be an object.' }];
  }
  const given = (input ?? {}) as Record<string, unknown>;
  for (const [name, raw] of Object.entries(given)) {
    const af = defs.find((d) => d.name === name);
    if (!af) {
      errors.push({ field: name, message: `Unknown additional attribute "${name}" for module "${def.afModule}".` });
      continue;
    }
    const v = afValue(af, raw);
    if ('error' in v) errors.push({ field: name, message: v.error });
    else current[name] = v.value;
  }
  for (const af of defs) {
    const name = String(af.name);
    const title = String(af.title || name);
    if (af.is_required && isBlank(current[name]) && (isCreate || name in given))
      errors.push({ field: name, message: `${title} cannot be blank.` });
    else if (af.is_unique && !isBlank(current[name]) && name in given) {
      const clash = ctx.store
        .byValue(def.name, `+${name}`, current[name])
        .find((r) => r.id !== row.id && (r.additional_attributes as Record<string, string> | undefined)?.[name] === current[name]);
      if (clash) errors.push({ field: name, message: `${title} "${current[name]}" has already been taken.` });
    }
  }
  row.additional_attributes = current;
  return errors;
}

/** The `additional_attributes` object of a GET answer: every defined field, as strings. */
export function additionalOut(store: SplynxStore, module: string, row: Row): Record<string, string> {
  const values = (row.additional_attributes as Record<string, string> | undefined) ?? {};
  return Object.fromEntries(
    afDefinitions(store, module).map((af) => [String(af.name), String(values[String(af.name)] ?? af.default_value ?? '')]),
  );
}
