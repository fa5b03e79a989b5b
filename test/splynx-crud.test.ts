// The Splynx sandbox's verbs, string-typed answers, listing operators, HEAD, OPTIONS and seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxClient } from '../lib/sandbox/splynx/client.js';
import { CrudEngine } from '../lib/sandbox/splynx/crud.js';
import { model } from '../lib/sandbox/splynx/model/index.js';

let sb: SplynxSandbox;
let api: SplynxClient;
const CUSTOMERS = 'admin/customers/customer';

before(async () => {
  sb = await startSplynxSandbox({ apiKey: 'k', apiSecret: 's' });
  api = new SplynxClient(sb.url, 'k', 's');
  const people = [
    { name: 'Tyler Durden', login: 'durden', city: 'Wilmington', status: 'active', email: 'tyler@paper.example' },
    { name: 'Marla Singer', login: 'marla', city: 'Wilmington', status: 'new', email: 'marla@example.com' },
    { name: 'Robert Paulson', login: 'bob', city: 'Delaware', status: 'blocked', email: '' },
    { name: 'Angel Face', login: 'angel_1', city: 'Dover', status: 'disabled', email: 'a@x.example,b@y.example' },
    { name: 'Durden Industries', login: 'durden-co', city: 'Dover', status: 'active', category: 'company' },
  ];
  for (const p of people) {
    const r = await api.post(CUSTOMERS, { partner_id: 1, location_id: 1, ...p });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});
after(() => sb.close());

const q = (s: string) => `${CUSTOMERS}?${s}`;
const logins = async (query: string) => {
  const r = await api.get(q(query));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as Array<{ login: string }>).map((c) => c.login);
};

test('a fresh instance holds the documented seed', async () => {
  const partners = (await api.get('admin/administration/partners')).body;
  assert.deepEqual(
    partners.map((p: any) => [p.id, p.name]),
    [['1', 'Main']],
  );
  assert.equal((await api.get('admin/administration/locations/1')).body.name, 'Main');
  const methods = (await api.get('admin/finance/payment-methods')).body;
  assert.deepEqual(
    methods.map((m: any) => `${m.id} ${m.name}`),
    ['1 Cash', '2 Bank transfer', '3 Credit card', '5 Other', '6 Refill card'],
  );
  assert.equal((await api.get('admin/finance/transaction-categories')).body.length, 5);
  assert.equal((await api.get('admin/config/taxes')).body.length, 2);
  const statuses = (await api.get('admin/support/tickets-statuses')).body;
  assert.equal(statuses.length, 5);
  assert.deepEqual(statuses.find((s: any) => s.id === '3').mark, ['closed']);
  assert.equal((await api.get('admin/support/tickets-groups')).body.length, 3);
  assert.equal((await api.get('admin/support/tickets-types')).body.length, 5);
  const admins = (await api.get('admin/administration/administrators')).body;
  assert.equal(admins[0].id, '1');
  assert.equal(admins[0].login, 'admin');
  assert.equal(admins[0].password, undefined, 'passwords are never returned');
  assert.equal((await api.get('admin/administration/roles')).status, 404, 'roles are not in the API');
});

