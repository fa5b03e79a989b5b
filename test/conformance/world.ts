/**
 * The world the conformance suite checks entities in: a generated ISP without dirt, cleaned, and
 * migrated whole (every registered entity, through runMigration) into a Splynx sandbox over real
 * HTTP, with a real SQLite ledger. One network site is mapped to a location, so that both kinds of
 * site have records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cleanSnapshot } from '../../lib/clean/snapshot.js';
import { MAPPING_SPECS, type Row, type TransformContext } from '../../lib/entities/index.js';
import { Ledger } from '../../lib/ledger/index.js';
import { transformContext } from '../../lib/load/context.js';
import { runMigration, type RunReport } from '../../lib/load/run.js';
import { generateIsp } from '../../lib/sandbox/generator/index.js';
import { startSplynxSandbox, type SplynxSandbox } from '../../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../../lib/splynx/client.js';

export interface World {
  dir: string;
  splynx: SplynxSandbox;
  api: SplynxApi;
  ledger: Ledger;
  ledgerFile: string;
  mappingsDir: string;
  tables: Record<string, Row[]>;
  ctx: TransformContext;
  report: RunReport;
  close(): Promise<void>;
}

export async function migratedWorld(opts: { accounts: number; seed: number }): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  const key = `conformance-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const splynx = await startSplynxSandbox({ apiKey: key, apiSecret: secret });
  const api = new SplynxApi({ url: splynx.url, key, secret, retryBaseMs: 1 });
  const tables = cleanSnapshot(
    generateIsp({ accounts: opts.accounts, seed: opts.seed, dirtyRate: 0 }).tables as unknown as Record<string, Row[]>,
  ).tables;
  const mappingsDir = path.join(dir, 'mappings');
  fs.mkdirSync(mappingsDir, { recursive: true });
  // The analyst's decision for the first site; the proposal adds every other row.
  const site = tables.network_sites[0];
  fs.writeFileSync(
    path.join(mappingsDir, 'network-site.csv'),
    `sonar_id,sonar_value,splynx_value,reason,records\n${site.id},${site.name},location,a hub Splynx manages nothing at,0\n`,
  );
  const ledgerFile = path.join(dir, 'ledger.sqlite');
  const ledger = new Ledger(ledgerFile);
  const report = await runMigration(api, ledger, tables, {
    runId: 'conformance',
    runDir: path.join(dir, 'runs', 'conformance'),
    mappingsDir,
    secretsDir: path.join(dir, 'secrets'),
    timezone: 'UTC',
    stopOnError: false,
  });
  const ctx = transformContext({ tables, ledger, timezone: 'UTC', mappingsDir, mappingSpecs: MAPPING_SPECS });
  return {
    dir,
    splynx,
    api,
    ledger,
    ledgerFile,
    mappingsDir,
    tables,
    ctx,
    report,
    async close() {
      ledger.close();
      await splynx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
