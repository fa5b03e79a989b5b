/**
 * Run ids: the time a command started, `YYYYMMDD-HHMMSSZ`, and the run folder it names under
 * `<DATA_DIR>/runs/`. Every command takes one; none needs the notebook executor for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readEnvFile } from './config.js';
import { projectPath } from './paths.js';

/** `20260102-030405Z`: a moment as an id, for runs, snapshots and backups alike, so folders sort by time. */
export function timeId(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
}

export const newRunId = timeId;

/** DATA_DIR as configured (the environment, else `.env`, else `data`), read leniently: before settings are checked. */
export function configuredDataDir(): string {
  return process.env.DATA_DIR ?? readEnvFile(projectPath('.env')).DATA_DIR ?? 'data';
}

/** The runs folder of the configured DATA_DIR. */
export function defaultRunsDir(): string {
  return projectPath(configuredDataDir(), 'runs');
}

/**
 * A new run id whose folder this process has made: two commands started in the same second (a
 * cutover script, CI) must not share a run folder and merge their reports. The folder is claimed
 * with an exclusive mkdir, so the second gets `<id>-2`.
 */
export function claimRunId(runsDir = defaultRunsDir(), now = new Date()): string {
  fs.mkdirSync(runsDir, { recursive: true });
  const base = newRunId(now);
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    try {
      fs.mkdirSync(path.join(runsDir, id));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
