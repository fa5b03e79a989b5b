/**
 * One record, field by field: the payload the loader would send today against what Splynx answers.
 *
 * Splynx answers in its own shapes, so equal values must be recognised as equal, and nothing else:
 *
 * | expected (payload)             | Splynx answers                   | rule                                              |
 * |--------------------------------|----------------------------------|---------------------------------------------------|
 * | a number `24`                  | `"24"`                           | equal as numbers                                  |
 * | money `"10.00"`                | `"10.0000"`                      | equal as decimal amounts (only when both are decimals, so "007" never equals "7") |
 * | `"0"` / `"1"` flags            | `"0"` / `"1"` (or a boolean)     | a boolean reads as "1"/"0"                        |
 * | a date `2024-01-31`            | `2024-01-31` or `2024-01-31 00:00:00` | the same day                                  |
 * | `""`                           | `""`, `null` or no field         | empty                                             |
 * | a list of ids `["1","3"]`      | `["3","1"]`                      | the same members, in any order                    |
 * | `additional_attributes: {k}`   | every field of the module        | only the keys the payload sets                    |
 * | an object or list of objects   | the same with more keys          | recursively, only the keys the payload sets (invoice lines by position) |
 *
 * Text is compared exactly: a changed letter, space or case is a difference. A password-like field
 * (a subscriber's service or portal password) is compared the same way, and a difference shows as
 * "password differs", never with either value.
 */
import type { Row } from '../entities/types.js';
import { SECRET_NAME } from '../frames/show.js';

/** What a difference in a password-like field shows: never either value. */
export const PASSWORD_DIFFERS = { expected: '(not shown)', found: 'password differs' } as const;

export interface FieldDifference {
  field: string;
  expected: string;
  found: string;
}

const DECIMAL = /^-?\d+\.\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A Splynx scalar as text: absent is empty, a boolean is its flag. */
function scalar(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Whether Splynx's answer `found` holds the payload value `expected` (see the table above). */
export function sameValue(expected: unknown, found: unknown): boolean {
  if (Array.isArray(expected)) {
    const list = Array.isArray(found) ? found : found === null || found === undefined || found === '' ? [] : null;
    if (!list) return false;
    const a = expected.map(scalar).sort();
    const b = list.map(scalar).sort();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (typeof expected === 'number') return scalar(found) !== '' && Number(scalar(found)) === expected;
  if (typeof expected === 'boolean') return scalar(found) === (expected ? '1' : '0');
  const e = scalar(expected);
  const f = scalar(found);
  if (e === f) return true;
  if (DECIMAL.test(e) && NUMBER.test(f)) return Number(e) === Number(f);
  if (DATE.test(e) && f === `${e} 00:00:00`) return true;
  return false;
}

/** A value as the report shows it. */
export function shown(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (Array.isArray(v)) return v.map(scalar).join(', ');
  return scalar(v);
}

/**
 * The fields where `found` does not hold `expected`, as dotted paths (`additional_attributes.sonar_id`,
 * `items[2].price`). `skip` names fields (or dotted paths) not to compare.
 */
export function compareRecord(expected: Row, found: Row, skip: ReadonlySet<string> = new Set(), prefix = ''): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const [key, e] of Object.entries(expected)) {
    const field = `${prefix}${key}`;
    if (skip.has(field) || e === undefined) continue;
    const f = found?.[key];
    if (isObject(e)) {
      out.push(...compareRecord(e, isObject(f) ? f : {}, skip, `${field}.`));
    } else if (Array.isArray(e) && e.some(isObject)) {
      const list = Array.isArray(f) ? f : [];
      if (list.length !== e.length) out.push({ field, expected: `${e.length} entries`, found: `${list.length} entries` });
      e.forEach((item, i) => {
        if (i < list.length) out.push(...compareRecord(item as Row, isObject(list[i]) ? (list[i] as Row) : {}, skip, `${field}[${i}].`));
      });
    } else if (!sameValue(e, f)) {
      out.push(SECRET_NAME.test(key) ? { field, ...PASSWORD_DIFFERS } : { field, expected: shown(e), found: shown(f) });
    }
  }
  return out;
}
