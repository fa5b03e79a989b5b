// The docs a newcomer follows stay true: every file docs/adding-an-entity.md names exists, every
// registered entity is in the field-mapping index with a module that exists, and the README keeps
// to its size and points at each doc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ENTITIES } from '../lib/entities/index.js';
import { projectPath } from '../lib/paths.js';
import { mappingIndex, moduleExists } from './conformance/header.js';

const read = (...p: string[]) => fs.readFileSync(projectPath(...p), 'utf8');

/** Backticked paths of the project (and of ../shared, beside it): `lib/x.ts`, `test/y.test.ts`, `docs/z.md`. */
function namedFiles(text: string): string[] {
  return [...new Set([...text.matchAll(/`((?:\.\.\/shared\/|lib\/|test\/|docs\/|scripts\/|notebooks\/)[^`\s]*)`/g)].map((m) => m[1]))];
}

test('every file docs/adding-an-entity.md names exists', () => {
  const named = namedFiles(read('docs', 'adding-an-entity.md'));
  assert.ok(named.length > 20, `the checklist names files (${named.length})`);
  const missing = named.filter((f) => !fs.existsSync(path.resolve(projectPath(), f)));
  assert.deepEqual(missing, []);
});

test('every registered entity is in the field-mapping index, with a module that exists, and the index names nothing else', () => {
  const index = mappingIndex();
  assert.deepEqual(
    ENTITIES.map((e) => e.name).filter((n) => !index.has(n)),
    [],
  );
  assert.deepEqual(
    [...index.keys()].filter((n) => !ENTITIES.some((e) => e.name === n)),
    [],
  );
  assert.deepEqual(
    [...index.values()].filter((f) => !moduleExists(f)),
    [],
  );
});

test('the README stays a front page: about 150 lines, the quick start, and a link to each doc', () => {
  const readme = read('README.md');
  const lines = readme.split('\n').length;
  assert.ok(lines <= 180, `README has ${lines} lines`);
  for (const s of ['npm run demo', 'npm test']) assert.ok(readme.includes(s), s);
  const docs = fs.readdirSync(projectPath('docs')).filter((f) => f.endsWith('.md'));
  assert.deepEqual(
    docs.filter((d) => !readme.includes(`docs/${d}`)),
    [],
  );
  const missing = namedFiles(readme).filter((f) => !fs.existsSync(path.resolve(projectPath(), f.replace(/[#?].*$/, ''))));
  assert.deepEqual(missing, []);
});
