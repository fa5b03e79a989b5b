// Subscriber access in the Splynx sandbox, over real HTTP: a service login is unique among active
// services only (customer_services.md "Service login"), and POST /__sandbox/radius/authorize lets a
// subscriber in as Splynx's RADIUS would, an empty service password falling back to the customer's
// portal password (customer_services.md "Service password"; operations.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxClient } from '../lib/sandbox/splynx/client.js';
import { issuedCredentials } from '../lib/sandbox/credentials.js';

let sb: SplynxSandbox;
let api: SplynxClient;
let tariff: number;
// The sandbox's today: services ending before it no longer let anyone in.
const TODAY = '2024-06-15';

before(async () => {
  sb = await startSplynxSandbox({ apiKey: 'k', apiSecret: 's', now: () => new Date(`${TODAY}T12:00:00Z`) });
  api = new SplynxClient(sb.url, 'k', 's');
  const t = await api.post('admin/tariffs/internet', { title: 'Fiber', partners_ids: [1], price: 30, speed_download: 1, speed_upload: 1 });
  tariff = t.body.id;
});
after(() => sb.close());

type FieldErrors = Array<{ field: string; message: string }>;

async function newCustomer(extra: Record<string, unknown> = {}): Promise<number> {
  const r = await api.post('admin/customers/customer', { name: 'Sub', partner_id: 1, location_id: 1, status: 'active', ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

const servicePath = (c: number) => `admin/customers/customer/${c}/internet-services`;
const service = (extra: Record<string, unknown>) => ({
  tariff_id: tariff,
  status: 'active',
  description: 'Internet',
  quantity: 1,
  start_date: '2024-01-01',
  end_date: '0000-00-00',
  taking_ipv4: 0,
  ...extra,
});

async function newService(c: number, extra: Record<string, unknown>): Promise<number> {
  const r = await api.post(servicePath(c), service(extra));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

async function authorize(login: unknown, password: unknown) {
  const res = await fetch(`${sb.url}/__sandbox/radius/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

test('a second active service with the same login is refused; disabled and stopped ones may share it', async () => {
  const a = await newCustomer();
  const b = await newCustomer();
  await newService(a, { login: 'pppoe-100' });
  for (const login of ['pppoe-100', 'PPPoE-100']) {
    const dup = await api.post<FieldErrors>(servicePath(b), service({ login }));
    assert.equal(dup.status, 422, login);
    assert.deepEqual(dup.body, [{ field: 'login', message: `Login "${login}" has already been taken.` }]);
  }
  const disabled = await newService(b, { login: 'pppoe-100', status: 'disabled' });
  const stopped = await newService(b, { login: 'pppoe-100', status: 'stopped' });
  await newService(b, { login: 'pppoe-100', status: 'pending' });

  const reactivate = await api.put<FieldErrors>(`${servicePath(b).replace('-services', '-services--')}${disabled}`, { status: 'active' });
  assert.equal(reactivate.status, 422);
  assert.deepEqual(
    reactivate.body.map((e) => e.field),
    ['login'],
  );
  assert.equal((await api.get(`admin/customers/customer/${b}/internet-services--${disabled}`)).body.status, 'disabled', 'nothing changed');
});

test('an active service cannot take an active login; once the holder is disabled, the login is free again', async () => {
  const c = await newCustomer();
  const holder = await newService(c, { login: 'pppoe-200' });
  const other = await newService(c, { login: 'pppoe-201' });
  const item = (id: number) => `admin/customers/customer/${c}/internet-services--${id}`;
  assert.equal((await api.put(item(other), { login: 'pppoe-200' })).status, 422);
  assert.equal((await api.put(item(other), { description: 'Still its own login' })).status, 202);
  assert.equal((await api.put(item(holder), { status: 'disabled' })).status, 202);
  assert.equal((await api.put(item(other), { login: 'pppoe-200' })).status, 202);
  assert.equal((await api.put(item(holder), { status: 'active' })).status, 422, 'the old holder cannot come back while another has it');
});

test('RADIUS: the active service with the login and its password is accepted; anything else is rejected', async () => {
  const c = await newCustomer({ password: 'portal-pass-1' });
  const s = await newService(c, { login: 'radius-1', password: 'service-pass-1' });
  await newService(c, { login: 'radius-1', password: 'old-pass-1', status: 'disabled' });

  const ok = await authorize('radius-1', 'service-pass-1');
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { result: 'Access-Accept', reason: 'accepted', service_id: s, customer_id: c, password_source: 'service' });
  assert.deepEqual(
    [(await authorize('Radius-1', 'service-pass-1')).body.result],
    ['Access-Accept'],
    'logins match ignoring case, like the uniqueness rule',
  );
  const wrong = await authorize('radius-1', 'old-pass-1');
  assert.deepEqual([wrong.body.result, wrong.body.reason, wrong.body.service_id], ['Access-Reject', 'wrong_password', s]);
  assert.equal((await authorize('radius-1', 'portal-pass-1')).body.reason, 'wrong_password', 'a service password is not the portal one');
  assert.equal((await authorize('radius-1', 'SERVICE-PASS-1')).body.reason, 'wrong_password', 'passwords are case-sensitive');
  assert.deepEqual((await authorize('nobody', 'x')).body, {
    result: 'Access-Reject',
    reason: 'unknown_login',
    service_id: null,
    customer_id: null,
    password_source: null,
  });
});

test('RADIUS: an empty service password falls back to the customer portal password; with neither, nobody gets in', async () => {
  const c = await newCustomer({ password: 'portal-pass-2' });
  const s = await newService(c, { login: 'radius-2' });
  const ok = await authorize('radius-2', 'portal-pass-2');
  assert.deepEqual([ok.body.result, ok.body.password_source, ok.body.service_id], ['Access-Accept', 'customer', s]);
  assert.equal((await authorize('radius-2', '')).body.reason, 'wrong_password', 'the empty service password itself is no password');

  const bare = await newCustomer();
  await newService(bare, { login: 'radius-3' });
  const none = await authorize('radius-3', '');
  assert.deepEqual([none.body.result, none.body.reason], ['Access-Reject', 'no_password']);
});

test('RADIUS: disabled, stopped and ended services are rejected; an end date today still lets in', async () => {
  const c = await newCustomer({ password: 'portal-pass-4' });
  await newService(c, { login: 'radius-4', password: 'pw-4', status: 'disabled' });
  await newService(c, { login: 'radius-5', password: 'pw-5', status: 'stopped' });
  await newService(c, { login: 'radius-6', password: 'pw-6', end_date: '2024-06-14' });
  await newService(c, { login: 'radius-7', password: 'pw-7', end_date: TODAY });
  assert.equal((await authorize('radius-4', 'pw-4')).body.reason, 'service_not_active');
  assert.equal((await authorize('radius-5', 'pw-5')).body.reason, 'service_not_active');
  assert.equal((await authorize('radius-6', 'pw-6')).body.reason, 'service_ended');
  assert.equal((await authorize('radius-7', 'pw-7')).body.result, 'Access-Accept');
});

test('RADIUS answers never hold a password, and a malformed request is a 400', async () => {
  const c = await newCustomer({ password: 'portal-pass-8' });
  await newService(c, { login: 'radius-8', password: 'service-pass-8' });
  await newService(c, { login: 'radius-9' });
  for (const [login, password] of [
    ['radius-8', 'service-pass-8'],
    ['radius-8', 'portal-pass-8'],
    ['radius-9', 'portal-pass-8'],
    ['radius-9', 'guess'],
  ]) {
    const r = await authorize(login, password);
    for (const secret of ['service-pass-8', 'portal-pass-8']) assert.ok(!r.text.includes(secret), `${login}: no password in the answer`);
  }
  assert.equal((await authorize('radius-8', undefined)).status, 400);
  assert.equal((await authorize(42, 'x')).status, 400);
});

test('passwords as the blueprint has them: a service GET shows its password, a customer one only on a single GET', async () => {
  const c = await newCustomer({ password: 'portal-pass-10' });
  const s = await newService(c, { login: 'radius-10', password: 'service-pass-10' });
  assert.equal((await api.get(`admin/customers/customer/${c}/internet-services--${s}`)).body.password, 'service-pass-10');
  assert.equal((await api.get(servicePath(c))).body[0].password, 'service-pass-10', '"Customer Internet service Response" in lists too');
  assert.equal((await api.get(`admin/customers/customer/${c}`)).body.password, 'portal-pass-10', '"Customer Response" (L2608)');
  const listed = (await api.get('admin/customers/customer')).body.find((x: any) => x.id === String(c));
  assert.ok(listed && !('password' in listed), '"Customers Response" (L2524+) has no password');
  assert.equal(
    (await api.get('admin/customers/customer?main_attributes[password]=portal-pass-10')).status,
    400,
    'nor can a list search by it',
  );
});

test('subscriber passwords Splynx holds are registered for the leak check, and nothing else is', async () => {
  const before = issuedCredentials().length;
  const c = await newCustomer({ password: 'portal-pass-11' });
  await newService(c, { login: 'radius-11', password: 'service-pass-11' });
  await newService(c, { login: 'radius-12' });
  const added = issuedCredentials().slice(before);
  assert.deepEqual(added.map((x) => x.value).sort(), ['portal-pass-11', 'service-pass-11']);
  assert.ok(
    added.every((x) => !x.label.includes(x.value)),
    'a label names whose password, never the value',
  );
});
