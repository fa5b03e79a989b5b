// Progress in a terminal is a live bar (cli-progress); anywhere else, periodic plain lines. The bar
// is drawn from the numbers a notebook's progress display carries, which the replay keeps out of the
// executed notebook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LiveBars, PROGRESS_MIME } from '../lib/replay/live-bar.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureBuilt } from '../lib/build.js';
import { projectPath } from '../lib/paths.js';

const run = promisify(execFile);

test('a live bar shows done of all, the percentage, and the phase, rate, ETA and errors', () => {
  let out = '';
  const bars = new LiveBars({ write: (t) => (out += t), columns: 160 });
  bars.show('load', { label: 'Load customers', done: 5, total: 10, message: 'customers, invoices: 12.5/s, ETA 3s, 1 error' });
  bars.show('load', { label: 'Load customers', done: 10, total: 10, message: 'invoices: 13.0/s, ETA 0s, 1 error', finished: true });
  assert.match(out, /Load customers \|[█░]+\| 50% 5\/10 · customers, invoices: 12\.5\/s, ETA 3s, 1 error/);
  assert.match(out, /100% 10\/10 · invoices: 13\.0\/s, ETA 0s, 1 error/);
  assert.match(out, /\r|\x1b\[/, 'redrawn in place');
});

/**
 * Replays a notebook with one progress display, capturing what reaches the terminal. In a child
 * process: a replay takes over this process's stdout while a cell runs, and the test runner reports
 * through it.
 */
async function replayProgress(liveBars: boolean): Promise<{ terminal: string; executed: string }> {
  ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-bar-'));
  const file = path.join(dir, 'progress.ipynb');
  const source = [
    `import { progress } from ${JSON.stringify(projectPath('dist/lib/frames/index.js'))};`,
    `const bar = progress('Load foundation', { intervalMs: 0 });`,
    `for (let i = 1; i <= 5; i++) { bar.update(i, 5, \`partners: \${i}.0/s, ETA \${5 - i}s, 0 errors\`); await new Promise((r) => setTimeout(r, 250)); }`,
    `bar.done('5 created, 0 failed');`,
  ].join('\n');
  fs.writeFileSync(
    file,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }],
    }),
  );
  const driver = path.join(dir, 'driver.mts');
  fs.writeFileSync(
    driver,
    [
      `import { replayNotebook } from ${JSON.stringify(projectPath('lib/replay/runner.ts'))};`,
      `let terminal = '';`,
      `const r = await replayNotebook({ notebook: ${JSON.stringify(file)}, runsDir: ${JSON.stringify(path.join(dir, 'runs'))}, echo: true, liveBars: ${liveBars}, terminal: { write: (t: string) => (terminal += t), columns: 160 } });`,
      `process.stdout.write(JSON.stringify({ ok: r.ok, failed: r.failed, executed: r.executed, terminal }), () => process.exit(0));`,
    ].join('\n'),
  );
  const { stdout } = await run(process.execPath, ['--import', 'tsx', driver], { cwd: projectPath(), maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout.slice(stdout.indexOf('{"ok"'))) as { ok: boolean; failed?: unknown; executed: string; terminal: string };
  assert.ok(result.ok, JSON.stringify(result.failed));
  return { terminal: result.terminal, executed: fs.readFileSync(result.executed, 'utf8') };
}

test('a replay in a terminal draws the load as a live bar; elsewhere it prints plain lines', { timeout: 120_000 }, async () => {
  const live = await replayProgress(true);
  assert.match(live.terminal, /Load foundation \|[█░]+\| \d+% \d\/5 · partners: \d\.0\/s, ETA \ds, 0 errors/);
  assert.match(live.terminal, /Load foundation: done in [\d.]+ s · 5 created, 0 failed/);
  assert.ok(!live.executed.includes(PROGRESS_MIME), 'the numbers stay out of the executed notebook');
  assert.match(live.executed, /Load foundation: done in/, 'which keeps the text and HTML of the display');

  const plain = await replayProgress(false);
  assert.ok(!/[█░]/.test(plain.terminal), 'no bar when the output is not a terminal');
  assert.match(plain.terminal, /Load foundation: 1\/5 \(20%\) · partners: 1\.0\/s, ETA 4s, 0 errors/);
  assert.match(plain.terminal, /Load foundation: done in/);
});
