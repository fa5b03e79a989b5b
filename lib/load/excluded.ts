/**
 * The records left out by the analyst's exclusions (lib/clean/exclusions.ts), as the load and
 * verify report them: per entity, the excluded records the entity would have taken (its source
 * table, and its own `select`), each with its reason. They are kept beside the cleaned dataset
 * (`excluded.jsonl`), so counts reconcile: selected + excluded is what the entity's source holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExcludedRecord } from '../clean/exclusions.js';
import type { EntityModule, TransformContext } from '../entities/types.js';
import { loadCleanedExtra, readCleanManifest } from '../frames/load.js';

export type { ExcludedRecord };

/** One excluded record of one entity, as report.json and verify.json list it. */
export interface ExcludedRow {
  entity: string;
  source_id: string;
  table: string;
  reason: string;
  /** Empty for the record the analyst named; else the one it belongs to (`accounts 12`). */
  excluded_with: string;
}

/** The excluded records of a cleaned dataset (none for a dataset cleaned before exclusions existed). */
export async function readExcluded(cleanDir: string): Promise<ExcludedRecord[]> {
  if (!fs.existsSync(path.join(cleanDir, 'manifest.json')) || !readCleanManifest(cleanDir).extra.excluded) return [];
  return (await loadCleanedExtra(cleanDir, 'excluded')) as unknown as ExcludedRecord[];
}

/** The excluded records `mod` would have taken. A `select` that cannot judge a record without its excluded relatives counts it. */
export function excludedOf(mod: EntityModule, excluded: readonly ExcludedRecord[], ctx: TransformContext): ExcludedRow[] {
  return excluded
    .filter((e) => e.table === mod.source && selects(mod, e, ctx))
    .map((e) => ({ entity: mod.name, source_id: e.sonar_id, table: e.table, reason: e.reason, excluded_with: e.excluded_with }));
}

function selects(mod: EntityModule, e: ExcludedRecord, ctx: TransformContext): boolean {
  try {
    return mod.select?.(e.record, ctx) ?? true;
  } catch {
    return true;
  }
}
