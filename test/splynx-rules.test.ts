// The Splynx sandbox's validation: 422 bodies, uniqueness, references, additional fields, IPs, uploads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxClient } from '../lib/sandbox/splynx/client.js';

let sb: SplynxSandbox;
let api: SplynxClient;

before(async () => {
  sb = await startSplynxSandbox({ apiKey: 'k', apiSecret: 's' });
  api = new SplynxClient(sb.url, 'k', 's');
});
after(() => sb.close());

type FieldErrors = Array<{ field: string; message: string }>;
const fieldsOf = (body: FieldErrors) => body.map((e) => e.field).sort();
const customer = (extra: Record<string, unknown> = {}) => ({ name: 'C', partner_id: 1, location_id: 1, ...extra });
const tariff = (title: string) => ({ title, speed_download: 10_000, speed_upload: 1_000, partners_ids: [1], price: 25 });
const service = (extra: Record<string, unknown>) => ({
  tariff_id: 1,
  status: 'active',
  description: 'Internet',
  quantity: 1,
  unit_price: 25,
  start_date: '2024-01-01',
  end_date: '0000-00-00',
  taking_ipv4: 0,
  ...extra,
});

async function newCustomer(extra: Record<string, unknown> = {}): Promise<number> {
  const r = await api.post('admin/customers/customer', customer(extra));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

test('422 lists every problem at once in Yii2 shape', async () => {
  const r = await api.post<FieldErrors>('admin/customers/customer', {
    city: 'x'.repeat(33),
    status: 'sleeping',
    date_add: '2024-02-30',
    email: 'not-an-email',
  });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldsOf(r.body), ['city', 'date_add', 'email', 'location_id', 'name', 'partner_id', 'status']);
  const msg = Object.fromEntries(r.body.map((e) => [e.field, e.message]));
  assert.equal(msg.city, 'City should contain at most 32 characters.');
  assert.equal(msg.name, 'Name cannot be blank.');
  assert.equal(msg.status, 'Status is invalid.');
  assert.equal(msg.date_add, 'The format of Date Add is invalid.');
  assert.equal(sb.store.count('customers'), 0, 'nothing is stored');
});

test('PUT validates the merged record and keeps the old one on failure', async () => {
  const id = await newCustomer({ city: 'Dover' });
  const r = await api.put<FieldErrors>(`admin/customers/customer/${id}`, { city: 'y'.repeat(40), category: 'alien', name: '' });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldsOf(r.body), ['category', 'city', 'name']);
  assert.equal((await api.get(`admin/customers/customer/${id}`)).body.city, 'Dover');
  assert.equal((await api.put(`admin/customers/customer/${id}`, { email: 'a@b.example, c@d.example' })).status, 202, 'several emails');
});

test('customer login is unique (ignoring case); unknown partner/location refused', async () => {
  await newCustomer({ login: 'Jack' });
  const dup = await api.post<FieldErrors>('admin/customers/customer', customer({ login: 'jack' }));
  assert.equal(dup.status, 422);
  assert.deepEqual(dup.body, [{ field: 'login', message: 'Login "jack" has already been taken.' }]);
  const refs = await api.post<FieldErrors>('admin/customers/customer', customer({ partner_id: 42, location_id: 43, parent_id: 999 }));
  assert.deepEqual(fieldsOf(refs.body), ['location_id', 'parent_id', 'partner_id']);
});

test('tariff title is unique per tariff type; partners_ids must exist', async () => {
  assert.equal((await api.post('admin/tariffs/internet', tariff('Fiber 100'))).status, 201);
  const dup = await api.post<FieldErrors>('admin/tariffs/internet', tariff('fiber 100'));
  assert.equal(dup.status, 422);
  assert.deepEqual(fieldsOf(dup.body), ['title']);
  assert.equal(
    (await api.post('admin/tariffs/recurring', { title: 'Fiber 100', partners_ids: [1] })).status,
    201,
    'another type may reuse it',
  );
  const bad = await api.post<FieldErrors>('admin/tariffs/internet', { ...tariff('X'), partners_ids: [1, 7], available_for_locations: [9] });
  assert.deepEqual(fieldsOf(bad.body), ['available_for_locations', 'partners_ids']);
  const got = (await api.get('admin/tariffs/internet/1')).body;
  assert.deepEqual(got.partners_ids, ['1']);
  assert.equal(got.price, '25.0000');
  assert.equal(got.service_name, 'Fiber 100');
});

