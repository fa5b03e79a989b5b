/**
 * One chaos scenario's world: a generated ISP in a local Sonar, a fresh Splynx, a data folder of
 * its own, and the environment the headless commands read (as `.env` would give them). The
 * sandboxes run in this process, so faults can be switched on and off around the parts under test,
 * and everything the children write lands in the data folder, where the checks and the secrets
 * scan look.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCleanedRecords } from '../frames/load.js';
import { Ledger } from '../ledger/index.js';
import { transformContext } from '../load/context.js';
import type { RunReport } from '../load/run.js';
import { MAPPING_SPECS, type Row } from '../entities/index.js';
import { NO_FAULTS, parseFaultSpec } from '../sandbox/faults.js';
import { startSandboxes, type Sandboxes } from '../sandbox/index.js';
import { SplynxApi } from '../splynx/client.js';
import { runChild, startChild, type Child, type ChildResult } from './child.js';
import { checkExactlyOnce, takeBaseline, type Baseline, type ExactlyOnceResult } from './exactly-once.js';

export interface WorldOptions {
  /** The scenario's data folder (DATA_DIR of every command). */
  dataDir: string;
  accounts: number;
  seed?: number;
  dirtyRate?: number;
  /** Settings for the children beyond the connection (timeouts, retries, auth method). */
  settings?: Record<string, string>;
}

export interface World {
  name: string;
  sb: Sandboxes;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** A client for checks, with no faults in its way (checks run with faults off). */
  api: SplynxApi;
  baseline: Baseline;
  /** Output of every child, appended. */
  log: string;
  /** `node --import tsx scripts/<script> …` in this world, to the end. */
  run(script: string, args: string[]): Promise<ChildResult>;
  start(script: string, args: string[]): Child;
  /** Faults on both sandboxes (a spec as in lib/sandbox/faults.ts), or none. */
  faults(spec: string | null): void;
  /** Snapshot (migrate.ts snapshot), clean and map (notebooks 02 and 03), as cutover does. */
  prepare(): Promise<void>;
  cleanedDir(): string;
  ledgerFile(): string;
  /** The exactly-once check against the error table of the run in `runDir`. */
  check(runDir: string): Promise<ExactlyOnceResult & { report: RunReport }>;
  close(): Promise<void>;
}

export async function createWorld(name: string, opts: WorldOptions): Promise<World> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const sb = await startSandboxes({ accounts: opts.accounts, seed: opts.seed ?? 1, dirtyRate: opts.dirtyRate ?? 0 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...sb.settings,
    DATA_DIR: opts.dataDir,
    SPLYNX_AUTH: 'signature',
    ...opts.settings,
  };
  const api = new SplynxApi({
    url: sb.splynx.url,
    key: sb.settings.SPLYNX_API_KEY,
    secret: sb.settings.SPLYNX_API_SECRET,
    retryBaseMs: 50,
  });
  const log = path.join(opts.dataDir, 'logs', `${name}.log`);
  const world: World = {
    name,
    sb,
    dataDir: opts.dataDir,
    env,
    api,
    baseline: await takeBaseline(api),
    log,
    run: (script, args) => runChild(script, args, { env, log }),
    start: (script, args) => startChild(script, args, { env, log }),
    faults(spec) {
      sb.sonar.faults.set(spec ? parseFaultSpec(spec, 'sonar') : NO_FAULTS);
      sb.splynx.faults.set(spec ? parseFaultSpec(spec, 'splynx') : NO_FAULTS);
    },
    async prepare() {
      const snap = await world.run('migrate.ts', ['snapshot']);
      if (snap.code !== 0) throw new Error(`${name}: the snapshot failed (exit ${snap.code ?? snap.signal}); see ${log}`);
      const clean = await world.run('replay.ts', ['notebooks/02-explore-clean.ipynb', 'notebooks/03-map.ipynb']);
      if (clean.code !== 0) throw new Error(`${name}: cleaning or mapping failed (exit ${clean.code ?? clean.signal}); see ${log}`);
    },
    cleanedDir() {
      const root = path.join(opts.dataDir, 'clean');
      const ids = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
      if (!ids.length) throw new Error(`${name}: nothing cleaned yet in ${root}`);
      return path.join(root, ids[ids.length - 1]);
    },
    ledgerFile: () => path.join(opts.dataDir, 'ledger.sqlite'),
    async check(runDir) {
      const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
      const tables = (await loadCleanedRecords(world.cleanedDir())) as Record<string, Row[]>;
      const ledger = new Ledger(world.ledgerFile());
      try {
        const ctx = transformContext({
          tables,
          ledger,
          timezone: 'UTC',
          mappingsDir: path.join(opts.dataDir, 'mappings'),
          mappingSpecs: MAPPING_SPECS,
        });
        const result = await checkExactlyOnce({ api, ledger, tables, ctx, baseline: world.baseline, errors: report.errors });
        return { ...result, report };
      } finally {
        ledger.close();
      }
    },
    close: () => sb.close(),
  };
  return world;
}
