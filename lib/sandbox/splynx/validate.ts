/**
 * Turns a request body into a stored row, collecting every problem at once the way a Yii2 model
 * does (`[{field, message}]`), with Yii2's default message texts so clients see familiar words.
 * Unknown and read-only keys are ignored, as Yii2's "safe attributes" loading does.
 */
import type { EntityDef, FieldError, HookContext } from './entity.js';
import { fieldTitle, type FieldDef } from './fields.js';
import type { Row } from './store.js';

const EMAIL =
  /^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

export const isBlank = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

export function isValidDate(s: string, allowZero = false): boolean {
  if (allowZero && s === '0000-00-00') return true;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function isValidDatetime(s: string, allowZero = false): boolean {
  if (allowZero && s === '0000-00-00 00:00:00') return true;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  return !!m && isValidDate(m[1]) && +m[2] < 24 && +m[3] < 60 && +m[4] < 60;
}

export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && +p <= 255);
}

/** Several addresses separated by commas are allowed: Splynx stores a customer's list in one field. */
export const isEmailList = (s: string) => s.split(',').every((e) => EMAIL.test(e.trim()));

const isIntString = (v: string) => /^-?\d+$/.test(v.trim());
const isNumberString = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

type Coerced = { value: unknown; error?: undefined } | { error: string; value?: undefined };

/** Converts one input value to its stored form; blanks become the type's empty value. */
export function coerce(f: FieldDef, raw: unknown): Coerced {
  const t = fieldTitle(f);
  if (raw === null || raw === undefined || raw === '') {
    if (f.type === 'integer' || f.type === 'float' || f.type === 'boolean') return { value: f.required ? '' : 0 };
    if (f.type === 'array') return { value: [] };
    return { value: f.type === 'date' && f.allowZeroDate ? '0000-00-00' : '' };
  }
  switch (f.type) {
    case 'integer': {
      if (typeof raw === 'boolean') return { value: raw ? 1 : 0 };
      if (typeof raw === 'number' && Number.isInteger(raw)) return { value: raw };
      if (typeof raw === 'string' && isIntString(raw)) return { value: Number(raw) };
      return { error: `${t} must be an integer.` };
    }
    case 'float': {
      if (typeof raw === 'number' && Number.isFinite(raw)) return { value: raw };
      if (typeof raw === 'string' && isNumberString(raw)) return { value: Number(raw) };
      return { error: `${t} must be a number.` };
    }
    case 'boolean': {
      if (raw === true || raw === 1 || raw === '1' || raw === 'true') return { value: 1 };
      if (raw === false || raw === 0 || raw === '0' || raw === 'false') return { value: 0 };
      return { error: `${t} must be either "1" or "0".` };
    }
    case 'array': {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'object'
          ? Object.values(raw as object) // `a[0]=1&a[1]=2` from a form body
          : String(raw)
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
      if (f.itemType === 'integer') {
        const bad = items.some((i) => !(Number.isInteger(i) || (typeof i === 'string' && isIntString(i))));
        return bad ? { error: `${t} is invalid.` } : { value: items.map(Number) };
      }
      return { value: items.map(String) };
    }
    case 'object':
      return { value: raw };
    default: {
      if (typeof raw === 'object') return { error: `${t} must be a string.` };
      const s = String(raw);
      if (f.type === 'email' && !isEmailList(s)) return { error: `${t} is not a valid email address.` };
      if (f.type === 'date' && !isValidDate(s, f.allowZeroDate)) return { error: `The format of ${t} is invalid.` };
      if (f.type === 'datetime' && !isValidDatetime(s, f.allowZeroDate)) return { error: `The format of ${t} is invalid.` };
      if (f.type === 'ipv4' && !isIpv4(s)) return { error: `${t} must be a valid IP address.` };
      return { value: s };
    }
  }
}

const sameText = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();

/** Checks that need the whole row and the store: ranges, enums, references, uniqueness. */
function checkField(f: FieldDef, row: Record<string, unknown>, ctx: HookContext): string | undefined {
  const t = fieldTitle(f);
  const v = row[f.name];
  if (f.maxLength !== undefined && typeof v === 'string' && [...v].length > f.maxLength)
    return `${t} should contain at most ${f.maxLength} characters.`;
  if (typeof v === 'number' && f.min !== undefined && v < f.min) return `${t} must be no less than ${f.min}.`;
  if (typeof v === 'number' && f.max !== undefined && v > f.max) return `${t} must be no greater than ${f.max}.`;
  if (f.enum) {
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => !f.enum!.includes(String(x)))) return `${t} is invalid.`;
  }
  if (f.ref) {
    const ids = Array.isArray(v) ? v : [v];
    const missing = ids.some((id) => !((id === 0 && !f.required && !Array.isArray(v)) || ctx.store.get(f.ref!, id)));
    if (missing) return `${t} is invalid.`;
  }
  return undefined;
}

export function findDuplicate(entity: string, f: FieldDef, row: Record<string, unknown>, ctx: HookContext, selfId?: number) {
  const v = row[f.name];
  return ctx.store
    .byValue(entity, f.name, v)
    .find((r) => r.id !== selfId && sameText(r[f.name], v) && (f.uniqueWithin ?? []).every((w) => r[w] === row[w]));
}

export interface BuildResult {
  row: Row;
  errors: FieldError[];
}

/** Builds the row a POST (no `old`) or PUT (merged onto `old`) would store, with every error found. */
export function buildRow(
  def: EntityDef,
  input: Record<string, unknown>,
  ctx: HookContext,
  old?: Row,
  fixed: Record<string, unknown> = {},
): BuildResult {
  const errors: FieldError[] = [];
  const failed = new Set<string>();
  const row: Record<string, unknown> = old ? structuredClone(old) : {};
  if (!old) {
    for (const f of def.fields) {
      if (f.virtual || f.default === undefined) continue;
      const d = f.default;
      row[f.name] = typeof d === 'function' ? (d as (c: HookContext) => unknown)(ctx) : structuredClone(d);
    }
  }
  for (const f of def.fields) {
    if (f.readOnly || f.virtual || !(f.name in input)) continue;
    const c = coerce(f, input[f.name]);
    if (c.error !== undefined) {
      errors.push({ field: f.name, message: c.error });
      failed.add(f.name);
    } else row[f.name] = c.value;
  }
  Object.assign(row, fixed);
  def.hooks?.fill?.(row as Row, ctx, old);

  for (const f of def.fields) {
    if (failed.has(f.name) || f.virtual) continue;
    const mustHave = f.required || (!old && f.requiredOnCreate);
    if (isBlank(row[f.name])) {
      if (mustHave) errors.push({ field: f.name, message: `${fieldTitle(f)} cannot be blank.` });
      continue;
    }
    // A PUT re-checks only what it changes; the rest was valid when it was stored.
    if (old && !(f.name in input) && !(f.name in fixed)) continue;
    const problem = checkField(f, row, ctx);
    if (problem) errors.push({ field: f.name, message: problem });
    else if (f.unique && findDuplicate(def.name, f, row, ctx, old?.id))
      errors.push({ field: f.name, message: `${fieldTitle(f)} "${row[f.name]}" has already been taken.` });
  }
  const order = new Map(def.fields.map((f, i) => [f.name, i]));
  errors.sort((a, b) => (order.get(a.field) ?? 0) - (order.get(b.field) ?? 0));
  return { row: row as Row, errors };
}