test('internet services: required fields, unique login across customers, unknown tariff/router/customer', async () => {
  const a = await newCustomer();
  const b = await newCustomer();
  const missing = await api.post<FieldErrors>(`admin/customers/customer/${a}/internet-services`, {});
  assert.deepEqual(fieldsOf(missing.body), [
    'description',
    'end_date',
    'login',
    'quantity',
    'start_date',
    'status',
    'taking_ipv4',
    'tariff_id',
  ]);
  assert.equal((await api.post(`admin/customers/customer/${a}/internet-services`, service({ login: 'pppoe-1' }))).status, 201);
  const dup = await api.post<FieldErrors>(`admin/customers/customer/${b}/internet-services`, service({ login: 'PPPOE-1' }));
  assert.deepEqual(fieldsOf(dup.body), ['login']);
  const refs = await api.post<FieldErrors>(
    `admin/customers/customer/${b}/internet-services`,
    service({ login: 'x', tariff_id: 99, router_id: 5 }),
  );
  assert.deepEqual(fieldsOf(refs.body), ['router_id', 'tariff_id']);
  const nobody = await api.post<FieldErrors>('admin/customers/customer/9999/internet-services', service({ login: 'y' }));
  assert.deepEqual(fieldsOf(nobody.body), ['customer_id']);
  const all = await api.get('admin/customers/customer/0/internet-services?main_attributes[login]=pppoe-1');
  assert.equal(all.body.length, 1);
  assert.equal(all.body[0].customer_id, String(a));
  assert.equal((await api.get(`admin/customers/customer/${b}/internet-services--${all.body[0].id}`)).status, 404, 'scoped by customer');
});

test('static IPs: inside a network, not twice, freed on delete', async () => {
  const net = await api.post('admin/networking/ipv4', {
    network: '192.168.10.0',
    mask: 24,
    title: 'Static',
    location_id: 1,
    network_category: 1,
    type_of_usage: 'static',
  });
  assert.equal(net.status, 201);
  const ips = await api.get(`admin/networking/ipv4-ip/${net.body.id}`);
  assert.equal(ips.body.length, 254, 'host addresses are created with a /24');
  const misaligned = await api.post<FieldErrors>('admin/networking/ipv4', {
    network: '10.1.1.7',
    mask: 24,
    title: 'x',
    location_id: 1,
    network_category: 1,
  });
  assert.deepEqual(fieldsOf(misaligned.body), ['network']);

  const c = await newCustomer();
  const path = `admin/customers/customer/${c}/internet-services`;
  const outside = await api.post<FieldErrors>(path, service({ login: 'ip-1', taking_ipv4: 1, ipv4: '172.16.0.5' }));
  assert.deepEqual(fieldsOf(outside.body), ['ipv4']);
  const broadcast = await api.post<FieldErrors>(path, service({ login: 'ip-1', taking_ipv4: 1, ipv4: '192.168.10.255' }));
  assert.deepEqual(fieldsOf(broadcast.body), ['ipv4']);
  const okay = await api.post(path, service({ login: 'ip-1', taking_ipv4: 1, ipv4: '192.168.10.20' }));
  assert.equal(okay.status, 201);
  const taken = await api.post<FieldErrors>(path, service({ login: 'ip-2', taking_ipv4: 1, ipv4: '192.168.10.20' }));
  assert.equal(taken.status, 422);
  assert.match(taken.body[0].message, /already been taken/);

  const used = await api.get(`admin/networking/ipv4-ip?main_attributes[ipv4_networks_id]=${net.body.id}&main_attributes[is_used]=1`);
  assert.deepEqual(
    used.body.map((r: any) => [r.ip, r.customer_id]),
    [['192.168.10.20', String(c)]],
  );
  assert.equal((await api.delete(`admin/networking/ipv4/${net.body.id}`)).status, 400, 'a network with used addresses stays');

  assert.equal((await api.delete(`${path}--${okay.body.id}`)).status, 204);
  const free = await api.get(`admin/networking/ipv4-ip/${net.body.id}--${used.body[0].id}`);
  assert.equal(free.body.is_used, '0');
  assert.equal(free.body.customer_id, '0');
});

