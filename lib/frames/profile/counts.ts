/** Profiles of a snapshot: nulls and value counts, status and type fields (see ./index.ts). */
import type { Row } from '../../clean/snapshot.js';
import type { DataFrame } from '../danfo.js';
import type { TableSource } from '../load.js';
import { isSingleTable, TableView, viewOf, viewsOf, type Viewable } from '../view.js';
import { pct } from './common.js';

export interface NullCountRow {
  table: string;
  column: string;
  kind: string;
  rows: number;
  nulls: number;
  /** Text that is empty or only whitespace: present, but no better than null. */
  blanks: number;
  null_pct: number;
}

/**
 * Nulls (and blank text) per column. For one table (a frame, records, or `{ table }` of a
 * source), every column; for a whole source, only the columns that have some, unless `all`.
 */
export function nullCounts(data: Viewable, opts: { table?: string; all?: boolean } = {}): NullCountRow[] {
  const single = isSingleTable(data);
  const views = single ? [new TableView(opts.table ?? '', data)] : viewsOf(data, opts.table ? [opts.table] : undefined);
  const all = opts.all ?? (single || !!opts.table);
  const out: NullCountRow[] = [];
  for (const view of views) {
    for (const column of view.columns) {
      let nulls = 0;
      let blanks = 0;
      for (const v of view.col(column)) {
        if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) nulls++;
        else if (typeof v === 'string' && v.trim() === '') blanks++;
      }
      if (all || nulls || blanks)
        out.push({
          table: view.table,
          column,
          kind: view.kind(column),
          rows: view.length,
          nulls,
          blanks,
          null_pct: pct(nulls, view.length),
        });
    }
  }
  return out;
}

export interface ValueCountRow {
  value: unknown;
  label?: string;
  count: number;
  pct: number;
}

/** How often each value of one column occurs, most frequent first. `labels` names coded values (status ids). */
export function valueCounts(
  data: DataFrame | readonly Row[],
  column: string,
  opts: { labels?: Map<string, string> } = {},
): ValueCountRow[] {
  const view = new TableView('', data);
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const v of view.col(column)) {
    const value = v === undefined ? null : v instanceof Date ? v.toISOString() : v;
    const key = JSON.stringify(value);
    const c = counts.get(key) ?? { value, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)))
    .map(({ value, count }) => ({
      value,
      ...(opts.labels ? { label: value === null ? '' : (opts.labels.get(String(value)) ?? '(unknown)') } : {}),
      count,
      pct: pct(count, view.length),
    }));
}

/** Status and type fields worth counting, with the table that names coded ones. */
export const STATUS_FIELDS: Array<{ table: string; field: string; labels?: string }> = [
  { table: 'accounts', field: 'account_status_id', labels: 'account_statuses' },
  { table: 'accounts', field: 'account_type_id', labels: 'account_types' },
  { table: 'accounts', field: 'is_delinquent' },
  { table: 'account_types', field: 'type' },
  { table: 'addresses', field: 'addressable_type' },
  { table: 'addresses', field: 'type' },
  { table: 'contacts', field: 'contactable_type' },
  { table: 'phone_numbers', field: 'phone_number_type_id', labels: 'phone_number_types' },
  { table: 'services', field: 'type' },
  { table: 'services', field: 'application' },
  { table: 'account_billing_parameters', field: 'bill_mode' },
  { table: 'data_service_details', field: 'technology_code' },
  { table: 'ip_assignments', field: 'ipassignmentable_type' },
  { table: 'inventory_items', field: 'status' },
  { table: 'notes', field: 'noteable_type' },
  { table: 'tickets', field: 'status' },
  { table: 'tickets', field: 'priority' },
  { table: 'invoices', field: 'status' },
  { table: 'debits', field: 'type' },
  { table: 'payments', field: 'status' },
  { table: 'payments', field: 'payment_type' },
];

export interface StatusCountRow extends ValueCountRow {
  table: string;
  field: string;
}

/** Value counts of every status and type field present, coded ids named (account 3 → "Active"). Archived accounts count as `archived`. */
export function statusCounts(source: TableSource): StatusCountRow[] {
  const out: StatusCountRow[] = [];
  for (const { table, field, labels } of STATUS_FIELDS) {
    const view = viewOf(source, table);
    if (!view || !view.has(field)) continue;
    const names = labels ? viewOf(source, labels) : undefined;
    const map = names ? new Map(names.ids().map((id, i) => [id, String(names.col('name')[i] ?? '')])) : undefined;
    for (const row of valueCounts(source[table], field, map ? { labels: map } : {})) out.push({ table, field, ...row });
  }
  const accounts = viewOf(source, 'accounts');
  if (accounts?.has('archived_at')) {
    const archived = accounts.col('archived_at').filter((v) => v !== null && v !== undefined).length;
    for (const [value, count] of [
      [true, archived],
      [false, accounts.length - archived],
    ] as const) {
      if (count) out.push({ table: 'accounts', field: 'archived', value, count, pct: pct(count, accounts.length) });
    }
  }
  return out;
}
