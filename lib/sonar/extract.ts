/**
 * The extract step as notebook 01 runs it: the notebook's parameters (plain strings, so the
 * replay can set them from a command line) checked and turned into a snapshot run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config.js';
import { dataPath } from '../paths.js';
import { SonarClient } from './client.js';
import { SNAPSHOT_TABLES, type SnapshotTable } from './queries.js';
import {
  newSnapshotId,
  readManifest,
  takeSnapshot,
  type AccountSelection,
  type SnapshotManifest,
  type SnapshotOptions,
} from './snapshot.js';

export interface ExtractParams {
  snapshotId?: string;
  since?: string;
  accounts?: string;
  statuses?: string;
  activatedFrom?: string;
  activatedTo?: string;
  limit?: number;
  tables?: string;
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function sonarClient(settings: Settings): SonarClient {
  return new SonarClient({
    url: settings.SONAR_URL,
    token: settings.SONAR_API_KEY,
    concurrency: settings.SONAR_CONCURRENCY,
    ratePerMinute: settings.SONAR_RATE_LIMIT_PER_MINUTE,
    recordsPerPage: settings.SONAR_RECORDS_PER_PAGE,
    timeoutMs: settings.REQUEST_TIMEOUT_MS,
    maxRetries: settings.MAX_RETRIES,
    retryBaseMs: settings.RETRY_BASE_MS,
  });
}

export const snapshotsRoot = (settings: Settings) => dataPath(settings.DATA_DIR, 'snapshots');

/** Checks the parameters before any request is made, naming the one that is wrong. */
export function selectionFromParams(p: ExtractParams): { selection?: AccountSelection; tables?: SnapshotTable[] } {
  const ids = list(p.accounts);
  const bad = ids.find((id) => !/^\d+$/.test(id));
  if (bad) throw new Error(`accounts: "${bad}" is not an account id`);
  for (const [name, v] of [
    ['activatedFrom', p.activatedFrom],
    ['activatedTo', p.activatedTo],
  ] as const) {
    if (v && !DATE.test(v)) throw new Error(`${name} must be YYYY-MM-DD, got "${v}"`);
  }
  if (p.limit !== undefined && (!Number.isInteger(p.limit) || p.limit < 0))
    throw new Error(`limit must be a whole number (0 for none), got ${p.limit}`);
  const tables = list(p.tables);
  const unknown = tables.filter((t) => !(SNAPSHOT_TABLES as string[]).includes(t));
  if (unknown.length) throw new Error(`tables: unknown ${unknown.join(', ')}. Known: ${SNAPSHOT_TABLES.join(', ')}`);
  const selection: AccountSelection = {
    ...(ids.length ? { accountIds: ids } : {}),
    ...(list(p.statuses).length ? { statuses: list(p.statuses) } : {}),
    ...(p.activatedFrom ? { activatedFrom: p.activatedFrom } : {}),
    ...(p.activatedTo ? { activatedTo: p.activatedTo } : {}),
    ...(p.limit ? { limit: p.limit } : {}),
  };
  return {
    selection: Object.keys(selection).length ? selection : undefined,
    tables: tables.length ? (tables as SnapshotTable[]) : undefined,
  };
}

export async function extract(
  settings: Settings,
  p: ExtractParams,
  onProgress?: SnapshotOptions['onProgress'],
): Promise<{ dir: string; manifest: SnapshotManifest }> {
  const { selection, tables } = selectionFromParams(p);
  const root = snapshotsRoot(settings);
  if (p.since && !fs.existsSync(path.join(root, p.since, 'manifest.json'))) throw new Error(`since: no snapshot "${p.since}" in ${root}`);
  const id = p.snapshotId || newSnapshotId();
  const manifest = await takeSnapshot({
    client: sonarClient(settings),
    sonarUrl: settings.SONAR_URL,
    root,
    id,
    since: p.since || undefined,
    selection,
    tables,
    onProgress,
  });
  return { dir: path.join(root, id), manifest };
}

/** The newest complete snapshot, or the one named. */
export function findSnapshot(settings: Settings, id?: string): { dir: string; manifest: SnapshotManifest } {
  const root = snapshotsRoot(settings);
  if (id) return { dir: path.join(root, id), manifest: readManifest(path.join(root, id)) };
  const complete = (fs.existsSync(root) ? fs.readdirSync(root) : [])
    .filter((d) => fs.existsSync(path.join(root, d, 'manifest.json')))
    .map((d) => ({ dir: path.join(root, d), manifest: readManifest(path.join(root, d)) }))
    .filter((s) => s.manifest.status === 'complete')
    .sort((a, b) => a.manifest.started_at.localeCompare(b.manifest.started_at));
  if (!complete.length)
    throw new Error(
      `No complete snapshot in ${root}: take one with migrate.ts snapshot (notebook 01), or run the whole workbook with migrate.ts rehearse`,
    );
  return complete[complete.length - 1];
}

/** One row per table, for the counts table the analyst compares with Sonar. */
export function snapshotCounts(m: SnapshotManifest) {
  return Object.entries(m.tables).map(([table, t]) => ({
    table,
    records: t.count,
    pages: t.units_done,
    seconds: Math.round(t.ms / 100) / 10,
    high_water_mark: t.high_water_mark ?? '',
    status: t.status,
    // Incremental snapshots only: ids the earlier snapshots hold and Sonar no longer has.
    ...(m.deleted ? { deleted: m.deleted[table]?.length ?? '' } : {}),
  }));
}
