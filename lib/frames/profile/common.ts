/** What the profiles share: `table.field` lists, text and percentages, the order of rows. */
import type { TableSource } from '../load.js';
import { TableView, viewOf } from '../view.js';

/** `table.field` lists, per table. */
export type FieldList = Record<string, string[]>;

export const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
export const pct = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : 0);
export const byId = (a: { source_id: string }, b: { source_id: string }) =>
  Number(a.source_id) - Number(b.source_id) || a.source_id.localeCompare(b.source_id);

export function fieldViews(source: TableSource, fields: FieldList): Array<{ view: TableView; field: string }> {
  const out: Array<{ view: TableView; field: string }> = [];
  for (const [table, list] of Object.entries(fields)) {
    const view = viewOf(source, table);
    if (!view) continue;
    for (const field of list) if (view.has(field)) out.push({ view, field });
  }
  return out;
}

/** Contacts are owned polymorphically: the owner as `Type:id`. */
export const ownerOfContact = (view: TableView, i: number) => `${view.col('contactable_type')[i]}:${view.col('contactable_id')[i]}`;
