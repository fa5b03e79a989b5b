/**
 * Snapshots into DataFrames and back: `data/snapshots/<id>/<table>.jsonl` into one frame per
 * table with the declared column types (columns.ts), and a cleaned dataset out to
 * `data/clean/<id>/<table>.jsonl` + `manifest.json`, in the snapshot's own record shape, so the
 * next notebooks read it the same way.
 *
 * An incremental snapshot (taken `since` another) holds only the records that changed, but a
 * record cannot be cleaned or transformed alone: a changed account needs its unchanged contacts
 * and addresses, and an unchanged account with one changed contact must be sent again. So a
 * snapshot is always read as the whole picture: the chain of snapshots it builds on, laid over
 * each other by id, newest first, minus what Sonar deleted. The loader's payload hashes then tell
 * unchanged records (no write) from changed ones (update) and new ones (create).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import type { Row, Tables } from '../clean/snapshot.js';
import { columnSpec, DANFO_DTYPES, inferKind, isKnownTable, COLUMN_SPECS, type ColumnKind, type ColumnSpec } from './columns.js';
import { fromCell, toCell, type TypeProblem } from './convert.js';
import { frameColumns, frameDtypes, frameRows, isFrame, newFrame, type DataFrame } from './danfo.js';
import { SECRET_NAME } from './show.js';
import { snapshotChain } from '../sonar/snapshot.js';

export type { Row, Tables };
export type Frames = Record<string, DataFrame>;
/** Tables as frames or as plain records, e.g. a mix of `loadSnapshot` frames and `cleanSnapshot` output. */
export type TableSource = Record<string, DataFrame | readonly Row[]>;

export interface FrameOptions {
  /** Values that do not fit their column's kind are `null` in the frame and listed here. Without it, they are counted in a warning. */
  problems?: TypeProblem[];
  /** Column kinds to use instead of the declared ones (e.g. from a cleaned dataset's manifest). */
  spec?: ColumnSpec;
  /**
   * Keep the values of password-like columns (a RADIUS `password`). By default a frame holds them
   * as `***`: a frame is for looking at, and whatever prints it (danfojs' own `print()`, a cell's
   * output) must not show a subscriber's password. The cleaned dataset is written from records.
   */
  keepSecrets?: boolean;
}

/** The spec each frame was built with, so a frame of an undeclared table writes back the same way. */
const specs = new WeakMap<object, ColumnSpec>();

/**
 * One table's records as a DataFrame with the declared column types. Columns are the declared
 * ones (an empty table still has them all), then any others the records carry.
 */
export function toFrame(table: string, records: readonly Row[], opts: FrameOptions = {}): DataFrame {
  const spec = opts.spec ? { ...opts.spec, ...extraColumns(opts.spec, records) } : columnSpec(table, records);
  const columns = Object.keys(spec);
  const kinds = columns.map((c) => spec[c]);
  const problems: TypeProblem[] = [];
  const masked = columns.map((c) => !opts.keepSecrets && SECRET_NAME.test(c));
  const rows = records.map((r) =>
    columns.map((c, i) => {
      if (masked[i]) return r[c] === null || r[c] === undefined ? null : '***';
      const cell = toCell(kinds[i], r[c]);
      if (cell !== undefined) return cell;
      problems.push({
        table,
        source_id: String(r.id ?? ''),
        field: c,
        kind: kinds[i],
        value: typeof r[c] === 'string' ? (r[c] as string) : JSON.stringify(r[c]),
      });
      return null;
    }),
  );
  if (opts.problems) opts.problems.push(...problems);
  else if (problems.length) {
    const p = problems[0];
    console.warn(
      `${table}: ${problems.length} value(s) did not fit their column type and are null in the frame (first: ${p.field} of ${p.source_id}, a ${p.kind}). Pass { problems: [] } to list them.`,
    );
  }
  const df = newFrame(
    columns,
    kinds.map((k) => DANFO_DTYPES[k]),
    rows,
  );
  specs.set(df, spec);
  return df;
}

function extraColumns(spec: ColumnSpec, records: readonly Row[]): ColumnSpec {
  const extra: ColumnSpec = {};
  for (const r of records)
    for (const k of Object.keys(r))
      if (!(k in spec) && !(k in extra))
        extra[k] = inferKind(
          k,
          records.map((x) => x[k]),
        );
  return extra;
}

/** Every table of a record set as frames. */
export function framesFromRecords(tables: Tables, opts: FrameOptions = {}): Frames {
  return Object.fromEntries(
    Object.entries(tables).map(([t, rows]) => [t, toFrame(t, rows, { problems: opts.problems, keepSecrets: opts.keepSecrets })]),
  );
}

