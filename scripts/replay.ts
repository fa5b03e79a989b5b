/**
 * Runs notebooks headlessly, cell by cell, exactly as the tslab kernel would (see lib/replay).
 *
 *   npx tsx scripts/replay.ts notebooks/01-extract.ipynb [more.ipynb ...] [--param KEY=VALUE ...] [--run-id ID]
 *
 * Writes executed copies and a log to data/runs/<run-id>/. Stops at the first failing cell.
 * Exit code: 0 all cells ran, 1 a cell failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { runNotebooks } from '../lib/replay/cli.js';

const USAGE = 'usage: tsx scripts/replay.ts NOTEBOOK.ipynb [NOTEBOOK.ipynb ...] [--param KEY=VALUE ...] [--run-id ID]';

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { param: { type: 'string', multiple: true, short: 'p' }, 'run-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (e) {
  console.error(`replay: ${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (parsed.values.help || !parsed.positionals.length) {
  console.error(USAGE);
  process.exit(parsed.values.help ? 0 : 2);
}
process.exit(await runNotebooks(parsed.positionals, { params: parsed.values.param ?? [], runId: parsed.values['run-id'] }));
