/**
 * The data the benchmark measures on, made in a child of its own before any clock starts: a
 * generated ISP written as a Sonar snapshot (what notebook 01 leaves on disk), and that snapshot
 * cleaned (what notebook 02 leaves for the load notebooks).
 */
import fs from 'node:fs';
import path from 'node:path';
import { cleanSnapshot, type Row } from '../clean/snapshot.js';
import { writeCleaned, writeJsonl } from '../frames/load.js';
import { generateIsp } from '../sandbox/generator/index.js';
import type { SnapshotManifest, TableProgress } from '../sonar/snapshot.js';

export interface PreparedData {
  dir: string;
  accounts: number;
  records: number;
}

/** A generated ISP as a complete snapshot folder: `<table>.jsonl` and `manifest.json`. */
export async function writeGeneratedSnapshot(opts: { accounts: number; seed: number; dir: string }): Promise<PreparedData> {
  const tables = generateIsp({ accounts: opts.accounts, seed: opts.seed }).tables;
  fs.mkdirSync(opts.dir, { recursive: true });
  const now = new Date().toISOString();
  const manifest: SnapshotManifest = {
    format: 'sonar-snapshot/1',
    id: path.basename(opts.dir),
    sonar_url: 'generated',
    started_at: now,
    finished_at: now,
    status: 'complete',
    since: null,
    selection: null,
    tables: {},
  };
  let records = 0;
  for (const [table, rows] of Object.entries(tables)) {
    const bytes = await writeJsonl(path.join(opts.dir, `${table}.jsonl`), rows);
    const progress: TableProgress = {
      status: 'done',
      count: rows.length,
      bytes,
      units_done: 1,
      units_total: 1,
      records_per_page: null,
      started_at: now,
      finished_at: now,
      ms: 0,
      high_water_mark: null,
    };
    manifest.tables[table] = progress;
    records += rows.length;
  }
  fs.writeFileSync(path.join(opts.dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir: opts.dir, accounts: opts.accounts, records };
}

/** A generated ISP, cleaned, as the cleaned dataset the load reads (`data/clean/<id>/` in a real run). */
export async function writeGeneratedCleaned(opts: { accounts: number; seed: number; dir: string }): Promise<PreparedData> {
  const tables = generateIsp({ accounts: opts.accounts, seed: opts.seed }).tables as unknown as Record<string, Row[]>;
  const cleaned = cleanSnapshot(tables).tables;
  await writeCleaned(opts.dir, cleaned);
  return { dir: opts.dir, accounts: opts.accounts, records: Object.values(cleaned).reduce((n, rows) => n + rows.length, 0) };
}
