// The Sonar sandbox over real HTTP: auth, rate limit, paging, filters, search, sorter, relations,
// archived accounts, introspection and the control routes that simulate edits between snapshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { emptyDataset, type SonarDataset } from '../lib/sandbox/dataset.js';
import { startSonarSandbox, type SonarSandbox } from '../lib/sandbox/sonar/server.js';
import { generateIsp } from '../lib/sandbox/generator/index.js';

const TOKEN = 'test-token-0123456789';
const stamp = (i: number) => ({ sonar_unique_id: `u-${i}`, created_at: '2020-01-01T00:00:00+00:00', _version: '1' });

function handmade(): SonarDataset {
  const ds = emptyDataset();
  ds.tables.companies = [{ id: '1', ...stamp(1), updated_at: '2020-01-01T00:00:00+00:00', name: 'Acme ISP' }];
  // Mixed offsets on purpose: the same instant written three ways must compare as one instant.
  ds.tables.accounts = [
    {
      id: 1,
      ...stamp(1),
      updated_at: '2024-01-01T00:00:00+00:00',
      name: 'Ada',
      account_status_id: '1',
      company_id: '1',
      archived_at: null,
      parent_account_id: null,
      next_recurring_charge_amount: 4999,
    },
    {
      id: '2',
      ...stamp(2),
      updated_at: '2024-01-01T05:00:00+05:00',
      name: 'Bob',
      account_status_id: '2',
      company_id: '1',
      archived_at: null,
      parent_account_id: '1',
      next_recurring_charge_amount: 0,
    },
    {
      id: '3',
      ...stamp(3),
      updated_at: '2023-12-31T19:00:01-05:00',
      name: 'Cy Bobson',
      account_status_id: '1',
      company_id: '1',
      archived_at: null,
      parent_account_id: '1',
      next_recurring_charge_amount: 12000,
    },
    {
      id: '4',
      ...stamp(4),
      updated_at: '2025-06-01T00:00:00+00:00',
      name: 'Archived Co',
      account_status_id: '1',
      company_id: '1',
      archived_at: '2025-06-01T00:00:00+00:00',
      parent_account_id: null,
      next_recurring_charge_amount: null,
    },
    {
      id: '5',
      ...stamp(5),
      updated_at: '2022-01-01T00:00:00+00:00',
      name: 'Eve',
      account_status_id: '2',
      company_id: '1',
      archived_at: null,
      parent_account_id: null,
      next_recurring_charge_amount: 2500,
    },
  ];
  ds.tables.addresses = [
    {
      id: '10',
      ...stamp(10),
      updated_at: '2020-01-01T00:00:00+00:00',
      addressable_type: 'Account',
      addressable_id: '1',
      line1: '1 Main St',
      city: 'Springfield',
    },
    {
      id: '11',
      ...stamp(11),
      updated_at: '2020-01-01T00:00:00+00:00',
      addressable_type: 'Account',
      addressable_id: '2',
      line1: '2 Oak Ave',
      city: 'Shelbyville',
    },
    {
      id: '12',
      ...stamp(12),
      updated_at: '2020-01-01T00:00:00+00:00',
      addressable_type: 'Company',
      addressable_id: '1',
      line1: '9 HQ Rd',
      city: 'Capital',
    },
    {
      id: '13',
      ...stamp(13),
      updated_at: '2020-01-01T00:00:00+00:00',
      addressable_type: 'Account',
      addressable_id: '4',
      line1: '4 Gone Ln',
      city: 'Nowhere',
    },
  ];
  ds.tables.contacts = [
    {
      id: '20',
      ...stamp(20),
      updated_at: '2020-01-01T00:00:00+00:00',
      contactable_type: 'Account',
      contactable_id: '1',
      name: 'Ada L',
      email_address: 'ada@example.com',
    },
  ];
  ds.tables.notes = [
    {
      id: '30',
      ...stamp(30),
      updated_at: '2020-01-01T00:00:00+00:00',
      noteable_type: 'Account',
      noteable_id: '1',
      message: 'Prefers email',
    },
  ];
  ds.tables.tickets = [
    {
      id: '40',
      ...stamp(40),
      updated_at: '2020-01-01T00:00:00+00:00',
      ticketable_type: 'Account',
      ticketable_id: '2',
      subject: 'Slow line',
    },
  ];
  return ds;
}

let sonar: SonarSandbox;
before(async () => {
  sonar = await startSonarSandbox({ dataset: handmade(), tokens: [TOKEN], maxRecordsPerPage: 2 });
});
after(() => sonar.close());

