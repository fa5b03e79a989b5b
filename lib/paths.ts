/**
 * Where the project's files are, whatever the working directory: Jupyter runs a notebook's kernel
 * in `notebooks/`, scripts run from the root, and compiled code lives in `dist/lib`. Everything
 * resolves from the folder that holds package.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'lib'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the project root above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the project; absolute paths pass through. */
export const projectPath = (...parts: string[]) => path.resolve(PROJECT_ROOT, ...parts);

/** The data folder (`DATA_DIR`, default `data/`), and folders under it. */
export const dataPath = (dataDir: string, ...parts: string[]) => path.resolve(PROJECT_ROOT, dataDir, ...parts);