test('POST 201 {id}, GET strings, PUT 202 changes only sent fields, DELETE 204 then 404', async () => {
  const created = await api.post(CUSTOMERS, { name: 'Temp', partner_id: 1, location_id: 1, daily_prepaid_cost: 1.5 });
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.body), ['id']);
  assert.equal(typeof created.body.id, 'number');
  const id = created.body.id;
  const got = (await api.get(`${CUSTOMERS}/${id}`)).body;
  assert.equal(got.id, String(id));
  assert.equal(got.partner_id, '1');
  assert.equal(got.daily_prepaid_cost, '1.5000');
  assert.equal(got.status, 'new');
  assert.equal(got.category, 'person');
  assert.equal(got.login, String(id), 'a login is generated when none is sent');
  assert.match(got.date_add, /^\d{4}-\d{2}-\d{2}$/);

  const put = await api.put(`${CUSTOMERS}/${id}`, { city: 'Gotham' });
  assert.equal(put.status, 202);
  assert.equal(put.body, undefined);
  const after = (await api.get(`${CUSTOMERS}/${id}`)).body;
  assert.equal(after.city, 'Gotham');
  assert.equal(after.name, 'Temp');

  const billing = (await api.get(`admin/customers/customer-billing/${id}`)).body;
  assert.equal(billing.deposit, '0.0000');
  assert.equal(billing.enabled, '1');
  assert.equal((await api.put(`admin/customers/customer-info/${id}`, { passport: 'X1' })).status, 202);
  assert.equal((await api.get(`admin/customers/customer-info/${id}`)).body.passport, 'X1');

  assert.equal((await api.delete(`${CUSTOMERS}/${id}`)).status, 204);
  const gone = await api.get(`${CUSTOMERS}/${id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.internal_code, 'NOT_FOUND');
  assert.equal((await api.get(`admin/customers/customer-info/${id}`)).status, 404, 'info goes with the customer');
  assert.equal((await api.get('admin/nothing/here')).status, 404);
});

test('inventory stocks: a plural collection, one stock in the singular, and "Main" that cannot be removed (api-v2.apib examples)', async () => {
  assert.deepEqual((await api.get('admin/config/inventory-stocks')).body, [{ id: '1', name: 'Main' }]);
  const created = await api.post('admin/config/inventory-stocks', { name: 'Stock #315955388' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const one = `admin/config/inventory-stock/${created.body.id}`;
  assert.equal((await api.get(one)).body.name, 'Stock #315955388');
  assert.equal((await api.put(one, { name: 'Stock #315955389' })).status, 202);
  assert.equal((await api.get(one)).body.name, 'Stock #315955389');
  assert.equal((await api.get(`admin/config/inventory-stocks/${created.body.id}`)).status, 404, 'the plural path has no items');
  assert.equal((await api.post('admin/config/inventory-stocks', {})).status, 422, 'a stock needs a name');
  assert.equal((await api.delete(one)).status, 204);
  assert.equal((await api.get(one)).status, 404);
  const main = await api.delete('admin/config/inventory-stock/1');
  assert.notEqual(main.status, 204, 'the default stock stays');
  assert.match(JSON.stringify(main.body), /cannot be removed/);
});

test('equality and every search operator', async () => {
  assert.deepEqual(await logins('main_attributes[login]=durden'), ['durden']);
  assert.deepEqual(
    await logins('main_attributes[login][0]=LIKE&main_attributes[login][1]=durden'),
    ['durden'],
    'LIKE without wildcards is exact',
  );
  assert.deepEqual(await logins('main_attributes[login][0]=LIKE&main_attributes[login][1]=durden%25'), ['durden', 'durden-co']);
  assert.deepEqual(await logins('main_attributes[login][0]=LIKE&main_attributes[login][1]=ange__1'), ['angel_1']);
  assert.deepEqual(
    await logins('main_attributes[city][0]=%3D&main_attributes[city][1]=dover'),
    ['angel_1', 'durden-co'],
    'text compares ignore case',
  );
  assert.deepEqual(await logins('main_attributes[status][0]=!%3D&main_attributes[status][1]=active'), ['marla', 'bob', 'angel_1']);
  assert.deepEqual(await logins('main_attributes[status][0]=%3C%3E&main_attributes[status][1]=active'), ['marla', 'bob', 'angel_1']);
  assert.deepEqual(await logins('main_attributes[id][0]=%3E&main_attributes[id][1]=3'), ['angel_1', 'durden-co']);
  assert.deepEqual(await logins('main_attributes[id][0]=%3E%3D&main_attributes[id][1]=4'), ['angel_1', 'durden-co']);
  assert.deepEqual(await logins('main_attributes[id][0]=%3C&main_attributes[id][1]=2'), ['durden']);
  assert.deepEqual(await logins('main_attributes[id][0]=%3C%3D&main_attributes[id][1]=2'), ['durden', 'marla']);
  assert.deepEqual(await logins('main_attributes[id][0]=BETWEEN&main_attributes[id][1]=2&main_attributes[id][2]=3'), ['marla', 'bob']);
  assert.deepEqual(await logins('main_attributes[status][0]=IN&main_attributes[status][1][0]=new&main_attributes[status][1][1]=blocked'), [
    'marla',
    'bob',
  ]);
  assert.deepEqual(await logins('main_attributes[name][0]=REGEXP&main_attributes[name][1]=^(tyler|marla)'), ['durden', 'marla']);
  assert.deepEqual(await logins('main_attributes[email][0]=FIND_IN_SET&main_attributes[email][1]=b@y.example'), ['angel_1']);
  assert.deepEqual(await logins('main_attributes[email][0]=IS&main_attributes[email][1]=NULL'), []);
  assert.equal((await logins('main_attributes[email][0]=IS&main_attributes[email][1]=NOT NULL')).length, 5);
  assert.deepEqual(await logins('main_attributes[city]=Wilmington&main_attributes[status]=new'), ['marla']);
});

test('numeric comparison is numeric, not textual', async () => {
  // "10" < "9" as text; as numbers 10 > 9.
  const r = await api.get('admin/networking/ipv4-ip');
  assert.equal(r.status, 200);
  assert.deepEqual(await logins('main_attributes[id][0]=%3E&main_attributes[id][1]=10'), []);
  assert.deepEqual(await logins('main_attributes[partner_id][0]=%3C&main_attributes[partner_id][1]=10'), [
    'durden',
    'marla',
    'bob',
    'angel_1',
    'durden-co',
  ]);
});

test('order, limit and offset', async () => {
  assert.deepEqual(await logins('order[login]=ASC'), ['angel_1', 'bob', 'durden', 'durden-co', 'marla']);
  assert.deepEqual(await logins('order[city]=DESC&order[id]=DESC'), ['marla', 'durden', 'durden-co', 'angel_1', 'bob']);
  assert.deepEqual(await logins('order[id]=DESC&limit=2&offset=1'), ['angel_1', 'bob']);
  assert.deepEqual(await logins('limit=2'), ['durden', 'marla']);
});

test('unknown attributes and operators are 400 INVALID_INPUT_DATA', async () => {
  for (const bad of [
    'main_attributes[nope]=1',
    'order[nope]=ASC',
    'main_attributes[id][0]=WAT&main_attributes[id][1]=1',
    'additional_attributes[nope]=1',
    'order[id]=SIDEWAYS',
  ]) {
    const r = await api.get(q(bad));
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error.internal_code, 'INVALID_INPUT_DATA', bad);
  }
});

test('HEAD counts the same search with X-total-count', async () => {
  const all = await api.request('HEAD', CUSTOMERS);
  assert.equal(all.status, 204);
  assert.equal(all.headers.get('x-total-count'), '5');
  assert.match(all.headers.get('access-control-expose-headers') ?? '', /X-total-count/i);
  const some = await api.request('HEAD', q('main_attributes[city]=Dover&limit=1'));
  assert.equal(some.headers.get('x-total-count'), '2', 'counts ignore paging');
});

test('OPTIONS describes attributes and additional attributes', async () => {
  const r = await api.request('OPTIONS', CUSTOMERS);
  assert.equal(r.status, 200);
  const byName = Object.fromEntries(r.body.attributes.map((a: any) => [a.name, a]));
  assert.deepEqual(byName.name, { name: 'name', title: 'Name', type: 'string', required: true });
  assert.equal(byName.partner_id.required, true);
  assert.equal(byName.date_add.type, 'date');
  assert.equal(byName.status.type, 'enum');
  assert.equal(byName.email.type, 'email');
  assert.ok(Array.isArray(r.body.additional_attributes));
});

test('control routes: counts and reset', async () => {
  const counts = (await (await fetch(`${sb.url}/__sandbox/counts`)).json()) as Record<string, number>;
  assert.equal(counts.customers, 5);
  assert.equal(sb.store.count('customers'), 5);
  const other = await startSplynxSandbox({ apiKey: 'k', apiSecret: 's' });
  try {
    const c = new SplynxClient(other.url, 'k', 's');
    await c.post(CUSTOMERS, { name: 'x', partner_id: 1, location_id: 1 });
    assert.equal(other.store.count('customers'), 1);
    assert.equal((await fetch(`${other.url}/__sandbox/reset`, { method: 'POST' })).status, 200);
    assert.equal(other.store.count('customers'), 0);
    assert.equal(other.store.all('partners')[0].name, 'Main');
  } finally {
    await other.close();
  }
});

test('what the sandbox looks up by value stays right as records change, and does not slow as it fills', async () => {
  // Uniqueness and searches answer from indexes kept up to date by every write: a login changed
  // is free again, a deleted customer's login too; a search sees the new value, not the old.
  const make = (login: string) => api.post(CUSTOMERS, { partner_id: 1, location_id: 1, name: `Index ${login}`, login });
  const first = await make('idx-one');
  assert.equal(first.status, 201);
  const id = (first.body as { id: number }).id;
  assert.equal((await make('IDX-ONE')).status, 422, 'taken, ignoring case');
  assert.equal((await api.put(`${CUSTOMERS}/${id}`, { login: 'idx-two' })).status, 202);
  assert.deepEqual(await logins('main_attributes[login]=idx-one'), []);
  assert.deepEqual(await logins('main_attributes[login]=IDX-two'), ['idx-two']);
  const again = await make('idx-one');
  assert.equal(again.status, 201, 'the old login is free again');
  assert.equal((await make('idx-two')).status, 422);
  assert.equal((await api.delete(`${CUSTOMERS}/${id}`)).status, 204);
  assert.equal((await make('idx-two')).status, 201, 'a deleted login is free again');

  // 20,000 customers through the CRUD engine itself (no HTTP, so only the sandbox's own work is
  // timed): the last 2,000 creates take about as long as the first 2,000. A scan per uniqueness
  // check made each create cost more with every row stored.
  const engine = new CrudEngine(sb.store, () => new Date());
  const def = model('customers');
  const timeBatch = (from: number) => {
    const t = performance.now();
    for (let i = from; i < from + 2000; i++) {
      const r = engine.create(def, { partner_id: 1, location_id: 1, name: `Fill ${i}`, login: `fill-${i}` });
      assert.equal(r.status, 201);
    }
    return performance.now() - t;
  };
  const early = timeBatch(0);
  for (let from = 2000; from < 18_000; from += 2000) timeBatch(from);
  const late = timeBatch(18_000);
  assert.ok(late < early * 2, `the last 2,000 creates took ${late.toFixed(0)} ms, the first ${early.toFixed(0)} ms`);
  await fetch(`${sb.url}/__sandbox/reset`, { method: 'POST' });
});
