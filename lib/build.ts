/**
 * Notebooks import the compiled `dist/lib` (tslab compiles cell imports to `require` and refuses
 * TypeScript outside the kernel's folder, tslab issue #63). A stale build would make a notebook
 * silently run yesterday's logic, so the build records a hash of the sources it compiled, and
 * notebooks and the replay compare it with the sources on disk.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from './paths.js';

const STAMP = projectPath('dist', '.source-hash');
const ASSETS = ['.graphql'];

function sources(dir = projectPath('lib')): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return sources(p);
      return p.endsWith('.ts') || ASSETS.some((a) => p.endsWith(a)) ? [p] : [];
    })
    .sort();
}

export function sourceHash(): string {
  const h = createHash('sha256');
  for (const file of sources()) h.update(path.relative(projectPath(), file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return h.digest('hex');
}

export function isBuildStale(): boolean {
  return !fs.existsSync(STAMP) || fs.readFileSync(STAMP, 'utf8').trim() !== sourceHash();
}

/** For the first cell of every notebook. */
export function assertFreshBuild(): void {
  if (isBuildStale())
    throw new Error('lib/ has changed since it was last compiled: run `npm run build` in a terminal, then restart the kernel.');
}

/** Compiles lib/ to dist/lib and copies the files tsc does not (the Sonar sandbox's SDL). */
export function buildLib(opts: { quiet?: boolean } = {}): void {
  const hash = sourceHash();
  const tsc = projectPath('node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
  const run = spawnSync(tsc, ['-p', projectPath('tsconfig.build.json')], { stdio: opts.quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`Building lib/ failed${opts.quiet ? `:\n${run.stdout}${run.stderr}` : ''}`);
  for (const file of sources().filter((f) => ASSETS.some((a) => f.endsWith(a)))) {
    const out = projectPath('dist', path.relative(projectPath(), file));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(file, out);
  }
  fs.writeFileSync(STAMP, hash);
}

export function ensureBuilt(): void {
  if (isBuildStale()) buildLib({ quiet: true });
}
