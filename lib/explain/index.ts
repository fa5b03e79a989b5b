/**
 * One record's journey, end to end: `explainRecord(settings, { table: 'accounts', id: '123' })`
 * and `migrate.ts explain --table accounts --id 123`.
 *
 *   the snapshot's value(s) → what cleaning and the analyst's corrections changed → for each
 *   entity made from the record: the mapping rows its transform used, the payload (credentials
 *   masked), the ledger's state and events, the Splynx id, and what Splynx holds now (a GET).
 *
 * It only reads: the snapshot and cleaned dataset from disk, the ledger through its read-only
 * view, Splynx through GET. Nothing here is a second copy of the loader's logic: the payload is
 * the module's own transform over the same context the loader builds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { scrubSecrets, secretValues, type Settings } from '../config.js';
import type { Change } from '../clean/snapshot.js';
import { ENTITIES, MAPPING_SPECS, type EntityModule, type Row, type TransformContext } from '../entities/index.js';
import { loadCleanedExtra, loadCleanedRecords, loadRecords, readCleanManifest, UNUSED_BY_LOAD } from '../frames/load.js';
import type { LedgerRecord } from '../ledger/index.js';
import { transformContext } from '../load/context.js';
import { flatten, maskedValue } from '../load/preview.js';
import { ledgerPath, mappingsDir, splynxApi } from '../load/session.js';
import { dataPath } from '../paths.js';
import { findSnapshot } from '../sonar/extract.js';
import { LedgerView } from '../verify/ledger-view.js';
import { readPath } from '../verify/specs.js';
import { readRecord } from '../verify/splynx-read.js';
import { correctionsOf, type CorrectionNote } from './corrections.js';
import { recordingContext, type MappingUse } from '../load/recording-context.js';
export type { MappingUse } from '../load/recording-context.js';

export interface FieldValue {
  field: string;
  value: string;
}

export interface EntityJourney {
  entity: string;
  endpoint: string;
  /** Whether the entity takes this record (its `select`). */
  selected: boolean;
  mappings: MappingUse[];
  /** The payload field by field, credentials as `***`; empty when there is none. */
  payload: FieldValue[];
  /** Why there is no payload (the transform or the schema refused the record). */
  payload_error: string;
  ledger: Pick<LedgerRecord, 'state' | 'splynx_id' | 'run_id' | 'error' | 'updated_at'> | null;
  events: Array<{ at: string; run_id: string; from_state: string; to_state: string; splynx_id: string; detail: string }>;
  splynx_id: string;
  /** Where it was read in Splynx, and what Splynx holds there now (credentials as `***`). */
  splynx_path: string;
  splynx_now: FieldValue[];
  splynx_note: string;
}

export interface Explanation {
  table: string;
  id: string;
  snapshot_id: string;
  /** The record as the snapshot holds it (credentials as `***`); empty when the snapshot has no such record. */
  snapshot: FieldValue[];
  /** What cleaning changed in it (rule, before, after), and the analyst's corrections of it. */
  cleaning: Array<{ field: string; rule: string; before: string; after: string }>;
  corrections: CorrectionNote[];
  entities: EntityJourney[];
}

const fieldsOf = (row: Row | null | undefined): FieldValue[] =>
  row ? flatten(row).map(([field, value]) => ({ field, value: maskedValue(field, value) })) : [];

/** The Sonar tables entities are made from: what `--table` may name. */
export const EXPLAINABLE_TABLES = [...new Set(ENTITIES.map((e) => e.source))].sort();

export interface ExplainOptions {
  table: string;
  id: string;
  /** Default: the newest snapshot. */
  snapshotId?: string;
  /** Default: read what Splynx holds now; false leaves Splynx alone. */
  readSplynx?: boolean;
}

