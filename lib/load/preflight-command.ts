/**
 * The preflight of a load command (single, batch, all, delta) over every phase it will replay,
 * before the first notebook writes anything: the notebooks each load their own phases, so a
 * key that may not add invoices would otherwise see the foundation notebook load partners and
 * tariffs before the customers notebook finds out. A refused run gets its report and error table
 * (the missing permissions as `authentication` rows) like any other run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { loadSettings } from '../config.js';
import type { Phase } from '../entities/index.js';
import { preflightLoad } from './preflight.js';
import { ERROR_COLUMNS, plan, withErrorIds, type RunReport } from './run.js';
import { RUN_LOG, RunLog } from './run-log.js';
import { splynxApi } from './session.js';

/** False when the run must not start: its report is written to `runDir` and says why. */
export async function preflightReplay(
  runId: string,
  runDir: string,
  inv: { phases: string[]; params: string[]; customerParams: string[] },
): Promise<boolean> {
  const flag = (name: string) => inv.params.includes(`${name}=true`);
  // A dry run writes nothing: its notebooks report what is missing in their own error tables.
  if (flag('dryRun')) return true;
  let settings;
  try {
    settings = loadSettings();
  } catch {
    return true; // the first notebook names the bad setting
  }
  const entities = plan({
    phases: inv.phases as Phase[],
    includeDependencies: flag('includeDependencies'),
    includeMembers: flag('includeMembers'),
    accountIds: inv.customerParams.some((p) => p.startsWith('accounts=')) ? ['selected'] : undefined,
  });
  const started = new Date().toISOString();
  let rows;
  try {
    rows = await preflightLoad(splynxApi(settings), entities);
  } catch {
    return true; // unreachable or refused credentials: the connection check in the notebooks says so in full
  }
  if (!rows.length) return true;
  const report: RunReport = {
    run_id: runId,
    dry_run: false,
    phases: inv.phases as Phase[],
    started_at: started,
    finished_at: new Date().toISOString(),
    stopped: true,
    entities: {},
    errors: withErrorIds(rows),
  };
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'report.json'), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(runDir, 'errors.csv'), stringify(report.errors, { header: true, columns: [...ERROR_COLUMNS] }));
  const log = new RunLog(path.join(runDir, RUN_LOG), runId, (s) => s);
  log.errorRows(rows);
  log.close();
  for (const r of rows) console.error(`migrate: ${r.message}`);
  console.error('migrate: nothing was written to Splynx; grant the permissions above to the API key, then run the same command again.');
  return false;
}
