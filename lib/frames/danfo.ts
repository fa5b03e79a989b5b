/**
 * The one place that touches danfojs-node directly. Its typings are loose (`any` in and out), so
 * every untyped call is kept here and the rest of lib/frames sees plain arrays.
 *
 * danfojs-node is loaded on first use, not on import: it pulls in TensorFlow.js (about 0.7 s), and
 * a notebook that only wants `show()` or `progress()` should not pay for it.
 */
import { createRequire } from 'node:module';
import type { DataFrame } from 'danfojs-node';

export type { DataFrame };
export type DanfoDtype = 'string' | 'int32' | 'float32' | 'boolean' | 'datetime';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
let danfoModule: Any;

function danfo(): Any {
  danfoModule ??= require('danfojs-node');
  return danfoModule;
}

/**
 * A frame from row arrays (each in `columns` order) with the dtypes given, so danfojs infers
 * nothing. An empty `rows` gives an empty frame that still has its columns.
 */
export function newFrame(columns: string[], dtypes: DanfoDtype[], rows: unknown[][]): DataFrame {
  // danfojs' own loader for an array of objects reads `Object.values(record)`, so a record with
  // its keys in another order, or one key missing, lands in the wrong columns. Rows are built
  // by position before they get here.
  return new (danfo().DataFrame)(rows, { columns, dtypes }) as DataFrame;
}

/** True for a danfojs DataFrame, without loading danfojs to find out. */
export function isFrame(x: unknown): x is DataFrame {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  if (danfoModule && x instanceof danfoModule.DataFrame) return true;
  const o = x as Any;
  return o.constructor?.name === 'DataFrame' && Array.isArray(o.columns) && Array.isArray(o.shape) && typeof o.column === 'function';
}

export function frameColumns(df: DataFrame): string[] {
  return [...(df as Any).columns];
}

export function frameDtypes(df: DataFrame): string[] {
  return [...(df as Any).dtypes];
}

export function frameLength(df: DataFrame): number {
  return (df as Any).shape[0] as number;
}

/** The rows as arrays in column order. danfojs hands out its own storage: read, never write. */
export function frameRows(df: DataFrame): readonly (readonly unknown[])[] {
  return frameLength(df) === 0 ? [] : ((df as Any).values as unknown[][]);
}

/** One column's values; `undefined` for each row when the frame has no such column. */
export function frameColumn(df: DataFrame, column: string): readonly unknown[] {
  const i = frameColumns(df).indexOf(column);
  if (i < 0) return new Array(frameLength(df)).fill(undefined);
  return frameRows(df).map((r) => r[i]);
}
