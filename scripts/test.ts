/**
 * `npm test`: the tests, then a search of everything they wrote for the credentials they used.
 *
 * The tests run with the temporary folder pointed at a fresh, git-ignored `data/test-runs/<id>/tmp`
 * (every test's mkdtemp lands there), kept after the run (test/keep-outputs.ts), and with the
 * sandboxes registering each credential they accept or issue in `data/test-runs/<id>/credentials.jsonl`.
 * Then scripts/scan-secrets.ts searches the test outputs, the test log, and anything under `data/`
 * written during the run, and fails on a hit. The last three runs' folders are kept.
 *
 *   npm test [-- test/some.test.ts …]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../lib/paths.js';
import { newRunId } from '../lib/run-id.js';

const KEEP = 3;
const runs = projectPath('data', 'test-runs');
const root = path.join(runs, newRunId());
const tmp = path.join(root, 'tmp');
const credentials = path.join(root, 'credentials.jsonl');
fs.mkdirSync(tmp, { recursive: true });
fs.writeFileSync(credentials, '', { mode: 0o600 });
for (const old of fs.readdirSync(runs).sort().slice(0, -KEEP)) fs.rmSync(path.join(runs, old), { recursive: true, force: true });

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : fs
      .readdirSync(projectPath('test'))
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => path.join('test', f));
const started = new Date();
const log = fs.openSync(path.join(root, 'test.log'), 'w');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--import', './test/keep-outputs.ts', '--test', '--test-reporter=spec', ...files],
  {
    cwd: projectPath(),
    env: { ...process.env, TMPDIR: tmp, SANDBOX_CREDENTIALS_FILE: credentials, KEEP_TEST_OUTPUT: '1' },
    stdio: ['inherit', 'pipe', 'pipe'],
  },
);
child.stdout.on('data', (b: Buffer) => (process.stdout.write(b), fs.writeSync(log, b)));
child.stderr.on('data', (b: Buffer) => (process.stderr.write(b), fs.writeSync(log, b)));
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
fs.closeSync(log);

console.error(
  `\nSecrets scan of the test outputs (${path.relative(process.cwd(), root)}) and of data/ written since ${started.toISOString()}:`,
);
const scan = (dirs: string[], extra: string[] = []) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', projectPath('scripts', 'scan-secrets.ts'), '--credentials', credentials, ...extra, ...dirs],
    { cwd: projectPath(), stdio: 'inherit' },
  ).status ?? 1;
// tsx keeps compiled copies of the test sources in the temporary folder (tsx-<uid>): literal test
// credentials in a test's source are source, not output, so that cache is left out, by name.
const tsxCache = fs.readdirSync(tmp).filter((d) => /^tsx-\d+$/.test(d));
const outputs = scan(
  [root],
  tsxCache.flatMap((d) => ['--skip-dir', d]),
);
// Elsewhere in data/ only what this run wrote: a developer's own rehearsals are not the tests' business.
const others = fs
  .readdirSync(projectPath('data'))
  .filter((d) => d !== 'test-runs')
  .map((d) => projectPath('data', d));
const elsewhere = others.length ? scan(others, ['--since', started.toISOString()]) : 0;
process.exit(code || outputs || elsewhere);
