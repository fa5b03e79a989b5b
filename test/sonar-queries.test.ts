// Every GraphQL document in lib/ (outside the sandbox) must be valid against the REAL Sonar schema,
// so a query that works on the sandbox cannot fail on a customer's instance for a schema reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { SNAPSHOT_QUERIES } from '../lib/sonar/queries.js';

const root = path.resolve(import.meta.dirname, '..');
const realSchemaFile = path.resolve(root, '../shared/reference/sonar/schema.graphql');

function libFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p.includes(`${path.sep}sandbox`) ? [] : libFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Template literals that start like a GraphQL operation. */
function collectDocuments(): Array<{ where: string; text: string }> {
  const docs: Array<{ where: string; text: string }> = [];
  for (const file of libFiles(path.join(root, 'lib'))) {
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/`\s*((?:query|mutation)\b[^`]*)`/g)) {
      const line = src.slice(0, m.index).split('\n').length;
      docs.push({ where: `${path.relative(root, file)}:${line}`, text: m[1] });
    }
  }
  return docs;
}

test('every query in lib/ validates against the real Sonar schema', () => {
  const real = buildSchema(fs.readFileSync(realSchemaFile, 'utf8'));
  const docs = collectDocuments();
  // The collector must actually find the snapshot queries, or this test proves nothing.
  assert.ok(docs.length >= Object.keys(SNAPSHOT_QUERIES).length, `found only ${docs.length} documents`);
  const problems = docs.flatMap(({ where, text }) => validate(real, parse(text)).map((e) => `${where}: ${e.message}`));
  assert.deepEqual(problems, []);
});

test('the validator used above does reject a query the real schema does not have', () => {
  const real = buildSchema(fs.readFileSync(realSchemaFile, 'utf8'));
  // The prior-art migrator's mistakes: a root field and an Account field that do not exist.
  const errors = validate(real, parse('{ account(id: 1) { id } accounts { entities { first_name } } }'));
  assert.ok(errors.some((e) => /Cannot query field "account" on type "Query"/.test(e.message)));
  assert.ok(errors.some((e) => /first_name/.test(e.message)));
});
