/**
 * Where the project's files are, whatever the working directory: Jupyter runs a notebook's kernel
 * in `notebooks/`, scripts run from the root, and compiled code lives in `dist/lib`. Everything
 * resolves from the folder that holds package.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/**
 * What the workbook writes under `data/` (snapshots, cleaned data, mapping tables, the ledger and
 * its journal, run folders, backups, secrets) holds subscribers' personal data and credentials, so
 * it is readable by its owner only: files 600, folders 700. The surest way, for every writer
 * including SQLite's journal and the kernels and tools a run starts (they inherit it), is the
 * process's umask, set here because every part of the workbook that writes data resolves its paths
 * through this module. (A worker thread shares its process's umask and may not set it.)
 */
export const OWNER_ONLY_UMASK = 0o077;
if (isMainThread) process.umask(process.umask() | OWNER_ONLY_UMASK);

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
