// The headless replay, run as users run it (the CLI, in a child process), on fixture notebooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Notebook } from '../lib/replay/notebook.js';
import { declaredParameters, injectedSource } from '../lib/replay/params.js';
import { claimRunId } from '../lib/run-id.js';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(root, 'test/fixtures/notebooks');
const SECRET = 'sekret-token-should-never-show-9f8e7d';

function replay(notebook: string, args: string[] = []) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/replay.ts', path.join(fixtures, notebook), '--run-id', 'test-run', ...args],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, SONAR_API_KEY: SECRET },
      timeout: 120_000,
    },
  );
  const runDir = path.join(dataDir, 'runs', 'test-run');
  const executed = fs.existsSync(path.join(runDir, notebook))
    ? (JSON.parse(fs.readFileSync(path.join(runDir, notebook), 'utf8')) as Notebook)
    : null;
  const log = fs.existsSync(path.join(runDir, 'replay.log')) ? fs.readFileSync(path.join(runDir, 'replay.log'), 'utf8') : '';
  return { ...run, executed, log };
}

const textOf = (nb: Notebook, i: number) =>
  (nb.cells[i].outputs ?? []).map((o) => ('text' in o ? o.text.join('') : JSON.stringify('data' in o ? o.data : o))).join('');

test('runs every cell in one scope with top-level await, injects parameters, keeps displays and scrubs secrets', () => {
  const r = replay('replay-fixture.ipynb', ['--param', 'greeting=hi there', '--param', 'times=21']);
  assert.equal(r.status, 0, r.stderr);
  const nb = r.executed!;
  // The injected cell comes right after the parameters cell, as papermill places it.
  assert.deepEqual(nb.cells[2].metadata.tags, ['injected-parameters']);
  assert.match(textOf(nb, 3), /hi there x42/);
  assert.match(textOf(nb, 4), /awaited true/);
  assert.match(textOf(nb, 4), /token is \*\*\*/);
  assert.ok(!JSON.stringify(nb).includes(SECRET) && !r.stdout.includes(SECRET) && !r.log.includes(SECRET), 'the secret appears nowhere');
  const displays = nb.cells[5].outputs!.filter((o) => o.output_type === 'display_data');
  assert.equal(displays.length, 2, 'an updated display is replaced in place, not appended');
  assert.deepEqual((displays[0] as { data: Record<string, unknown> }).data, { 'text/plain': 'step 2' });
  assert.deepEqual((displays[1] as { data: Record<string, unknown> }).data, { 'text/html': '<b>table</b>' });
  assert.match(textOf(nb, 7), /last cell ran/);
  assert.equal((nb.metadata.replay as { ok: boolean }).ok, true);
  assert.match(r.stdout, /hi there x42/, 'outputs are echoed to the terminal too');
  assert.match(r.log, /cell 8 ok/);
});

test('stops at the first failing cell, marks it, and leaves the rest not run', () => {
  const r = replay('replay-fixture.ipynb', ['--param', 'fail=true']);
  assert.equal(r.status, 1);
  const nb = r.executed!;
  const failed = nb.cells.findIndex((c) => (c.metadata.replay as { status?: string } | undefined)?.status === 'failed');
  assert.equal(failed, 6);
  assert.ok(nb.cells[6].outputs!.some((o) => o.output_type === 'error' && /asked to fail/.test(o.evalue)));
  assert.equal((nb.cells[7].metadata.replay as { status: string }).status, 'not-run');
  assert.deepEqual(nb.cells[7].outputs, []);
  assert.match(r.stderr, /stopped at cell 7: Error: asked to fail/);
  assert.match(r.log, /cell 7 FAILED/);
});

test('a type error fails its cell as it would in the kernel', () => {
  const r = replay('type-error.ipynb');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Type 'string' is not assignable to type 'number'/);
  assert.equal((r.executed!.cells[1].metadata.replay as { status: string }).status, 'not-run');
});

test('unknown or ill-typed parameters are refused before anything runs', () => {
  const unknown = replay('replay-fixture.ipynb', ['--param', 'greting=x']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unknown parameter greting\. The notebooks take: greeting, times, fail/);
  assert.equal(unknown.executed, null);
  const badNumber = replay('replay-fixture.ipynb', ['--param', 'times=many']);
  assert.equal(badNumber.status, 2);
  assert.match(badNumber.stderr, /times must be a number/);
});

test('parameter declarations are read with their types', () => {
  const declared = declaredParameters("let a = 'x';  // note\nlet n: number = 3;\nconst flag = false;\n// let skipped = 1;");
  assert.deepEqual(
    declared.map((d) => [d.name, d.type]),
    [
      ['a', 'string'],
      ['n', 'number'],
      ['flag', 'boolean'],
    ],
  );
  assert.equal(
    injectedSource(declared, { a: 'quote " and \\ back', n: '4', flag: 'yes' }).split('\n').slice(1).join('\n'),
    'let a = "quote \\" and \\\\ back";\nlet n = 4;\nlet flag = true;',
  );
});

test('two runs started in the same second get their own run folders', () => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-'));
  const now = new Date('2026-11-22T10:00:00.400Z');
  const ids = [claimRunId(runs, now), claimRunId(runs, now), claimRunId(runs, new Date('2026-11-22T10:00:00.900Z'))];
  assert.deepEqual(ids, ['20261122-100000Z', '20261122-100000Z-2', '20261122-100000Z-3']);
  assert.deepEqual(fs.readdirSync(runs).sort(), [...ids].sort());
});
