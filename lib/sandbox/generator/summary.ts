/** Record counts per table and dirty marks per class, for the CLI and the sandbox banner. */
import type { SonarDataset } from '../dataset.js';
import { DIRTY_CLASSES } from './dirty.js';

export interface GeneratorSummary {
  tables: Record<string, number>;
  /** Every known dirt class (0 when absent), plus any other class a fixture marks. */
  dirty: Record<string, number>;
  records: number;
  dirtyMarks: number;
}

export function summarize(dataset: SonarDataset): GeneratorSummary {
  const tables: Record<string, number> = {};
  let records = 0;
  for (const [name, rows] of Object.entries(dataset.tables)) {
    tables[name] = rows.length;
    records += rows.length;
  }
  const dirty: Record<string, number> = Object.fromEntries(DIRTY_CLASSES.map((c) => [c, 0]));
  for (const mark of dataset.dirty) dirty[mark.class] = (dirty[mark.class] ?? 0) + 1;
  return { tables, dirty, records, dirtyMarks: dataset.dirty.length };
}

export function formatSummary(summary: GeneratorSummary): string {
  const rows = (entries: [string, number][]) => {
    const width = Math.max(...entries.map(([k]) => k.length));
    return entries.map(([k, v]) => `  ${k.padEnd(width)}  ${v.toLocaleString('en-US').padStart(10)}`).join('\n');
  };
  return [
    `Tables (${summary.records.toLocaleString('en-US')} records)`,
    rows(Object.entries(summary.tables)),
    `Dirty marks (${summary.dirtyMarks.toLocaleString('en-US')})`,
    rows(Object.entries(summary.dirty)),
  ].join('\n');
}