/** The kind of each column of a frame: as built, else as declared, else from its danfojs dtype. */
export function frameSpec(table: string, df: DataFrame): ColumnSpec {
  const built = specs.get(df);
  const declared: ColumnSpec = isKnownTable(table) ? COLUMN_SPECS[table] : {};
  const dtypes = frameDtypes(df);
  const fromDtype = (d: string): ColumnKind =>
    d === 'datetime' ? 'datetime' : d === 'boolean' ? 'boolean' : d === 'int32' ? 'int' : d === 'float32' ? 'float' : 'text';
  return Object.fromEntries(frameColumns(df).map((c, i) => [c, built?.[c] ?? declared[c] ?? fromDtype(dtypes[i])]));
}

/** A frame back to records in Sonar's wire form: Dates as ISO text, lists as arrays, nulls kept. */
export function frameToRecords(table: string, df: DataFrame): Row[] {
  const spec = frameSpec(table, df);
  const columns = frameColumns(df);
  const kinds = columns.map((c) => spec[c]);
  return frameRows(df).map((r) => {
    const out: Row = {};
    columns.forEach((c, i) => (out[c] = fromCell(kinds[i], r[i])));
    return out;
  });
}

/** Frames (or records, passed through with any Dates turned back into text) to records. */
export function framesToRecords(data: TableSource): Tables {
  const out: Tables = {};
  for (const [table, t] of Object.entries(data)) {
    if (isFrame(t)) out[table] = frameToRecords(table, t);
    else {
      const spec = columnSpec(table);
      out[table] = t.map((r) => {
        const copy: Row = {};
        for (const [k, v] of Object.entries(r)) copy[k] = v instanceof Date || Number.isNaN(v) ? fromCell(spec[k] ?? 'datetime', v) : v;
        return copy;
      });
    }
  }
  return out;
}

/** A JSON Lines file as records (a missing file is an empty table). Says which line is broken. */
/**
 * Sonar's bookkeeping fields on every record, which no transform reads: the load leaves them out
 * when it reads (`omit`). They are a third of a snapshot's memory (a UUID and two timestamps per
 * record), which at 100,000 accounts is the difference between fitting in 1.5 GB and not.
 */
export const UNUSED_BY_LOAD = ['sonar_unique_id', '_version', 'updated_at'] as const;

/**
 * Removes fields from one JSON record's text before it is parsed, so their strings are never made
 * (deleting them after parsing leaves objects in a slower, bigger form). Only `,"key":value` before
 * a `,` or `}` is taken: a comma directly before a quote is JSON's structure, never a string's
 * content (inside a string a quote is always `\"`), so text that merely looks like a field stays.
 * A field written first (records start with `id`), or whose value is not a plain string, number or
 * null, is kept. Matching after `{` as well needs a lookbehind, which made reading 8 times slower.
 */
function omitter(fields: readonly string[]): ((line: string) => string) | null {
  if (!fields.length) return null;
  const key = `"(?:${fields.map((f) => f.replace(/[^\w]/g, '')).join('|')})":(?:"[^"\\\\]*"|null|-?\\d+(?:\\.\\d+)?)`;
  const re = new RegExp(`,${key}(?=[,}])`, 'g');
  return (line) => line.replace(re, '');
}

export async function readJsonl(file: string, opts: { omit?: readonly string[] } = {}): Promise<Row[]> {
  if (!fs.existsSync(file)) return [];
  const rows: Row[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const project = omitter(opts.omit ?? []);
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(project ? project(line) : line) as Row);
    } catch (e) {
      throw new Error(`${file}, line ${n}: not a JSON record (${(e as Error).message})`);
    }
  }
  return rows;
}

