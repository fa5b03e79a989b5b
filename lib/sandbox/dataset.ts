/**
 * A Sonar dataset: what the synthetic-ISP generator writes, what `--fixture FILE` loads, and what
 * the Sonar sandbox serves. Tables are keyed by the Sonar root list query that returns them
 * (`accounts`, `addresses`, …) and records use the GraphQL field names with their wire values:
 * Int64Bit ids as strings, Date as `YYYY-MM-DD`, Datetime as ISO 8601 with an offset, money as
 * integer cents, enums as their value names. So the sandbox serves a record as it is stored.
 */
import fs from 'node:fs';
import { once } from 'node:events';

export type SonarValue = string | number | boolean | null | string[];
export type SonarRecord = Record<string, SonarValue>;

export const DATASET_FORMAT = 'sonar-dataset/1';

/** One record the generator made dirty on purpose, so tests can prove each is cleaned or reported. */
export interface DirtyMark {
  class: string;
  table: string;
  id: string;
  field?: string;
  detail: string;
}

export interface DatasetMeta {
  seed: number;
  accounts: number;
  dirty_rate: number;
  /** The instant every generated timestamp is relative to, so a seed gives the same bytes on any day. */
  reference_time: string;
  [key: string]: unknown;
}

export interface SonarDataset {
  format: typeof DATASET_FORMAT;
  meta: DatasetMeta;
  tables: Record<string, SonarRecord[]>;
  dirty: DirtyMark[];
}

export function emptyDataset(meta: Partial<DatasetMeta> = {}): SonarDataset {
  return {
    format: DATASET_FORMAT,
    meta: { seed: 0, accounts: 0, dirty_rate: 0, reference_time: new Date().toISOString(), ...meta },
    tables: {},
    dirty: [],
  };
}

/** Reads a dataset file, with a message that says what is wrong rather than a bare parse error. */
export function loadDataset(file: string): SonarDataset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read fixture ${file}: ${(e as Error).message}`);
  }
  const d = parsed as Partial<SonarDataset>;
  if (!d || typeof d !== 'object' || typeof d.tables !== 'object' || d.tables === null) {
    throw new Error(`Fixture ${file} is not a Sonar dataset: expected {"format":"${DATASET_FORMAT}","tables":{...}}`);
  }
  for (const [table, rows] of Object.entries(d.tables)) {
    if (!Array.isArray(rows)) throw new Error(`Fixture ${file}: table "${table}" is not an array`);
    rows.forEach((r, i) => {
      if (!r || typeof r !== 'object' || r.id === undefined || r.id === null) {
        throw new Error(`Fixture ${file}: ${table}[${i}] has no id`);
      }
      // Int64Bit ids are strings on the wire; a hand-written fixture may use numbers.
      r.id = String(r.id);
    });
  }
  return {
    format: DATASET_FORMAT,
    meta: { seed: 0, accounts: d.tables.accounts?.length ?? 0, dirty_rate: 0, reference_time: new Date().toISOString(), ...(d.meta ?? {}) },
    tables: d.tables,
    dirty: d.dirty ?? [],
  };
}

/**
 * Writes a dataset one record per line, so that 100,000 accounts (about a million records)
 * never need one giant string in memory.
 */
export async function saveDataset(dataset: SonarDataset, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`{"format":${JSON.stringify(dataset.format)},\n"meta":${JSON.stringify(dataset.meta)},\n"tables":{`);
  const names = Object.keys(dataset.tables);
  for (let t = 0; t < names.length; t++) {
    await write(`${t ? ',' : ''}\n${JSON.stringify(names[t])}:[`);
    const rows = dataset.tables[names[t]];
    for (let i = 0; i < rows.length; i++) await write(`${i ? ',' : ''}\n${JSON.stringify(rows[i])}`);
    await write(']');
  }
  await write('},\n"dirty":[');
  for (let i = 0; i < dataset.dirty.length; i++) await write(`${i ? ',' : ''}\n${JSON.stringify(dataset.dirty[i])}`);
  await write(']}\n');
  out.end();
  await once(out, 'finish');
}
