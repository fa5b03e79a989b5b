/**
 * `scripts/migrate.ts rollback [--run RUN_ID] [--entity E] [--dry-run]`: the rollback from the
 * command line. Prints a table per entity, the errors, and the run folder last; exit code 0 when
 * everything selected is gone (or, dry, would go), 1 when something is left, 2 on bad usage.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSettings, secretValues } from '../config.js';
import { renderText } from '../frames/show.js';
import { Ledger } from '../ledger/index.js';
import { ledgerPath, splynxApi } from '../load/session.js';
import { dataPath } from '../paths.js';
import { claimRunFolder, errorCounts } from '../cli/run-folder.js';
import { usage } from '../cli/usage.js';
import { rollback, rollbackSummary } from './index.js';

export async function rollbackCommand(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args, options: { run: { type: 'string' }, entity: { type: 'string' }, 'dry-run': { type: 'boolean' } } }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  let settings;
  try {
    settings = loadSettings();
  } catch (e) {
    console.error(`migrate: ${(e as Error).message}`);
    return 2;
  }
  // Two commands in the same second must not share a run folder.
  const { runId, runDir } = claimRunFolder(dataPath(settings.DATA_DIR, 'runs'));
  const ledger = new Ledger(ledgerPath(settings));
  try {
    const dryRun = !!v['dry-run'];
    const what = `${v.entity ? `${v.entity} and what depends on it` : 'every record'}, created by ${v.run ? `run ${v.run}` : 'any run'}`;
    console.log(dryRun ? `Dry run: what a rollback would delete (${what}); nothing is deleted.` : `Rolling back ${what}.`);
    const report = await rollback(splynxApi(settings), ledger, {
      runId,
      runDir,
      run: v.run,
      entity: v.entity,
      dryRun,
      concurrency: settings.SPLYNX_CONCURRENCY,
      secrets: secretValues(settings),
    });
    if (report.selection.entities) console.log(`Entities, dependants first: ${[...report.selection.entities].reverse().join(', ')}`);
    const rows = rollbackSummary(report);
    console.log(
      rows.length ? renderText(rows, { title: `${dryRun ? 'Dry run' : 'Rollback'} ${runId}`, maxRows: 0 }) : 'Nothing to roll back.',
    );
    if (report.errors.length) {
      console.log(`${report.errors.length} errors (${errorCounts(report.errors)}): see errors.csv; run rollback again after fixing them.`);
      for (const e of report.errors.slice(0, 5)) console.log(`  ${e.message}\n    → ${e.suggestion}`);
    } else console.log('No errors.');
    console.log(runDir);
    return report.errors.length ? 1 : 0;
  } catch (e) {
    console.error(`migrate: ${(e as Error).message}`);
    console.log(runDir);
    return 1;
  } finally {
    ledger.close();
  }
}
