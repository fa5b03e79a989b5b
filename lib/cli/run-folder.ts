/** Where a command's run folder is: `<DATA_DIR>/runs/<run-id>/`. */
import { readEnvFile } from '../config.js';
import { dataPath, projectPath } from '../paths.js';

export function runsDir(): string {
  const dataDir = process.env.DATA_DIR ?? readEnvFile(projectPath('.env')).DATA_DIR ?? 'data';
  return dataPath(dataDir, 'runs');
}
