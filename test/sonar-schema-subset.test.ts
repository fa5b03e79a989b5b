// The Sonar sandbox's SDL must be a subset of the real schema in ../shared, so anything that works
// against the sandbox is shaped the way the real service answers it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { sandboxSdl } from '../lib/sandbox/sonar/server.js';
import { subsetProblems } from '../lib/sandbox/sonar/subset.js';

const realSdl = fs.readFileSync(path.resolve(import.meta.dirname, '../../shared/reference/sonar/schema.graphql'), 'utf8');
const real = buildSchema(realSdl);

test('every sandbox type, field, argument and enum value exists in the real Sonar schema with the same type', () => {
  assert.deepEqual(subsetProblems(sandboxSdl(), real), []);
});

test('the sandbox covers the entities the migration reads', () => {
  const ours = buildSchema(sandboxSdl());
  const roots = Object.keys(ours.getQueryType()!.getFields());
  for (const r of [
    'accounts',
    'addresses',
    'contacts',
    'account_services',
    'services',
    'ip_assignments',
    'notes',
    'tickets',
    'users',
    'companies',
    'inventory_items',
    'invoices',
    'payments',
  ]) {
    assert.ok(roots.includes(r), `missing root query ${r}`);
  }
  const account = ours.getType('Account') as GraphQLObjectType;
  assert.ok(
    account.getFields().addresses.args.some((a) => a.name === 'search'),
    'nested connections take search',
  );
});

test('the checker catches each kind of divergence', () => {
  const bad = `
    scalar Int64Bit
    type Query { accounts(paginator: Paginator, made_up: Int): AccountConnection! }
    input Paginator { page: Int! records_per_page: Int! extra: Int }
    type AccountConnection { entities: [Account]! page_info: PageInfo! }
    type PageInfo { page: Int! total_pages: Int! total_count: Int! records_per_page: Int! }
    type Account { id: Int64Bit! name: Int invented_field: String }
    enum AccountUpdateEvent { ACTIVATED EXPLODED }
    type NotInSonar { id: Int64Bit! }
    interface AddressableInterface { id: Int64Bit! }
  `;
  const problems = subsetProblems(bad, real);
  const expect = [
    /accounts\(made_up:\) does not exist/,
    /input Paginator\.extra does not exist/,
    /Account\.name is Int here but String! in the real schema/,
    /Account\.invented_field does not exist/,
    /enum AccountUpdateEvent value EXPLODED/,
    /type NotInSonar does not exist/,
  ];
  for (const re of expect)
    assert.ok(
      problems.some((p) => re.test(p)),
      `expected a problem matching ${re}, got:\n${problems.join('\n')}`,
    );
  assert.equal(problems.length, expect.length, problems.join('\n'));
});

test('leaving out a required argument or input field is a divergence', () => {
  const sdl = `
    scalar Int64Bit
    type Query { accounts(paginator: Paginator): AccountConnection! }
    input Paginator { page: Int! }
    type AccountConnection { entities: [Account]! }
    type Account { id: Int64Bit! }
  `;
  assert.ok(subsetProblems(sdl, real).some((p) => /Paginator leaves out the required field records_per_page/.test(p)));
});
