/**
 * References of a generated dataset that point at no record. The tests use it to prove that every
 * reference (lib/sonar/relations.ts) resolves except the ones the `orphan_reference` dirt breaks
 * on purpose.
 */
import { REFERENCES } from '../../sonar/relations.js';
import type { SonarDataset } from '../dataset.js';

export interface Dangling {
  table: string;
  id: string;
  field: string;
  target: string;
  value: string;
}

/** References that point at no record (ids are sequential, so existence is `1 <= id <= count`). */
export function danglingReferences(dataset: SonarDataset): Dangling[] {
  const out: Dangling[] = [];
  const exists = (table: string, id: string) => {
    const rows = dataset.tables[table];
    const n = Number(id);
    return !!rows && Number.isInteger(n) && n >= 1 && n <= rows.length && rows[n - 1].id === id;
  };
  for (const [table, fields] of Object.entries(REFERENCES)) {
    for (const record of dataset.tables[table] ?? []) {
      for (const [field, target] of Object.entries(fields)) {
        const value = record[field];
        if (value === null || value === undefined) continue;
        const targetTable = typeof target === 'string' ? target : target(record);
        if (targetTable === null) continue;
        if (!exists(targetTable, value as string))
          out.push({ table, id: record.id as string, field, target: targetTable, value: value as string });
      }
    }
  }
  return out;
}