test('routers: unique title and ip, a service on one or on none; unknown network refused for ipv4-ip listing', async () => {
  const router = {
    title: 'Core',
    ip: '10.0.0.1',
    partners_ids: [1],
    location_id: 1,
    authorization_method: 'ppp_secrets',
    accounting_method: 'radius',
    nas_type: 1,
  };
  const made = await api.post('admin/networking/routers', router);
  assert.equal(made.status, 201);
  // An internet service's router_id (api-v2.apib, "Customer Internet service Base") names a router, or 0 for none.
  const c = await newCustomer();
  const on = await api.post(`admin/customers/customer/${c}/internet-services`, service({ login: 'on-core', router_id: made.body.id }));
  assert.equal(on.status, 201, JSON.stringify(on.body));
  assert.equal(
    String((await api.get(`admin/customers/customer/${c}/internet-services--${on.body.id}`)).body.router_id),
    String(made.body.id),
  );
  assert.equal(
    (await api.post(`admin/customers/customer/${c}/internet-services`, service({ login: 'on-none', router_id: 0 }))).status,
    201,
  );
  const dup = await api.post<FieldErrors>('admin/networking/routers', router);
  assert.deepEqual(fieldsOf(dup.body), ['ip', 'title']);
  const badIp = await api.post<FieldErrors>('admin/networking/routers', { ...router, title: 'Edge', ip: '10.0.0.300', location_id: 5 });
  assert.deepEqual(fieldsOf(badIp.body), ['ip', 'location_id']);
  assert.equal((await api.get('admin/networking/ipv4-ip/999')).status, 404);
});

test('additional fields: define, set, read, filter, and refuse unknown names', async () => {
  const def = await api.post('admin/config/additional-fields/customers', {
    name: 'sonar_id',
    title: 'Sonar ID',
    type: 'integer',
    is_unique: 1,
  });
  assert.equal(def.status, 201);
  assert.deepEqual(def.body, { name: 'sonar_id' });
  await api.post('admin/config/additional-fields/customers', { name: 'tier', title: 'Tier', type: 'select', select_values: 'gold,silver' });
  assert.equal(
    (await api.post('admin/config/additional-fields/customers', { name: 'sonar_id', title: 'again', type: 'string' })).status,
    422,
  );
  assert.equal((await api.get('admin/config/additional-fields/customers--sonar_id')).body.title, 'Sonar ID');

  const id = await newCustomer({ additional_attributes: { sonar_id: 101, tier: 'gold' } });
  await newCustomer({ additional_attributes: { sonar_id: 102 } });
  const got = (await api.get(`admin/customers/customer/${id}`)).body;
  assert.deepEqual(got.additional_attributes, { sonar_id: '101', tier: 'gold' });

  const found = await api.get('admin/customers/customer?additional_attributes[sonar_id]=102');
  assert.equal(found.body.length, 1);
  const range = await api.get('admin/customers/customer?additional_attributes[sonar_id][0]=>=&additional_attributes[sonar_id][1]=101');
  assert.equal(range.body.length, 2);

  const unknown = await api.post<FieldErrors>('admin/customers/customer', customer({ additional_attributes: { shoe_size: 9 } }));
  assert.equal(unknown.status, 422);
  assert.deepEqual(fieldsOf(unknown.body), ['shoe_size']);
  const wrong = await api.put<FieldErrors>(`admin/customers/customer/${id}`, { additional_attributes: { tier: 'bronze', sonar_id: 102 } });
  assert.deepEqual(fieldsOf(wrong.body), ['sonar_id', 'tier']);
  const options = (await api.request('OPTIONS', 'admin/customers/customer')).body;
  assert.deepEqual(
    options.additional_attributes.map((a: any) => a.name),
    ['sonar_id', 'tier'],
  );
  assert.equal((await api.delete('admin/config/additional-fields/customers--tier')).status, 204);
  assert.deepEqual((await api.get(`admin/customers/customer/${id}`)).body.additional_attributes, { sonar_id: '101' });
});

