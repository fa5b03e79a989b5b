/**
 * A read-only, column-at-a-time view of one table, whether it is a DataFrame or an array of
 * records, so the profiles take either (frames from `loadSnapshot`, records from `cleanSnapshot`).
 */
import type { Row } from '../clean/snapshot.js';
import { columnSpec, type ColumnKind } from './columns.js';
import { frameColumn, frameColumns, frameLength, isFrame, type DataFrame } from './danfo.js';
import { frameSpec, type TableSource } from './load.js';

export class TableView {
  readonly length: number;
  readonly columns: string[];
  private readonly cache = new Map<string, readonly unknown[]>();

  constructor(
    readonly table: string,
    private readonly data: DataFrame | readonly Row[],
  ) {
    if (isFrame(data)) {
      this.length = frameLength(data);
      this.columns = frameColumns(data);
    } else {
      this.length = data.length;
      const seen = new Set<string>(Object.keys(columnSpec(table)));
      for (const r of data) for (const k of Object.keys(r)) seen.add(k);
      this.columns = [...seen];
    }
  }

  has(column: string): boolean {
    return this.columns.includes(column);
  }

  kind(column: string): ColumnKind {
    return (isFrame(this.data) ? frameSpec(this.table, this.data)[column] : columnSpec(this.table, this.data as Row[])[column]) ?? 'text';
  }

  /** One column's values (undefined where a record has no such field). */
  col(column: string): readonly unknown[] {
    let values = this.cache.get(column);
    if (!values) {
      values = isFrame(this.data) ? frameColumn(this.data, column) : (this.data as readonly Row[]).map((r) => r[column]);
      this.cache.set(column, values);
    }
    return values;
  }

  /** The ids, as text. */
  ids(): string[] {
    return this.col('id').map((v) => (v === null || v === undefined ? '' : String(v)));
  }

  /** The record at row `i`, with only the columns asked for. */
  pick(i: number, columns: string[]): Row {
    return Object.fromEntries(columns.map((c) => [c, this.col(c)[i]]));
  }
}

export type Viewable = TableSource | DataFrame | readonly Row[];

export const isSingleTable = (x: Viewable): x is DataFrame | readonly Row[] => Array.isArray(x) || isFrame(x);

/** Views of the tables in a source (only those named, when `tables` is given). */
export function viewsOf(source: TableSource, tables?: string[]): TableView[] {
  return Object.entries(source)
    .filter(([t]) => !tables || tables.includes(t))
    .map(([t, data]) => new TableView(t, data));
}

export function viewOf(source: TableSource, table: string): TableView | undefined {
  const data = source[table];
  return data === undefined ? undefined : new TableView(table, data);
}
