/**
 * `migrate.ts explain --table accounts --id 123 [--snapshot-id ID]`: one record's journey from the
 * snapshot to what Splynx holds now (lib/explain). Exit code 0, 1 when the record cannot be found
 * or read, 2 for bad usage.
 */
import { parseArgs } from 'node:util';
import { loadSettings } from '../config.js';
import { usage } from '../cli/usage.js';
import { explainRecord, explanationText } from './index.js';

export async function explainCommand(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args, options: { table: { type: 'string' }, id: { type: 'string' }, 'snapshot-id': { type: 'string' } } }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  if (!v.table || !v.id) return usage('explain needs --table T --id ID (a Sonar table and a record id in it)');
  try {
    const x = await explainRecord(loadSettings(), { table: v.table, id: v.id, snapshotId: v['snapshot-id'] });
    console.log(explanationText(x));
    return 0;
  } catch (e) {
    console.error(`migrate: ${(e as Error).message}`);
    return 1;
  }
}