async function post(url: string, body: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/api/graphql`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as { data?: any; errors?: Array<{ message: string }>; error?: string } };
}

async function gql(query: string, variables?: Record<string, unknown>) {
  const r = await post(sonar.url, { query, variables });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.errors, undefined, r.text);
  return r.json.data;
}

const names = (conn: { entities: Array<{ name: string }> }) => conn.entities.map((e) => e.name);

test('a missing or wrong token gets 401 with a clear error that never echoes the token', async () => {
  const missing = await post(sonar.url, { query: '{ accounts { page_info { total_count } } }' }, null);
  assert.equal(missing.status, 401);
  assert.match(missing.json.error!, /Bearer/);
  const wrong = await post(sonar.url, { query: '{ accounts { page_info { total_count } } }' }, 'not-the-token-xyz');
  assert.equal(wrong.status, 401);
  assert.match(wrong.json.error!, /not accepted/);
  assert.ok(!wrong.text.includes('not-the-token-xyz'));
});

test('bad request bodies get 400; GraphQL errors come back as 200 with errors[]', async () => {
  assert.equal((await post(sonar.url, '{not json')).status, 400);
  assert.equal((await post(sonar.url, { variables: {} })).status, 400);
  const invalid = await post(sonar.url, { query: '{ accounts { no_such_field } }' });
  assert.equal(invalid.status, 200);
  assert.match(invalid.json.errors![0].message, /no_such_field/);
});

test('ids are strings, money is integer cents, and a GET with ?query= works too', async () => {
  const d = await gql('{ accounts(id: 1) { entities { id company_id next_recurring_charge_amount } } }');
  assert.deepEqual(d.accounts.entities, [{ id: '1', company_id: '1', next_recurring_charge_amount: 4999 }]);
  const res = await fetch(`${sonar.url}/api/graphql?query=${encodeURIComponent('{ companies { entities { id name } } }')}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.deepEqual(((await res.json()) as any).data.companies.entities, [{ id: '1', name: 'Acme ISP' }]);
});

test('paging starts at 1, the server caps records_per_page and reports the value it used', async () => {
  const q =
    'query($p: Paginator) { accounts(paginator: $p) { entities { id } page_info { page total_pages total_count records_per_page } } }';
  const first = await gql(q, { p: { page: 1, records_per_page: 50 } });
  assert.deepEqual(first.accounts.page_info, { page: 1, total_pages: 2, total_count: 4, records_per_page: 2 });
  assert.deepEqual(
    first.accounts.entities.map((e: { id: string }) => e.id),
    ['1', '2'],
  );
  const second = await gql(q, { p: { page: 2, records_per_page: 50 } });
  assert.deepEqual(
    second.accounts.entities.map((e: { id: string }) => e.id),
    ['3', '5'],
  );
  const past = await gql(q, { p: { page: 3, records_per_page: 2 } });
  assert.deepEqual(past.accounts.entities, []);
  const zero = await post(sonar.url, { query: q, variables: { p: { page: 0, records_per_page: 2 } } });
  assert.match(zero.json.errors![0].message, /page must be 1 or more/);
});

test('archived accounts are hidden unless include_archived is true', async () => {
  const d = await gql(
    '{ hidden: accounts { page_info { total_count } } all: accounts(include_archived: true) { page_info { total_count } } }',
  );
  assert.equal(d.hidden.page_info.total_count, 4);
  assert.equal(d.all.page_info.total_count, 5);
  const via = await gql('{ addresses(id: 13) { entities { addressable { ... on Account { id } } } } }');
  assert.equal(via.addresses.entities[0].addressable, null, 'an archived owner resolves to null without include_archived');
  const shown = await gql('{ addresses(id: 13) { entities { addressable(include_archived: true) { ... on Account { id } } } } }');
  assert.deepEqual(shown.addresses.entities[0].addressable, { id: '4' });
});

