/**
 * The analyst's corrections of one record, for explain: the rows of `<DATA_DIR>/corrections/*.csv`
 * (lib/clean/corrections.ts writes and applies them) that name this table and Sonar id. Only
 * read here, and only the columns a correction row has; whether a row was applied or is stale is
 * the cleaning's to say (its changes are in the cleaned dataset, which explain also shows).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { dataPath } from '../paths.js';
import { maskedValue } from '../load/preview.js';

export interface CorrectionNote {
  file: string;
  field: string;
  sonar_had: string;
  new_value: string;
  reason: string;
  made_at: string;
}

export const CORRECTIONS_DIR = 'corrections';

export function correctionsOf(dataDir: string, table: string, id: string): CorrectionNote[] {
  const dir = dataPath(dataDir, CORRECTIONS_DIR);
  if (!fs.existsSync(dir)) return [];
  const out: CorrectionNote[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.csv'))
    .sort()) {
    let rows: Array<Record<string, string>>;
    try {
      rows = parse(fs.readFileSync(path.join(dir, f), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    } catch {
      continue; // not a correction file; the cleaning step reports it
    }
    for (const r of rows)
      if (r.table === table && String(r.sonar_id) === id)
        out.push({
          file: f,
          field: r.field ?? '',
          sonar_had: maskedValue(r.field ?? '', r.sonar_had),
          new_value: maskedValue(r.field ?? '', r.new_value),
          reason: r.reason ?? '',
          made_at: r.made_at ?? '',
        });
  }
  return out;
}
