/**
 * `migrate.ts snapshot [options]`: notebooks/00-setup and 01-extract, with the command's flags as
 * the extract notebook's parameters.
 */
import { parseArgs } from 'node:util';
import { usage } from '../cli/usage.js';
import { projectPath } from '../paths.js';
import { runNotebooks } from '../replay/cli.js';

const notebook = (name: string) => projectPath('notebooks', name);

const SNAPSHOT_FLAGS = {
  'snapshot-id': 'snapshotId',
  since: 'since',
  accounts: 'accounts',
  statuses: 'statuses',
  'activated-from': 'activatedFrom',
  'activated-to': 'activatedTo',
  limit: 'limit',
  tables: 'tables',
} as const;

export async function snapshotCommand(rest: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: Object.fromEntries(Object.keys(SNAPSHOT_FLAGS).map((f) => [f, { type: 'string' as const }])),
    }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  const params = Object.entries(values).map(([flag, v]) => `${SNAPSHOT_FLAGS[flag as keyof typeof SNAPSHOT_FLAGS]}=${v}`);
  return runNotebooks([notebook('00-setup.ipynb'), notebook('01-extract.ipynb')], { params });
}