test('equality filters, and search with string, integer, datetime, unset and exists fields', async () => {
  const q =
    'query($s: [Search], $status: Int64Bit) { accounts(search: $s, account_status_id: $status, include_archived: true, paginator: {page: 1, records_per_page: 2}) { page_info { total_count } entities { name } } }';
  const count = async (vars: Record<string, unknown>) => (await gql(q, vars)).accounts.page_info.total_count as number;
  assert.equal(await count({ status: '2' }), 2);
  assert.equal(
    await count({ s: [{ string_fields: [{ attribute: 'name', search_value: 'bob', match: true }] }] }),
    2,
    'partial, case-insensitive',
  );
  assert.equal(
    await count({ s: [{ string_fields: [{ attribute: 'name', search_value: 'bob', match: true, partial_matching: false }] }] }),
    1,
  );
  assert.equal(await count({ s: [{ string_fields: [{ attribute: 'name', search_value: 'bob', match: false }] }] }), 3);
  assert.equal(
    await count({ s: [{ integer_fields: [{ attribute: 'next_recurring_charge_amount', search_value: 2500, operator: 'GTE' }] }] }),
    3,
  );
  // 2024-01-01T00:00:00Z written as +00:00, +05:00 and (one second later) -05:00.
  const since = (v: string, operator = 'GTE') =>
    count({ s: [{ datetime_fields: [{ attribute: 'updated_at', search_value: v, operator }] }] });
  assert.equal(await since('2024-01-01T00:00:00Z'), 4);
  assert.equal(await since('2024-01-01T00:00:00+00:00', 'GT'), 2);
  assert.equal(await since('2024-01-01T00:00:01Z', 'GTE'), 2);
  assert.equal(await count({ s: [{ unset_fields: ['parent_account_id'] }] }), 3);
  assert.equal(await count({ s: [{ exists: ['archived_at'] }] }), 1);
  // Fields inside one Search are AND; outer Search objects are OR.
  assert.equal(
    await count({ s: [{ string_fields: [{ attribute: 'name', search_value: 'ada', match: true }] }, { exists: ['archived_at'] }] }),
    2,
  );
  assert.equal(
    await count({ s: [{ string_fields: [{ attribute: 'name', search_value: 'bob', match: true }], unset_fields: ['parent_account_id'] }] }),
    0,
  );
  const bad = await post(sonar.url, { query: q, variables: { s: [{ unset_fields: ['no_such'] }] } });
  assert.match(bad.json.errors![0].message, /Unknown attribute "no_such"/);
});

test('sorter orders by any scalar, ties broken by id', async () => {
  const d = await gql(
    '{ accounts(sorter: [{attribute: "name", direction: DESC}], paginator: {page: 1, records_per_page: 2}) { entities { name } } }',
  );
  assert.deepEqual(names(d.accounts), ['Eve', 'Cy Bobson']);
  const byCharge = await gql(
    '{ accounts(include_archived: true, sorter: [{attribute: "next_recurring_charge_amount", direction: ASC}], paginator: {page: 1, records_per_page: 2}) { entities { name } } }',
  );
  assert.deepEqual(names(byCharge.accounts), ['Archived Co', 'Bob'], 'numeric order with nulls first');
});

test('nested connections, child accounts and polymorphic owners resolve', async () => {
  const d = await gql(`{ accounts(id: 1) { entities {
    addresses { entities { line1 } page_info { total_count } }
    contacts { entities { email_address contactable { __typename ... on Account { name } } } }
    notes { entities { message noteable { __typename } } }
    child_accounts { entities { name } }
  } } }`);
  const ada = d.accounts.entities[0];
  assert.deepEqual(ada.addresses, { entities: [{ line1: '1 Main St' }], page_info: { total_count: 1 } });
  assert.deepEqual(ada.contacts.entities, [{ email_address: 'ada@example.com', contactable: { __typename: 'Account', name: 'Ada' } }]);
  assert.deepEqual(ada.notes.entities, [{ message: 'Prefers email', noteable: { __typename: 'Account' } }]);
  assert.deepEqual(names(ada.child_accounts), ['Bob', 'Cy Bobson']);
  const co = await gql('{ addresses(id: 12) { entities { addressable_type addressable { __typename ... on Company { name } } } } }');
  assert.deepEqual(co.addresses.entities[0], { addressable_type: 'Company', addressable: { __typename: 'Company', name: 'Acme ISP' } });
  const t = await gql('{ tickets { entities { subject ticketable { ... on Account { name } } } } }');
  assert.deepEqual(t.tickets.entities, [{ subject: 'Slow line', ticketable: { name: 'Bob' } }]);
});

