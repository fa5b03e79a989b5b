/**
 * The CPU-only path: everything between a snapshot on disk and a filled ledger, with the network
 * taken out. Timed steps, in one process whose peak RSS is reported:
 *
 *   read     the snapshot's `<table>.jsonl` into plain arrays of records (the load's "frames":
 *            danfo is for exploring in notebook 02, the load works on plain arrays), without
 *            the bookkeeping fields no transform reads (UNUSED_BY_LOAD), as the load notebooks read
 *   clean    cleanSnapshot: names, e-mails, phones to E.164, addresses cut to Splynx's lengths
 *   load     runMigration over every phase: select, transform, validate (zod), hash, and the
 *            exactly-once ledger protocol (pending mark on disk, create, record the id), with
 *            `instantSplynx` standing in for the network
 *
 * Accounts per second counts the accounts of the snapshot over the three steps together; every
 * member record (services, invoices, tickets, …) goes through the same path.
 */
import path from 'node:path';
import { cleanSnapshot } from '../clean/snapshot.js';
import { loadRecords, UNUSED_BY_LOAD } from '../frames/load.js';
import { Ledger } from '../ledger/index.js';
import { runMigration } from '../load/run.js';
import type { SplynxApi } from '../splynx/client.js';
import { lap, peakRssMb, round } from './measure.js';

export interface CpuArgs {
  snapshotDir: string;
  accounts: number;
  workDir: string;
  concurrency: number;
}

export interface CpuFigures {
  accounts: number;
  /** Source records in the snapshot (every table). */
  snapshot_records: number;
  /** Records the loader took through transform, validation and the ledger. */
  loaded_records: number;
  errors: number;
  seconds: { read: number; clean: number; load: number; total: number };
  accounts_per_s: number;
  records_per_s: number;
  peak_rss_mb: number;
}

/**
 * Splynx as an empty instance that accepts everything at once: lookups find nothing, creates
 * answer the next id. It has the client's public surface, so the loader runs unchanged. For
 * measuring our own work only; the tests use the real sandbox over HTTP.
 */
export function instantSplynx(): SplynxApi {
  let next = 1;
  const stats = { requests: 0, retries: 0, rateLimited: 0, tokenRenewals: 0 };
  const counted = <T>(value: T) => {
    stats.requests++;
    return Promise.resolve(value);
  };
  const api = {
    stats,
    get: () => counted([]),
    count: () => counted(0),
    options: () => counted({}),
    create: () => counted({ id: String(next++) }),
    update: () => counted(undefined),
    remove: () => counted(undefined),
    check: () => counted({ status: 'ok', message: 'instant' }),
    tokenPermissions: () => counted(null),
  };
  return api as unknown as SplynxApi;
}

export async function measureCpuPath(a: CpuArgs): Promise<CpuFigures> {
  const t0 = performance.now();
  let raw: Record<string, Array<Record<string, unknown>>> | null = await loadRecords(a.snapshotDir, { omit: UNUSED_BY_LOAD });
  const [read, t1] = lap(t0);
  const snapshotRecords = Object.values(raw).reduce((n, rows) => n + rows.length, 0);
  const tables = cleanSnapshot(raw).tables;
  raw = null; // the cleaned copy is all the load needs; let the raw records go
  const [clean, t2] = lap(t1);
  const ledger = new Ledger(path.join(a.workDir, 'ledger.sqlite'));
  const report = await runMigration(instantSplynx(), ledger, tables, {
    runId: 'cpu',
    runDir: path.join(a.workDir, 'run'),
    mappingsDir: path.join(a.workDir, 'mappings'),
    secretsDir: path.join(a.workDir, 'secrets'),
    timezone: 'UTC',
    concurrency: a.concurrency,
    stopOnError: false,
  });
  const [load] = lap(t2);
  ledger.close();
  const total = read + clean + load;
  const loaded = Object.values(report.entities).reduce((n, e) => n + e.selected, 0);
  return {
    accounts: a.accounts,
    snapshot_records: snapshotRecords,
    loaded_records: loaded,
    errors: report.errors.length,
    seconds: { read: round(read, 2), clean: round(clean, 2), load: round(load, 2), total: round(total, 2) },
    accounts_per_s: Math.round(a.accounts / total),
    records_per_s: Math.round(loaded / total),
    peak_rss_mb: peakRssMb(),
  };
}