/** Writes records one per line, streaming, so a large table never becomes one giant string. Returns the bytes written. */
export async function writeJsonl(file: string, rows: readonly Row[]): Promise<number> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let bytes = 0;
  for (const r of rows) {
    const line = `${JSON.stringify(r)}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

interface ManifestLike {
  id?: string;
  status?: string;
  since?: string | null;
  tables: Record<string, unknown>;
  deleted?: Record<string, string[]>;
}

function readJson<T>(file: string, what: string): T {
  if (!fs.existsSync(file)) throw new Error(`No ${what} at ${path.dirname(file)} (no ${path.basename(file)})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export interface LoadOptions extends Pick<FrameOptions, 'problems'> {
  /** Only these tables (in the manifest's order). */
  tables?: string[];
  /** Load a snapshot whose manifest says it is still running (its tables may be partial). */
  allowIncomplete?: boolean;
  /** An incremental snapshot's own records only (what changed), not the whole picture. */
  changesOnly?: boolean;
  /** Top-level fields to leave out of every record (the load's `UNUSED_BY_LOAD`). */
  omit?: readonly string[];
}

function chooseTables(dir: string, m: ManifestLike, only?: string[]): string[] {
  const all = Object.keys(m.tables);
  if (!only) return all;
  const unknown = only.filter((t) => !all.includes(t));
  if (unknown.length) throw new Error(`${dir} has no table ${unknown.join(', ')}. It has: ${all.join(', ')}`);
  return all.filter((t) => only.includes(t));
}

function readSnapshotManifest(dir: string, opts: LoadOptions): ManifestLike {
  const m = readJson<ManifestLike>(path.join(dir, 'manifest.json'), 'snapshot');
  if (m.status !== 'complete' && !opts.allowIncomplete) {
    throw new Error(
      `Snapshot ${m.id ?? dir} is not complete (status "${m.status}"): finish it (run notebook 01 again with its id), or pass { allowIncomplete: true }`,
    );
  }
  return m;
}

/** One layer of a snapshot's chain: a snapshot folder and its manifest. */
interface Layer {
  dir: string;
  manifest: ManifestLike;
}

/** The snapshot and the ones it builds on, newest first; every layer below the first must be complete. */
function layers(dir: string, opts: LoadOptions): Layer[] {
  const top = { dir, manifest: readSnapshotManifest(dir, opts) };
  if (opts.changesOnly || !top.manifest.since) return [top];
  return [
    top,
    ...snapshotChain(dir)
      .slice(1)
      .map((d) => ({ dir: d, manifest: readSnapshotManifest(d, { ...opts, allowIncomplete: false }) })),
  ];
}

/** Tables of every layer, the newest layer's order first. */
function tablesOf(chain: Layer[]): ManifestLike {
  const tables: Record<string, unknown> = {};
  for (const l of chain) for (const t of Object.keys(l.manifest.tables)) tables[t] ??= l.manifest.tables[t];
  return { tables };
}

/**
 * One table of the whole picture: each layer's records by id, a newer layer's version winning,
 * without the ids a layer found deleted in Sonar, in id order (as a full snapshot reads them).
 */
async function mergedTable(chain: Layer[], table: string, omit?: readonly string[]): Promise<Row[]> {
  if (chain.length === 1) return readJsonl(path.join(chain[0].dir, `${table}.jsonl`), { omit });
  const byId = new Map<string, Row>();
  for (const layer of [...chain].reverse()) {
    for (const r of await readJsonl(path.join(layer.dir, `${table}.jsonl`), { omit })) byId.set(String(r.id), r);
    for (const id of layer.manifest.deleted?.[table] ?? []) byId.delete(String(id));
  }
  const numeric = (id: string) => (/^\d+$/.test(id) ? Number(id) : NaN);
  return [...byId.entries()].sort(([a], [b]) => numeric(a) - numeric(b) || a.localeCompare(b)).map(([, r]) => r);
}

/**
 * What each layer of a snapshot brings, for the analyst: one row per snapshot of the chain, newest
 * first, with its records and the ids it found deleted in Sonar.
 */
export function snapshotLayers(dir: string): Array<{ snapshot: string; since: string; status: string; records: number; deleted: number }> {
  return layers(dir, { allowIncomplete: true }).map(({ dir: d, manifest: m }) => ({
    snapshot: m.id ?? path.basename(d),
    since: m.since ?? '(full)',
    status: m.status ?? '',
    records: Object.values(m.tables).reduce<number>((n, t) => n + ((t as { count?: number }).count ?? 0), 0),
    deleted: Object.values(m.deleted ?? {}).reduce((n, ids) => n + ids.length, 0),
  }));
}

/**
 * A snapshot's tables as plain records, as Sonar returned them. An incremental snapshot is read
 * as the whole picture (see the top of this file) unless `changesOnly`.
 */
export async function loadRecords(dir: string, opts: LoadOptions = {}): Promise<Tables> {
  const chain = layers(dir, opts);
  const out: Tables = {};
  for (const t of chooseTables(dir, tablesOf(chain), opts.tables)) out[t] = await mergedTable(chain, t, opts.omit);
  return out;
}

/** A snapshot as one DataFrame per table, typed by the declared column specs; whole, like `loadRecords`. */
export async function loadSnapshot(dir: string, opts: LoadOptions = {}): Promise<Frames> {
  const chain = layers(dir, opts);
  const out: Frames = {};
  // One table at a time, so only one table's raw records are held at once.
  for (const t of chooseTables(dir, tablesOf(chain), opts.tables))
    out[t] = toFrame(t, await mergedTable(chain, t), { problems: opts.problems });
  return out;
}

export const CLEAN_FORMAT = 'sonar-clean/1';

export interface CleanManifest {
  format: typeof CLEAN_FORMAT;
  id: string;
  /** The snapshot this was cleaned from, when known. */
  source_snapshot: string | null;
  created_at: string;
  status: 'complete';
  tables: Record<string, { count: number; bytes: number; columns: ColumnSpec }>;
  /** Other record sets written beside the tables (issues, changes), by name. */
  extra: Record<string, { count: number; bytes: number }>;
  note?: string;
}

export interface WriteCleanedOptions {
  /** Default: the folder's name (`data/clean/<snapshot-id>`). */
  id?: string;
  sourceSnapshot?: string;
  /** Record sets to keep beside the tables, e.g. `{ issues, changes }`, written as `<name>.jsonl`. */
  extra?: Record<string, readonly object[]>;
  note?: string;
}

/**
 * Writes a cleaned dataset (frames or records per table) to `dir`: `<table>.jsonl` in the
 * snapshot's record shape and a `manifest.json` written last, so a folder without one is
 * known to be unfinished. Rewriting a folder replaces what it held.
 */
export async function writeCleaned(dir: string, data: TableSource, opts: WriteCleanedOptions = {}): Promise<CleanManifest> {
  fs.mkdirSync(dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const old = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Partial<CleanManifest>;
    fs.rmSync(manifestFile);
    for (const name of [...Object.keys(old.tables ?? {}), ...Object.keys(old.extra ?? {})])
      fs.rmSync(path.join(dir, `${name}.jsonl`), { force: true });
  }
  const extraNames = Object.keys(opts.extra ?? {});
  const clash = extraNames.filter((n) => n in data || n === 'manifest');
  if (clash.length) throw new Error(`extra record sets must not share a table's name: ${clash.join(', ')}`);
  const manifest: CleanManifest = {
    format: CLEAN_FORMAT,
    id: opts.id ?? path.basename(path.resolve(dir)),
    source_snapshot: opts.sourceSnapshot ?? null,
    created_at: new Date().toISOString(),
    status: 'complete',
    tables: {},
    extra: {},
    ...(opts.note ? { note: opts.note } : {}),
  };
  for (const [table, t] of Object.entries(data)) {
    const records = framesToRecords({ [table]: t })[table];
    const columns = isFrame(t) ? frameSpec(table, t) : columnSpec(table, records);
    manifest.tables[table] = { count: records.length, bytes: await writeJsonl(path.join(dir, `${table}.jsonl`), records), columns };
  }
  for (const name of extraNames) {
    const rows = framesToRecords({ [name]: opts.extra![name] as readonly Row[] })[name];
    manifest.extra[name] = { count: rows.length, bytes: await writeJsonl(path.join(dir, `${name}.jsonl`), rows) };
  }
  const tmp = `${manifestFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2));
  fs.renameSync(tmp, manifestFile);
  return manifest;
}

export function readCleanManifest(dir: string): CleanManifest {
  const m = readJson<CleanManifest>(path.join(dir, 'manifest.json'), 'cleaned dataset');
  if (m.format !== CLEAN_FORMAT) throw new Error(`${dir} is not a cleaned dataset (format "${m.format}", expected "${CLEAN_FORMAT}")`);
  return m;
}

/** A cleaned dataset's tables as records. */
export async function loadCleanedRecords(dir: string, opts: Pick<LoadOptions, 'tables' | 'omit'> = {}): Promise<Tables> {
  const m = readCleanManifest(dir);
  const out: Tables = {};
  for (const t of chooseTables(dir, m, opts.tables)) out[t] = await readJsonl(path.join(dir, `${t}.jsonl`), { omit: opts.omit });
  return out;
}

/** A cleaned dataset as frames, each column with the kind it was written with. */
export async function loadCleaned(dir: string, opts: Omit<LoadOptions, 'allowIncomplete'> = {}): Promise<Frames> {
  const m = readCleanManifest(dir);
  const out: Frames = {};
  for (const t of chooseTables(dir, m, opts.tables)) {
    out[t] = toFrame(t, await readJsonl(path.join(dir, `${t}.jsonl`)), { problems: opts.problems, spec: m.tables[t].columns });
  }
  return out;
}

/** A record set written beside a cleaned dataset's tables (`extra` in writeCleaned). */
export async function loadCleanedExtra(dir: string, name: string): Promise<Row[]> {
  const m = readCleanManifest(dir);
  if (!m.extra[name]) throw new Error(`${dir} has no record set "${name}". It has: ${Object.keys(m.extra).join(', ') || 'none'}`);
  return readJsonl(path.join(dir, `${name}.jsonl`));
}
