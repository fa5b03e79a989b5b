/**
 * Preloaded by `npm test` (scripts/test.ts): keeps what the tests wrote, so the secrets scan that
 * follows the run can read it. Tests make their folders with mkdtemp under the temporary folder
 * and remove them when done; with KEEP_TEST_OUTPUT set, removing such a folder (a direct child of
 * the temporary folder, which npm test points at a fresh git-ignored folder) is skipped. Anything
 * deeper is removed as usual, so what lib/ itself deletes (a rewritten dataset) is unaffected.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';

if (process.env.KEEP_TEST_OUTPUT) {
  const root = path.resolve(os.tmpdir());
  const kept = (p: fs.PathLike) => path.dirname(path.resolve(String(p))) === root;
  const { rmSync, rm } = fs;
  const rmPromise = fs.promises.rm;
  fs.rmSync = ((p: fs.PathLike, o?: fs.RmOptions) => (kept(p) ? undefined : rmSync(p, o))) as typeof fs.rmSync;
  fs.rm = ((
    p: fs.PathLike,
    o: fs.RmOptions | ((e: NodeJS.ErrnoException | null) => void),
    cb?: (e: NodeJS.ErrnoException | null) => void,
  ) => {
    const done = typeof o === 'function' ? o : cb!;
    if (kept(p)) return void process.nextTick(done, null);
    return typeof o === 'function' ? rm(p, o) : rm(p, o, done);
  }) as typeof fs.rm;
  fs.promises.rm = ((p: fs.PathLike, o?: fs.RmOptions) => (kept(p) ? Promise.resolve() : rmPromise(p, o))) as typeof fs.promises.rm;
  syncBuiltinESMExports();
}
