/**
 * The migration's command line, for cutover and CI. Every command that does migration work is a
 * thin front end over the replay: it runs the analyst's own notebooks, so the headless path
 * cannot drift from the interactive one.
 *
 *   npx tsx scripts/migrate.ts check
 *   npx tsx scripts/migrate.ts snapshot [--snapshot-id ID] [--since ID] [--accounts 1,2] [--statuses A,B] …
 *   npx tsx scripts/migrate.ts single --customer-id ID [options]
 *   npx tsx scripts/migrate.ts batch --customer-ids "1,2,3" [options]
 *   npx tsx scripts/migrate.ts all [--status S] [--active-only|--include-inactive] [--limit N] [options]
 *   npx tsx scripts/migrate.ts delta --since SNAPSHOT_ID [load options]
 *   npx tsx scripts/migrate.ts register-external --entity E --sonar-id S --splynx-id T
 *   npx tsx scripts/migrate.ts verify [--sample N] [--seed S] [--snapshot-id ID] [--entities a,b]
 *   npx tsx scripts/migrate.ts rollback [--run RUN_ID] [--entity E] [--dry-run]
 *   npx tsx scripts/migrate.ts backup [--help for its options]
 */
import { parseArgs } from 'node:util';
import { loadCommand, registerExternalCommand, USAGE } from '../lib/load/commands.js';
import { projectPath } from '../lib/paths.js';
import { runNotebooks } from '../lib/replay/cli.js';

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

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      if (rest.length) return usage(`check takes no options, got ${rest.join(' ')}`);
      return runNotebooks([notebook('00-setup.ipynb')]);
    case 'snapshot': {
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
    case 'single':
    case 'batch':
    case 'all':
      return loadCommand(command, rest);
    case 'delta': {
      const { deltaCommand } = await import('../lib/load/delta.js');
      return deltaCommand(rest);
    }
    case 'register-external':
      return registerExternalCommand(rest);
    case 'verify': {
      const { verifyCommand } = await import('../lib/verify/command.js');
      return verifyCommand(rest);
    }
    case 'rollback': {
      const { rollbackCommand } = await import('../lib/rollback/command.js');
      return rollbackCommand(rest, usage);
    }
    case 'backup': {
      const { backupCommand } = await import('../lib/backup/command.js');
      return backupCommand(rest);
    }
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command ? 0 : 2;
    default:
      return usage(`unknown command "${command}"`);
  }
}

function usage(message: string): number {
  console.error(`migrate: ${message}\n${USAGE}`);
  return 2;
}

process.exit(await main(process.argv.slice(2)));
