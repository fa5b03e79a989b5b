/**
 * Values between Sonar's wire form (what a snapshot's JSON holds) and a frame's cells, by the
 * column's declared kind. `null` and missing stay `null` in every kind. Nothing is trimmed or
 * tidied here: dirty values must reach the profiles as Sonar had them.
 */
import { format, isValid, parseISO } from 'date-fns';
import type { ColumnKind } from './columns.js';

/** A value that did not fit its column's declared kind: it becomes `null` in the frame. */
export interface TypeProblem {
  table: string;
  source_id: string;
  field: string;
  kind: ColumnKind;
  value: string;
}

export type Cell = string | number | boolean | Date | null;

const NUMBER = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;

/** The cell for a wire value, or `undefined` when the value does not fit the kind. */
export function toCell(kind: ColumnKind, v: unknown): Cell | undefined {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'id':
    case 'text':
      if (typeof v === 'string') return v;
      // A hand-written fixture may have numeric ids; a number has already lost any leading zero.
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      return typeof v === 'object' ? JSON.stringify(v) : undefined;
    case 'int':
    case 'float': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && NUMBER.test(v) ? Number(v) : NaN;
      return Number.isFinite(n) && (kind === 'float' || Number.isInteger(n)) ? n : undefined;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 1 || v === '1') return true;
      if (v === 'false' || v === 0 || v === '0') return false;
      return undefined;
    case 'date':
    case 'datetime': {
      if (v instanceof Date) return isValid(v) ? v : undefined;
      if (typeof v !== 'string' || v.trim() === '') return undefined;
      if (kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
      const d = parseISO(v);
      // parseISO rolls "2023-02-30" over to March; a calendar date must read back as it was written.
      if (!isValid(d) || (kind === 'date' && format(d, 'yyyy-MM-dd') !== v)) return undefined;
      return d;
    }
    case 'list':
      return Array.isArray(v) ? JSON.stringify(v) : typeof v === 'string' ? v : undefined;
  }
}

/** A `Date` as Sonar writes a Datetime, in UTC: `2024-03-10T07:30:00Z` (milliseconds only when there are some). */
export function isoInstant(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** A `Date` as Sonar writes a Date: the calendar day in the local timezone it was parsed in. */
export function isoDate(d: Date): string {
  return format(d, 'yyyy-MM-dd');
}

/** The wire value for a cell: the inverse of `toCell`. */
export function fromCell(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  switch (kind) {
    case 'date':
      return v instanceof Date ? isoDate(v) : v;
    case 'datetime':
      return v instanceof Date ? isoInstant(v) : v;
    case 'list':
      if (typeof v === 'string' && v.startsWith('[')) {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          return v;
        }
      }
      return v;
    default:
      return v instanceof Date ? isoInstant(v) : v;
  }
}