test('notes, documents with upload, invoices with totals, payments and transactions', async () => {
  const c = await newCustomer();
  const note = await api.post('admin/customers/customer-notes', { customer_id: c, comment: 'migrated' });
  assert.equal(note.status, 201);
  assert.equal((await api.get(`admin/customers/customer-notes/${c}--${note.body.id}`)).body.comment, 'migrated');
  assert.deepEqual(fieldsOf((await api.post<FieldErrors>('admin/customers/customer-notes', { customer_id: 9999 })).body), [
    'comment',
    'customer_id',
  ]);

  const doc = await api.post('admin/customers/customer-documents', { customer_id: c, type: 'uploaded', title: 'Contract' });
  assert.equal(doc.status, 201);
  const form = new FormData();
  form.append('file', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'contract.pdf');
  assert.equal((await api.request('POST', `admin/customers/customer-documents/${doc.body.id}--upload`, form)).status, 202);
  const docs = (await api.get(`admin/customers/customer-documents/${c}`)).body;
  assert.equal(docs[0].filename_original, 'contract.pdf');

  const inv = await api.post('admin/finance/invoices', {
    customer_id: c,
    status: 'not_paid',
    items: [
      { description: 'Internet', quantity: 2, price: 10, tax: 20 },
      { description: 'Fee', price: 5 },
    ],
  });
  assert.equal(inv.status, 201);
  const invoice = (await api.get(`admin/finance/invoices/${inv.body.id}`)).body;
  assert.equal(invoice.total, '29.0000');
  assert.equal(invoice.items.length, 2);
  const noItems = await api.post<FieldErrors>('admin/finance/invoices', { customer_id: c, status: 'not_paid', items: [{ quantity: 1 }] });
  assert.deepEqual(fieldsOf(noItems.body), ['items[0][description]']);

  const pay = await api.post<FieldErrors>('admin/finance/payments', {
    customer_id: c,
    payment_type: 4,
    receipt_number: 'R1',
    date: '2024-01-05',
    amount: '29',
  });
  assert.deepEqual(fieldsOf(pay.body), ['payment_type'], 'payment method 4 does not exist on a fresh install');
  assert.equal(
    (await api.post('admin/finance/payments', { customer_id: c, payment_type: 2, receipt_number: 'R1', date: '2024-01-05', amount: '29' }))
      .status,
    201,
  );
  const tx = await api.post('admin/finance/transactions', {
    type: 'debit',
    customer_id: c,
    tax_percent: 0,
    date: '2024-01-01',
    category: 1,
    price: 12.5,
  });
  assert.equal(tx.status, 201);
  assert.equal((await api.get(`admin/finance/transactions/${tx.body.id}`)).body.total, '12.5000');

  assert.equal((await api.delete(`admin/customers/customer/${c}`)).status, 400, 'finance history blocks deleting a customer');
});

test('tickets accept multipart with a nested first message, and JSON', async () => {
  const form = new FormData();
  form.append('subject', 'No internet');
  form.append('priority', 'high');
  form.append('type_id', '2');
  form.append('message[message]', 'Since yesterday');
  const t = await api.request('POST', 'admin/support/tickets', form);
  assert.equal(t.status, 201, JSON.stringify(t.body));
  const msgs = (await api.get(`admin/support/ticket-messages?main_attributes[ticket_id]=${t.body.id}`)).body;
  assert.deepEqual(
    msgs.map((m: any) => m.message),
    ['Since yesterday'],
  );
  const ticket = (await api.get(`admin/support/tickets/${t.body.id}`)).body;
  assert.equal(ticket.status_id, '1');
  const bad = await api.post<FieldErrors>('admin/support/tickets', {
    subject: 'x',
    priority: 'critical',
    type_id: 9,
    status_id: 2,
    group_id: 7,
  });
  assert.deepEqual(fieldsOf(bad.body), ['group_id', 'priority', 'type_id']);
});

test('administrators: password required and hidden, login unique, lengths and role checked', async () => {
  const base = { login: 'ops', name: 'Ops', email: 'ops@example.com', role_name: 'engineer' };
  assert.deepEqual(fieldsOf((await api.post<FieldErrors>('admin/administration/administrators', base)).body), ['password']);
  assert.equal((await api.post('admin/administration/administrators', { ...base, password: 'p' })).status, 201);
  const bad = await api.post<FieldErrors>('admin/administration/administrators', {
    ...base,
    login: 'OPS',
    name: 'n'.repeat(65),
    role_name: 'overlord',
    password: 'p',
  });
  assert.deepEqual(fieldsOf(bad.body), ['login', 'name', 'role_name']);
});
