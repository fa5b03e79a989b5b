/**
 * The load measurement: the whole migration (every phase) of a cleaned dataset into a fresh
 * Splynx sandbox that adds a fixed latency to every request, through the real loader, ledger and
 * client. Requests are counted by the sandbox, so retries and lookups count as they cost.
 *
 * The latency-bound ideal counts only the requests the migration needs: one write per record
 * created or changed, plus the listings that tell what Splynx already held (lib/load/listing.ts),
 * × latency ÷ concurrency: what the load would take if the only cost were waiting for Splynx on
 * those requests with every request slot always busy. Efficiency is that ideal over the wall
 * time; what is missing from 1 is every other request (set-up, searches, retries), our own
 * work, idle slots, and the network stack. `requests_per_record` is what each record cost.
 */
import path from 'node:path';
import { loadCleanedRecords } from '../frames/load.js';
import { Ledger } from '../ledger/index.js';
import { runMigration } from '../load/run.js';
import { SplynxApi } from '../splynx/client.js';
import { peakRssMb, round } from './measure.js';

export interface LoadArgs {
  label: string;
  cleanDir: string;
  url: string;
  key: string;
  secret: string;
  concurrency: number;
  latencyMs: number;
  workDir: string;
}

export interface LoadFigures {
  label: string;
  concurrency: number;
  pipeline: boolean;
  requests: number;
  /** Writes of records created or changed, plus the listings: what the ideal counts. */
  needed_requests: number;
  requests_per_record: number;
  wall_s: number;
  ideal_s: number;
  efficiency: number;
  /** Records created, updated or adopted in Splynx. */
  records: number;
  records_per_s: number;
  /** Rows in the run's error table (the generated ISP is clean, so this should be 0 or close). */
  errors: number;
  /** Error rows by entity and category, to see at once what went wrong. */
  errors_by: Record<string, number>;
  retries: number;
  http_429: number;
  peak_rss_mb: number;
}

export async function serverStats(url: string): Promise<{ requests: number; byStatus: Record<string, number> }> {
  const res = await fetch(`${url}/__sandbox/stats`);
  return (await res.json()) as { requests: number; byStatus: Record<string, number> };
}

export async function measureLoad(a: LoadArgs): Promise<LoadFigures> {
  const tables = await loadCleanedRecords(a.cleanDir);
  const api = new SplynxApi({ url: a.url, key: a.key, secret: a.secret, concurrency: a.concurrency });
  const ledger = new Ledger(path.join(a.workDir, 'ledger.sqlite'));
  const pipeline = a.concurrency > 1;
  const before = await serverStats(a.url);
  const started = performance.now();
  const report = await runMigration(api, ledger, tables, {
    runId: a.label,
    runDir: path.join(a.workDir, 'run'),
    mappingsDir: path.join(a.workDir, 'mappings'),
    secretsDir: path.join(a.workDir, 'secrets'),
    timezone: 'UTC',
    concurrency: a.concurrency,
    pipeline,
    stopOnError: false,
    secrets: [a.key, a.secret],
  });
  const wall = (performance.now() - started) / 1000;
  const after = await serverStats(a.url);
  ledger.close();
  const requests = after.requests - before.requests;
  const records = Object.values(report.entities).reduce((n, e) => n + e.created + e.updated + e.adopted, 0);
  const written = Object.values(report.entities).reduce((n, e) => n + e.created + e.updated, 0);
  const needed = written + (report.listing_requests ?? 0);
  const ideal = (needed * a.latencyMs) / 1000 / a.concurrency;
  return {
    label: a.label,
    concurrency: a.concurrency,
    pipeline,
    requests,
    needed_requests: needed,
    requests_per_record: round(requests / Math.max(records, 1), 3),
    wall_s: round(wall, 2),
    ideal_s: round(ideal, 2),
    efficiency: round(ideal / wall, 3),
    records,
    records_per_s: round(records / wall, 1),
    errors: report.errors.length,
    errors_by: report.errors.reduce<Record<string, number>>((by, e) => {
      const k = `${e.entity} ${e.category}: ${e.message.slice(0, 80)}`;
      return ((by[k] = (by[k] ?? 0) + 1), by);
    }, {}),
    retries: api.stats.retries,
    http_429: (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0),
    peak_rss_mb: peakRssMb(),
  };
}