export async function explainRecord(settings: Settings, opts: ExplainOptions): Promise<Explanation> {
  const mods = ENTITIES.filter((e) => e.source === opts.table);
  if (!mods.length) throw new Error(`No entity is made from Sonar table "${opts.table}". Tables: ${EXPLAINABLE_TABLES.join(', ')}`);
  const snap = findSnapshot(settings, opts.snapshotId || undefined);
  const snapshotId = snap.manifest.id;
  const cleanDir = dataPath(settings.DATA_DIR, 'clean', snapshotId);
  if (!fs.existsSync(path.join(cleanDir, 'manifest.json')))
    throw new Error(`Snapshot ${snapshotId} has not been cleaned: run notebook 02 first`);
  const secrets = secretValues(settings);
  const scrub = (s: string) => scrubSecrets(s, secrets);

  const raw = (await loadRecords(snap.dir, { tables: [opts.table] }))[opts.table] ?? [];
  const sourceRow = raw.find((r) => String(r.id) === opts.id);
  const manifest = readCleanManifest(cleanDir);
  const changes = manifest.extra.changes ? ((await loadCleanedExtra(cleanDir, 'changes')) as unknown as Change[]) : [];
  const tables = await loadCleanedRecords(cleanDir, { omit: UNUSED_BY_LOAD });
  const ledgerFile = ledgerPath(settings);
  const ledger = fs.existsSync(ledgerFile) ? new LedgerView(ledgerFile) : null;
  try {
    const base = transformContext({
      tables,
      ledger: ledger ?? { splynxId: () => null },
      timezone: settings.TIMEZONE,
      mappingsDir: mappingsDir(settings),
      mappingSpecs: MAPPING_SPECS,
    });
    const cleaned = base.byId(opts.table, opts.id);
    if (!sourceRow && !cleaned) throw new Error(`Snapshot ${snapshotId} has no ${opts.table} record ${opts.id}`);
    const api = opts.readSplynx === false ? null : splynxApi(settings);
    const entities: EntityJourney[] = [];
    for (const mod of mods) entities.push(await journey(mod, cleaned ?? null, base, ledger, api, opts.id, scrub));
    return {
      table: opts.table,
      id: opts.id,
      snapshot_id: snapshotId,
      snapshot: fieldsOf(sourceRow),
      cleaning: changes
        .filter((c) => c.entity === opts.table && String(c.source_id) === opts.id)
        .map((c) => ({
          field: c.field,
          rule: c.rule,
          before: maskedValue(c.field, c.before),
          after: maskedValue(c.field, c.after),
        })),
      corrections: correctionsOf(settings.DATA_DIR, opts.table, opts.id),
      entities,
    };
  } finally {
    ledger?.close();
  }
}

async function journey(
  mod: EntityModule,
  row: Row | null,
  base: TransformContext,
  ledger: LedgerView | null,
  api: ReturnType<typeof splynxApi> | null,
  id: string,
  scrub: (s: string) => string,
): Promise<EntityJourney> {
  const mappings: MappingUse[] = [];
  const ctx = recordingContext(base, { mappings, translations: [] });
  let payload: Row | undefined;
  let payloadError = '';
  let selected = false;
  if (row) {
    try {
      selected = mod.select?.(row, ctx) ?? true;
      payload = mod.payload.parse(mod.transform(row, ctx)) as Row;
    } catch (e) {
      payloadError = scrub((e as Error).message);
    }
  } else payloadError = 'not in the cleaned dataset';
  const rec = ledger?.get(mod.name, id);
  const out: EntityJourney = {
    entity: mod.name,
    endpoint: mod.endpoint,
    selected,
    mappings,
    payload: fieldsOf(payload).map((f) => ({ ...f, value: scrub(f.value) })),
    payload_error: payloadError,
    ledger: rec
      ? { state: rec.state, splynx_id: rec.splynx_id, run_id: rec.run_id, error: rec.error && scrub(rec.error), updated_at: rec.updated_at }
      : null,
    events: (ledger?.events(mod.name, id) ?? []).map((e) => ({
      at: String(e.at ?? ''),
      run_id: String(e.run_id ?? ''),
      from_state: String(e.from_state ?? ''),
      to_state: String(e.to_state ?? ''),
      splynx_id: String(e.splynx_id ?? ''),
      detail: scrub(String(e.detail ?? '')),
    })),
    splynx_id: rec?.splynx_id ?? '',
    splynx_path: '',
    splynx_now: [],
    splynx_note: rec?.splynx_id ? '' : 'not in Splynx: the ledger has no Splynx id for it',
  };
  if (rec?.splynx_id && api) {
    try {
      out.splynx_path = readPath(mod, rec.splynx_id, payload ?? {});
      const now = await readRecord(api, out.splynx_path);
      out.splynx_now = fieldsOf(now).map((f) => ({ ...f, value: scrub(f.value) }));
      out.splynx_note = now ? `read from ${out.splynx_path}` : `Splynx has nothing at ${out.splynx_path} (deleted there?)`;
    } catch (e) {
      out.splynx_note = `could not read it: ${scrub((e as Error).message)}`;
    }
  }
  return out;
}

/** The explanation as lines of text, for the terminal. */
export { explanationText } from './text.js';
