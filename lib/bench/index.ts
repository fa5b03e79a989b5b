/**
 * `npm run bench`: how close the migration comes to its physical bounds, measured, not assumed.
 *
 *   load      the whole migration of a generated ISP into a fresh Splynx sandbox that adds a fixed
 *             latency per request: the sequential baseline (concurrency 1, entities one after
 *             another, the seed tool's way) and ours (the configured concurrency, pipelined), on
 *             the same cleaned data, each against a sandbox of its own
 *   extract   a whole snapshot under Sonar's 400 requests/min (extract.ts)
 *   cpu       snapshot → records → clean → transform → validate → ledger without the network, at
 *             each size asked for (cpu.ts)
 *   cutover   the downtime window: a rehearsed ISP, 1% of it changed in Sonar, the cutover at
 *             50 ms a request and 400/min, each part against its bound (cutover.ts)
 *   rehearse  with --rehearse-100k: the product path at scale, wall time and every process's
 *             peak RSS (rehearse.ts)
 *
 * Every measurement runs in a child process of its own (child.ts), so each peak RSS is its own.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../paths.js';
import { newSnapshotId } from '../sonar/snapshot.js';
import { runTask, startTaskServer } from './child.js';
import type { CpuFigures } from './cpu.js';
import type { CutoverFigures } from './cutover.js';
import type { RehearseFigures } from './rehearse.js';
import type { PreparedData } from './datasets.js';
import type { ExtractFigures } from './extract.js';
import type { LoadFigures } from './load.js';
import type { BenchOptions } from './options.js';
import { machine, targets, type BenchResult } from './report.js';

export { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './options.js';
export { renderReport, type BenchResult } from './report.js';

export async function runBench(
  opts: BenchOptions,
  log: (line: string) => void = (l) => console.error(l),
): Promise<{ result: BenchResult; file: string }> {
  const started = new Date();
  const host = machine();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const load: BenchResult['load'] = { baseline: null, ours: null };
    if (!opts.skipLoad) {
      const data = await runTask<PreparedData>('prepare-cleaned', {
        accounts: opts.accounts,
        seed: opts.seed,
        dir: path.join(work, 'clean'),
      });
      log(`bench: ${opts.accounts} accounts generated and cleaned (${data.records} records); ${opts.latencyMs} ms a request`);
      const loadRun = async (label: string, concurrency: number) => {
        log(`bench: load, ${label} (concurrency ${concurrency}) …`);
        const key = randomBytes(8).toString('hex');
        const secret = randomBytes(16).toString('hex');
        const server = await startTaskServer<{ url: string }>('splynx', { key, secret, latencyMs: opts.latencyMs });
        try {
          const figures = await runTask<LoadFigures>('load', {
            label,
            cleanDir: data.dir,
            url: server.info.url,
            key,
            secret,
            concurrency,
            latencyMs: opts.latencyMs,
            workDir: path.join(work, label),
          });
          log(`bench: load, ${label}: ${figures.requests} requests in ${figures.wall_s} s (efficiency ${figures.efficiency})`);
          return figures;
        } finally {
          await server.stop();
        }
      };
      if (!opts.skipBaseline) load.baseline = await loadRun('baseline', 1);
      load.ours = await loadRun('ours', opts.concurrency);
    }

    let extract: ExtractFigures | null = null;
    if (!opts.skipExtract) {
      log(`bench: extraction of ${opts.extractAccounts} accounts under 400 requests/min (about a minute and a half) …`);
      extract = await runTask<ExtractFigures>('extract', {
        accounts: opts.extractAccounts,
        seed: opts.seed,
        latencyMs: opts.latencyMs,
        workDir: path.join(work, 'extract'),
      });
    }

    const cpu: Record<string, CpuFigures> = {};
    if (!opts.skipCpu) {
      for (const accounts of opts.cpuAccounts) {
        const dir = path.join(work, `snapshot-${accounts}`);
        log(`bench: CPU-only path at ${accounts} accounts (generating the snapshot first) …`);
        await runTask<PreparedData>('prepare-snapshot', { accounts, seed: opts.seed, dir });
        cpu[String(accounts)] = await runTask<CpuFigures>('cpu', {
          snapshotDir: dir,
          accounts,
          workDir: path.join(work, `cpu-${accounts}`),
          concurrency: opts.concurrency,
        });
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    let cutover: CutoverFigures | null = null;
    if (opts.cutoverAccounts > 0) {
      log(`bench: cutover of ${opts.cutoverAccounts} accounts, 1% changed (the rehearsal first) …`);
      cutover = await runTask<CutoverFigures>('cutover', {
        accounts: opts.cutoverAccounts,
        seed: opts.seed,
        changeRate: 0.01,
        latencyMs: opts.latencyMs,
        concurrency: opts.concurrency,
        sonarPerMinute: 400,
        workDir: path.join(work, 'cutover'),
      });
    }

    let rehearse: RehearseFigures | null = null;
    if (opts.rehearseAccounts) {
      log(`bench: product-path rehearsal of ${opts.rehearseAccounts} accounts …`);
      rehearse = await runTask<RehearseFigures>('rehearse', {
        accounts: opts.rehearseAccounts,
        seed: opts.seed,
        workDir: path.join(work, 'rehearse'),
      });
    }

    const largest = Object.values(cpu).sort((a, b) => b.accounts - a.accounts)[0];
    const ours = load.ours;
    const partial: Omit<BenchResult, 'targets'> = {
      timestamp: started.toISOString(),
      machine: host,
      options: opts,
      efficiency: ours?.efficiency ?? null,
      speedup: ours && load.baseline ? Number((load.baseline.wall_s / ours.wall_s).toFixed(2)) : null,
      requests: ours?.requests ?? null,
      wall_s: ours?.wall_s ?? null,
      ideal_s: ours?.ideal_s ?? null,
      records_per_s: ours?.records_per_s ?? null,
      peak_rss_mb: ours?.peak_rss_mb ?? null,
      extract_budget_used: extract?.budget_used ?? null,
      extract_429s: extract?.http_429 ?? null,
      cpu_accounts_per_s: largest?.accounts_per_s ?? null,
      cpu_peak_rss_mb: largest?.peak_rss_mb ?? null,
      cutover_wall_s: cutover?.wall_s ?? null,
      cutover_bound_s: cutover?.bound_s ?? null,
      rehearse_100k_wall_s: rehearse?.wall_s ?? null,
      rehearse_100k_peak_rss_mb: rehearse?.peak_rss_mb ?? null,
      load,
      extract,
      cpu,
      cutover,
      rehearse,
    };
    const result: BenchResult = { ...partial, targets: targets(partial) };
    const outDir = opts.outDir ? path.resolve(opts.outDir) : projectPath('data', 'bench');
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${newSnapshotId(started)}.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    return { result, file };
  } finally {
    // BENCH_KEEP=1 keeps the worlds' data folders (run folders, snapshots, ledgers) to look at afterwards.
    if (process.env.BENCH_KEEP) log(`bench: work folder kept: ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}
