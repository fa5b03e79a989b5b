/**
 * Proof under failure: the migration under crashes, faults and dirty data, and a search of
 * everything it wrote for the credentials it used. One line per scenario:
 *
 *   scenario      records  duplicates  missing  crashes survived
 *
 * and the same as JSON in `data/chaos/<id>/chaos.json` (git-ignored), beside each scenario's data
 * folder (ledger, run folders with executed notebooks, reports, error tables, logs).
 *
 *   npx tsx scripts/chaos.ts [--scenarios crash-resume,faults,dirty,secrets] [--accounts 1000]
 *                            [--kills 20] [--faults-accounts N] [--dirty-accounts N] [--seed S]
 *
 * --faults-accounts and --dirty-accounts default to --accounts.
 *
 * Exit code 0 when every scenario holds, 1 otherwise, 2 on bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../lib/build.js';
import { formatLine, HEADER, runChaos, SCENARIOS, type ChaosOptions } from '../lib/chaos/index.js';
import { projectPath } from '../lib/paths.js';
import { newRunId } from '../lib/run-id.js';

const USAGE =
  'usage: tsx scripts/chaos.ts [--scenarios crash-resume,faults,dirty,secrets] [--accounts N] [--kills N] [--faults-accounts N] [--dirty-accounts N] [--seed S]';

function main(): Promise<number> | number {
  let v;
  try {
    v = parseArgs({
      options: {
        scenarios: { type: 'string' },
        accounts: { type: 'string' },
        kills: { type: 'string' },
        'faults-accounts': { type: 'string' },
        'dirty-accounts': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    console.error(`chaos: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (name: string, s: string | undefined, def: number, min: number) => {
    const n = s === undefined ? def : Number(s);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return n;
  };
  let opts: ChaosOptions;
  try {
    const scenarios = (v.scenarios ?? SCENARIOS.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = scenarios.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
    if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; scenarios are ${SCENARIOS.join(', ')}`);
    opts = {
      dir: projectPath('data', 'chaos', newRunId()),
      scenarios: scenarios as ChaosOptions['scenarios'],
      accounts: num('accounts', v.accounts, 1000, 1),
      // The other scenarios default to the same ISP size.
      kills: num('kills', v.kills, 20, 0),
      faultsAccounts: 0,
      dirtyAccounts: 0,
      seed: num('seed', v.seed, 5, 0),
    };
    opts.faultsAccounts = num('faults-accounts', v['faults-accounts'], opts.accounts, 1);
    opts.dirtyAccounts = num('dirty-accounts', v['dirty-accounts'], opts.accounts, 1);
  } catch (e) {
    console.error(`chaos: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  return run(opts);
}

async function run(opts: ChaosOptions): Promise<number> {
  // The children replay notebooks that import dist/lib: build it once here, not in every child.
  ensureBuilt();
  fs.mkdirSync(opts.dir, { recursive: true });
  console.error(`chaos: data in ${path.relative(process.cwd(), opts.dir)}`);
  console.log(HEADER);
  const results = await runChaos({ ...opts, log: (l) => console.error(l), onResult: (r) => console.log(formatLine(r)) });
  for (const r of results) if (!r.ok) console.error(`chaos: ${r.scenario} failed:\n  ${r.problems.slice(0, 10).join('\n  ')}`);
  console.error(`chaos: ${path.join(opts.dir, 'chaos.json')}`);
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exit(await main());