test('introspection works, so a GraphQL client can be pointed at the sandbox', async () => {
  const d = await gql(getIntrospectionQuery());
  const schema = buildClientSchema(d as IntrospectionQuery);
  assert.match(printSchema(schema), /accounts\(/);
  assert.equal(schema.getType('Int64Bit')?.name, 'Int64Bit');
});

test('control routes change data the way an edit in Sonar would, and incremental search sees it', async () => {
  const before = (await gql('{ accounts { page_info { total_count } } }')).accounts.page_info.total_count;
  const at = '2030-01-01T00:00:00Z';
  const added = await fetch(`${sonar.url}/__sandbox/records`, {
    method: 'POST',
    body: JSON.stringify({ table: 'accounts', at, record: { name: 'New Co', account_status_id: '1', company_id: '1', archived_at: null } }),
  });
  const { record } = (await added.json()) as { record: { id: string; updated_at: string } };
  assert.equal(record.id, '6');
  assert.equal(record.updated_at, '2030-01-01T00:00:00+00:00');
  await fetch(`${sonar.url}/__sandbox/records`, {
    method: 'POST',
    body: JSON.stringify({ table: 'accounts', at, record: { id: '5', name: 'Eve Renamed' } }),
  });
  const changed = await gql(
    '{ accounts(search: [{datetime_fields: [{attribute: "updated_at", search_value: "2029-12-31T00:00:00Z", operator: GTE}]}]) { entities { id name _version } } }',
  );
  assert.deepEqual(changed.accounts.entities, [
    { id: '5', name: 'Eve Renamed', _version: '2' },
    { id: '6', name: 'New Co', _version: '1' },
  ]);
  await fetch(`${sonar.url}/__sandbox/archive`, { method: 'POST', body: JSON.stringify({ account_id: '6' }) });
  assert.equal((await gql('{ accounts { page_info { total_count } } }')).accounts.page_info.total_count, before + 1 - 1);
  const counts = (await (await fetch(`${sonar.url}/__sandbox/counts`)).json()) as Record<string, number>;
  assert.equal(counts.accounts, 6);
});

test("past the per-token limit the answer is 429 with Sonar's own body; 401s do not count", async () => {
  const small = await startSonarSandbox({ dataset: handmade(), tokens: [TOKEN, 'other-token'], rateLimitPerMinute: 3, rateWindowMs: 400 });
  try {
    const q = { query: '{ companies { page_info { total_count } } }' };
    for (let i = 0; i < 5; i++) assert.equal((await post(small.url, q, 'wrong')).status, 401);
    for (let i = 0; i < 3; i++) assert.equal((await post(small.url, q)).status, 200);
    const limited = await post(small.url, q);
    assert.equal(limited.status, 429);
    assert.equal(limited.text, '{"error":"Request limit of 3/min reached."}');
    assert.equal((await post(small.url, q, 'other-token')).status, 200, 'the limit is per token');
    await new Promise((r) => setTimeout(r, 450));
    assert.equal((await post(small.url, q)).status, 200, 'the window slides');
  } finally {
    await small.close();
  }
});

test('the rate limit of a running sandbox can be changed, and a new limit starts a new window', async () => {
  const small = await startSonarSandbox({ dataset: handmade(), tokens: [TOKEN], rateLimitPerMinute: 2 });
  try {
    const q = { query: '{ companies { page_info { total_count } } }' };
    const limit = (body?: unknown) =>
      fetch(`${small.url}/__sandbox/rate-limit`, { method: body ? 'PUT' : 'GET', body: body ? JSON.stringify(body) : undefined });
    for (let i = 0; i < 2; i++) assert.equal((await post(small.url, q)).status, 200);
    assert.equal((await post(small.url, q)).status, 429);
    assert.deepEqual(await (await limit({ per_minute: 3 })).json(), { per_minute: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await post(small.url, q)).status, 200, 'the earlier requests no longer count');
    assert.equal((await post(small.url, q)).status, 429);
    assert.equal((await post(small.url, q)).text, '{"error":"Request limit of 3/min reached."}');
    assert.equal((await limit({ per_minute: 0 })).status, 400);
    assert.deepEqual(await (await limit()).json(), { per_minute: 3 });
  } finally {
    await small.close();
  }
});

test("a generated ISP is served whole: every account's members are reachable through nested connections", async () => {
  const ds = generateIsp({ accounts: 30, seed: 7 });
  const big = await startSonarSandbox({ dataset: ds, tokens: [TOKEN] });
  try {
    const r = await post(big.url, {
      query: `{ accounts(include_archived: true, paginator: {page: 1, records_per_page: 100}) { entities { id
      addresses { page_info { total_count } } contacts { page_info { total_count } } account_services { entities { service { id } } } } } }`,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.errors, undefined, r.text.slice(0, 500));
    const accounts = r.json.data.accounts.entities as Array<{ id: string; addresses: any; contacts: any; account_services: any }>;
    assert.equal(accounts.length, ds.tables.accounts.length);
    const addressCount = accounts.reduce((n, a) => n + a.addresses.page_info.total_count, 0);
    const expected = ds.tables.addresses.filter(
      (a) => a.addressable_type === 'Account' && accounts.some((x) => x.id === String(a.addressable_id)),
    ).length;
    assert.equal(addressCount, expected);
    const services = accounts.flatMap((a) => a.account_services.entities);
    assert.equal(services.length, ds.tables.account_services.length);
    assert.ok(services.every((s: { service: { id: string } | null }) => s.service && typeof s.service.id === 'string'));
  } finally {
    await big.close();
  }
});
