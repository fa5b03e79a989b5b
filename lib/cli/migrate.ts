/**
 * The migration's command line (`scripts/migrate.ts`): one verb, one area's `command.ts`.
 */
import { loadCommand, registerExternalCommand } from '../load/command.js';
import { snapshotCommand } from '../sonar/command.js';
import { usage, USAGE } from './usage.js';
import { projectPath } from '../paths.js';
import { runNotebooks } from '../replay/cli.js';

const notebook = (name: string) => projectPath('notebooks', name);

export async function migrate(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      if (rest.length) return usage(`check takes no options, got ${rest.join(' ')}`);
      return runNotebooks([notebook('00-setup.ipynb')]);
    case 'snapshot':
      return snapshotCommand(rest);
    case 'clean':
      return (await import('./clean-map.js')).cleanCommand(rest);
    case 'map':
      return (await import('./clean-map.js')).mapCommand(rest);
    case 'rehearse':
      return (await import('./rehearse.js')).rehearseCommand(rest);
    case 'cutover':
      return (await import('./cutover.js')).cutoverCommand(rest);
    case 'single':
    case 'batch':
    case 'all':
      return loadCommand(command, rest);
    case 'delta': {
      const { deltaCommand } = await import('../delta/command.js');
      return deltaCommand(rest);
    }
    case 'explain': {
      const { explainCommand } = await import('../explain/command.js');
      return explainCommand(rest);
    }
    case 'register-external':
      return registerExternalCommand(rest);
    case 'verify': {
      const { verifyCommand } = await import('../verify/command.js');
      return verifyCommand(rest);
    }
    case 'rollback': {
      const { rollbackCommand } = await import('../rollback/command.js');
      return rollbackCommand(rest);
    }
    case 'backup': {
      const { backupCommand } = await import('../backup/command.js');
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
