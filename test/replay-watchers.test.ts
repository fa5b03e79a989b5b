// The headless replay runs notebooks in this process, through tslab's converters, whose TypeScript
// watch programs watch the folders that module lookups failed in. A rehearsal replays nine
// notebooks; a converter left open after its notebook crashed a whole rehearsal on the second
// change in such a folder ("Unexpected pending rebuildTimer", thrown from a file watcher).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { replayNotebook } from '../lib/replay/runner.js';

const fixture = path.resolve(import.meta.dirname, 'fixtures/notebooks/replay-fixture.ipynb');
const watchers = () => process.getActiveResourcesInfo().filter((r) => /FSEvent|StatWatcher/.test(r)).length;

test('a replayed notebook leaves no file watcher behind, and changes nearby afterwards crash nothing', async () => {
  // Three folders below the project, as the fixture's imports (`../../../dist`) expect; data/ is git-ignored.
  const root = path.resolve(import.meta.dirname, '..');
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'data', 'replay-watch-'));
  const notebook = path.join(dir, 'nb', 'replay-fixture.ipynb');
  fs.mkdirSync(path.dirname(notebook));
  fs.copyFileSync(fixture, notebook);
  const crashes: Error[] = [];
  const onCrash = (e: Error) => crashes.push(e);
  process.on('uncaughtException', onCrash);
  try {
    const before = watchers();
    for (let i = 0; i < 2; i++) {
      const r = await replayNotebook({ notebook, runsDir: path.join(dir, 'runs'), runId: `w${i}`, params: { times: '2' } });
      assert.ok(r.ok, JSON.stringify(r.failed));
    }
    await sleep(50); // a closed handle leaves the list on the next turn of the loop
    assert.equal(watchers(), before, `${before} before, ${watchers()} after: the converters are closed with their notebook: `);
    // Changes in the folders the converters watched (the notebook's, and where they looked for node_modules).
    for (let i = 0; i < 4; i++) {
      for (const d of [path.dirname(notebook), dir]) fs.mkdirSync(path.join(d, `node_modules-${i}`));
      await sleep(300);
      for (const d of [path.dirname(notebook), dir]) fs.rmSync(path.join(d, `node_modules-${i}`), { recursive: true });
      await sleep(300);
    }
    assert.deepEqual(
      crashes.map((e) => e.message),
      [],
    );
  } finally {
    process.off('uncaughtException', onCrash);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
