/**
 * `migrate.ts clean` and `migrate.ts map`: thin front ends over notebooks 02 and 03, as `check`
 * and `snapshot` are over 00 and 01. The flags are the notebooks' parameters.
 */
import { parseArgs } from 'node:util';
import { projectPath } from '../paths.js';
import { runNotebooks } from '../replay/cli.js';
import { usage } from './usage.js';

const notebook = (name: string) => projectPath('notebooks', name);

/** `clean [--snapshot-id ID] [--default-country CC]`: notebooks/02-explore-clean. */
export async function cleanCommand(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args, options: { 'snapshot-id': { type: 'string' }, 'default-country': { type: 'string' } } }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  if (v['default-country'] !== undefined && !/^[A-Z]{2}$/.test(v['default-country']))
    return usage(`--default-country must be a two-letter region code (US, GB, …), got "${v['default-country']}"`);
  const params = [
    ...(v['snapshot-id'] ? [`snapshotId=${v['snapshot-id']}`] : []),
    ...(v['default-country'] ? [`defaultCountry=${v['default-country']}`] : []),
  ];
  return runNotebooks([notebook('02-explore-clean.ipynb')], { params });
}

/** `map [--snapshot-id ID]`: notebooks/03-map, the mapping tables proposed and a dry run of every phase. */
export async function mapCommand(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args, options: { 'snapshot-id': { type: 'string' } } }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  return runNotebooks([notebook('03-map.ipynb')], { params: v['snapshot-id'] ? [`snapshotId=${v['snapshot-id']}`] : [] });
}
