// The Splynx sandbox's charge engine, over real HTTP: POST admin/finance/to-bill/{cid}--preview|--generate.
// Every expected figure is worked out by hand from the references' own examples (finance_settings.md
// examples A and B, the blueprint's to-bill example, customer_services.md point 6), with the
// rounding the sandbox README states (prorate per unit and per period, to the cent, half away from zero).
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

type Kind = 'internet' | 'recurring' | 'voice';
const RESULT_KEY = { internet: 'internet', recurring: 'custom', voice: 'voice' } as const;
let titles = 0;

async function created(path: string, body: Record<string, unknown>): Promise<number> {
  const r = await api.post(path, body);
  assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
  return Number(r.body.id);
}

async function newCustomer(billingDay = 1, extra: Record<string, unknown> = {}): Promise<number> {
  const id = await created('admin/customers/customer', { name: 'Billed', partner_id: 1, location_id: 1, status: 'active', ...extra });
  const r = await api.put(`admin/customers/customer-billing/${id}`, { billing_date: billingDay });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return id;
}

async function newTariff(kind: Kind, price: number, extra: Record<string, unknown> = {}): Promise<number> {
  const base = { title: `Plan ${++titles}`, partners_ids: [1], price, with_vat: 0, ...extra };
  if (kind === 'internet') return created('admin/tariffs/internet', { speed_download: 10_000, speed_upload: 1_000, ...base });
  return created(`admin/tariffs/${kind}`, base);
}

let logins = 0;
async function newService(customer: number, kind: Kind, tariff: number, extra: Record<string, unknown> = {}): Promise<number> {
  const body: Record<string, unknown> = {
    tariff_id: tariff,
    status: 'active',
    description: `${kind} service`,
    quantity: 1,
    start_date: '2024-01-01',
    end_date: '0000-00-00',
    ...(kind === 'internet' ? { login: `billed-${++logins}`, taking_ipv4: 0 } : {}),
    ...(kind === 'voice' ? { phone: `555-${++logins}` } : {}),
    ...extra,
  };
  return created(`admin/customers/customer/${customer}/${kind}-services`, body);
}

interface ToBill {
  result: Record<'internet' | 'custom' | 'voice', Record<string, { debit: Array<Record<string, unknown>> }>>;
  invoice: { id: string; number: string };
}

async function toBill(customer: number, action: 'preview' | 'generate', toBillDate: string, period: number): Promise<ToBill> {
  const r = await api.post<ToBill>(`admin/finance/to-bill/${customer}--${action}`, { toBillDate, transactionDate: toBillDate, period });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const preview = (c: number, date: string, period: number) => toBill(c, 'preview', date, period);

/** The debit lines for one service, as [from, to, days, total]. */
const spans = (res: ToBill, kind: Kind, service: number) =>
  (res.result[RESULT_KEY[kind]][String(service)]?.debit ?? []).map((d) => [d.from, d.to, d.days, d.total]);

test('example A: start 15 March, billing day 1 — a March invoice covers 15–31 March, the next 1–30 April', async () => {
  const c = await newCustomer(1);
  const s = await newService(c, 'internet', await newTariff('internet', 31), { start_date: '2024-03-15' });
  // 17 of March's 31 days at 31.00 a month.
  assert.deepEqual(spans(await preview(c, '2024-03-01', 1), 'internet', s), [['2024-03-15', '2024-03-31', 17, 17]]);
  await toBill(c, 'generate', '2024-03-01', 1);
  assert.deepEqual(spans(await preview(c, '2024-04-01', 1), 'internet', s), [['2024-04-01', '2024-04-30', 30, 31]]);
});

test('example B: start 15 March, billing day 1 — a first invoice made in April covers 15 March – 30 April', async () => {
  const c = await newCustomer(1);
  const s = await newService(c, 'internet', await newTariff('internet', 31), { start_date: '2024-03-15' });
  assert.deepEqual(spans(await preview(c, '2024-04-01', 1), 'internet', s), [['2024-03-15', '2024-04-30', 47, 17 + 31]]);
});

test("the blueprint's example is postpay: date 2017-12-01 charges 2017-10-22 – 2017-11-30 and 2017-11-01 – 2017-11-30", async () => {
  const c = await newCustomer(1);
  const first = await newService(c, 'internet', await newTariff('internet', 31), { start_date: '2017-10-22' });
  const second = await newService(c, 'internet', await newTariff('internet', 30), { start_date: '2017-11-01' });
  const custom = await newService(c, 'recurring', await newTariff('recurring', 62), { start_date: '2017-10-22' });
  const res = await preview(c, '2017-12-01', 0);
  // 10 of October's 31 days, then November whole.
  assert.deepEqual(spans(res, 'internet', first), [['2017-10-22', '2017-11-30', 40, 10 + 31]]);
  assert.deepEqual(spans(res, 'internet', second), [['2017-11-01', '2017-11-30', 30, 30]]);
  assert.deepEqual(spans(res, 'recurring', custom), [['2017-10-22', '2017-11-30', 40, 20 + 62]]);
  assert.deepEqual(res.result.internet[String(first)].debit[0], {
    description: 'internet service',
    quantity: 1,
    unit: '',
    days: 40,
    price: 41,
    tax_percent: 0,
    total: 41,
    date: '2017-12-01',
    from: '2017-10-22',
    to: '2017-11-30',
  });
  assert.deepEqual(res.result.voice, {});
  assert.deepEqual(res.invoice, { id: '', number: '' }, 'a preview makes no invoice');
});

test('billing day 10: periods run from the 10th to the 9th of the next month', async () => {
  const c = await newCustomer(10);
  const tariff = await newTariff('internet', 31);
  const whole = await newService(c, 'internet', tariff, { start_date: '2024-01-10' });
  const mid = await newService(c, 'internet', tariff, { start_date: '2024-01-20' });
  // Prepay from a date inside 10 Jan – 9 Feb: that period, nothing of the next.
  const early = await preview(c, '2024-02-05', 1);
  assert.deepEqual(spans(early, 'internet', whole), [['2024-01-10', '2024-02-09', 31, 31]]);
  // 20 Jan – 9 Feb is 21 of the period's 31 days.
  assert.deepEqual(spans(early, 'internet', mid), [['2024-01-20', '2024-02-09', 21, 21]]);
  // On the billing day itself, prepay charges the period it starts, the back period too.
  assert.deepEqual(spans(await preview(c, '2024-02-10', 1), 'internet', whole), [['2024-01-10', '2024-03-09', 60, 62]]);
  // Postpay on the same day charges only the period that ended.
  assert.deepEqual(spans(await preview(c, '2024-02-10', 0), 'internet', whole), [['2024-01-10', '2024-02-09', 31, 31]]);
  // Three months prepaid: 10 Jan – 9 May.
  assert.deepEqual(spans(await preview(c, '2024-02-10', 3), 'internet', whole), [['2024-01-10', '2024-05-09', 121, 124]]);
});

test('a partial first period is prorated by days, per unit, to the cent (half away from zero)', async () => {
  const c = await newCustomer(1);
  const tenner = await newTariff('internet', 10);
  const one = await newService(c, 'internet', tenner, { start_date: '2024-03-15' });
  const three = await newService(c, 'internet', tenner, { start_date: '2024-03-15', quantity: 3 });
  const cheap = await newService(c, 'internet', await newTariff('internet', 0.15), { start_date: '2024-04-30' });
  // 10.00 × 17/31 = 5.4838… → 5.48 a unit; three units 16.44 (not 16.45 from 30.00 × 17/31).
  const march = await preview(c, '2024-03-15', 1);
  assert.deepEqual(spans(march, 'internet', one), [['2024-03-15', '2024-03-31', 17, 5.48]]);
  assert.deepEqual(spans(march, 'internet', three), [['2024-03-15', '2024-03-31', 17, 16.44]]);
  assert.equal(march.result.internet[String(three)].debit[0].price, 5.48);
  // 0.15 × 1/30 = 0.005 → 0.01.
  assert.deepEqual(spans(await preview(c, '2024-04-30', 1), 'internet', cheap), [['2024-04-30', '2024-04-30', 1, 0.01]]);
});

test('a disabled service without an end date is still billed (customer_services.md point 6)', async () => {
  const c = await newCustomer(1);
  const tariff = await newTariff('internet', 20);
  const disabled = await newService(c, 'internet', tariff, { status: 'disabled' });
  const active = await newService(c, 'internet', tariff);
  const res = await preview(c, '2024-02-01', 1);
  assert.deepEqual(spans(res, 'internet', disabled), [['2024-01-01', '2024-02-29', 60, 40]]);
  assert.deepEqual(spans(res, 'internet', active), spans(res, 'internet', disabled));
});

test('point 6: a disabled service with end date 2022-01-25 is charged up to 2022-01-31, and nothing after', async () => {
  const c = await newCustomer(1);
  const s = await newService(c, 'internet', await newTariff('internet', 25), {
    status: 'disabled',
    start_date: '2022-01-01',
    end_date: '2022-01-25',
  });
  const whole = [['2022-01-01', '2022-01-31', 31, 25]];
  assert.deepEqual(spans(await preview(c, '2022-02-01', 0), 'internet', s), whole);
  assert.deepEqual(spans(await preview(c, '2022-02-01', 1), 'internet', s), whole, 'prepay does not reach past the end date');
  assert.deepEqual(spans(await preview(c, '2022-06-01', 12), 'internet', s), whole);
  assert.deepEqual(spans(await preview(c, '2022-01-01', 1), 'internet', s), whole, 'the period with the end date is charged in full');
});

test('an end date stops billing: nothing after the period that contains it', async () => {
  const c = await newCustomer(1);
  const s = await newService(c, 'internet', await newTariff('internet', 30), { start_date: '2024-01-01', end_date: '2024-03-10' });
  assert.deepEqual(spans(await preview(c, '2024-06-01', 1), 'internet', s), [['2024-01-01', '2024-03-31', 91, 90]]);
  await toBill(c, 'generate', '2024-03-01', 1);
  assert.deepEqual(spans(await preview(c, '2024-04-01', 1), 'internet', s), [], 'April is after the end date');
});

test('stopped, pending and hidden (archived) services are not billed; active ones of the same customer are', async () => {
  const c = await newCustomer(1);
  const tariff = await newTariff('internet', 30);
  const quiet = [];
  for (const status of ['stopped', 'pending', 'hidden']) quiet.push(await newService(c, 'internet', tariff, { status }));
  const active = await newService(c, 'internet', tariff);
  const res = await preview(c, '2024-02-01', 0);
  assert.deepEqual(Object.keys(res.result.internet), [String(active)]);
  for (const s of quiet) assert.deepEqual(spans(res, 'internet', s), []);
});

test('days covered by a debit transaction naming the service and the period are not charged again', async () => {
  const c = await newCustomer(1);
  const tariff = await newTariff('internet', 30);
  const s = await newService(c, 'internet', tariff, { start_date: '2020-01-01' });
  const partly = await newService(c, 'internet', tariff, { start_date: '2020-01-01' });
  const charged = (service: number, period_to: string) =>
    created('admin/finance/transactions', {
      type: 'debit',
      customer_id: c,
      tax_percent: 0,
      date: '2020-01-01',
      category: 1,
      price: 1,
      service_id: service,
      service_type: 'internet',
      period_from: '2020-01-01',
      period_to,
    });
  await charged(s, '2024-05-31');
  await charged(partly, '2024-06-15');
  const res = await preview(c, '2024-06-01', 1);
  assert.deepEqual(spans(res, 'internet', s), [['2024-06-01', '2024-06-30', 30, 30]], 'four and a half years are not billed again');
  // The rest of June: 15 of its 30 days.
  assert.deepEqual(spans(res, 'internet', partly), [['2024-06-16', '2024-06-30', 15, 15]]);
});

test('a transaction without a service or without a period covers nothing', async () => {
  const c = await newCustomer(1);
  const tariff = await newTariff('internet', 30);
  const s = await newService(c, 'internet', tariff, { start_date: '2024-01-01' });
  const other = await newService(c, 'internet', tariff, { start_date: '2024-05-01' });
  const tx = (extra: Record<string, unknown>) =>
    created('admin/finance/transactions', {
      type: 'debit',
      customer_id: c,
      tax_percent: 0,
      date: '2024-01-01',
      category: 1,
      price: 150,
      ...extra,
    });
  await tx({ description: 'January to May, as a manual charge' });
  await tx({ period_from: '2024-01-01', period_to: '2024-05-31' });
  await tx({ service_id: s, service_type: 'internet' });
  await tx({ service_id: other, service_type: 'internet', period_from: '2024-01-01', period_to: '2024-05-31' });
  await tx({ type: 'credit', service_id: s, service_type: 'internet', period_from: '2024-01-01', period_to: '2024-05-31' });
  assert.deepEqual(spans(await preview(c, '2024-06-01', 1), 'internet', s), [['2024-01-01', '2024-06-30', 182, 180]]);
});

test('price: the unit price times quantity, else the tariff price; tax from the tariff', async () => {
  const c = await newCustomer(1);
  const plain = await newTariff('internet', 30);
  const own = await newService(c, 'internet', plain, { unit_price: 45, quantity: 2 });
  const fromTariff = await newService(c, 'internet', plain, { quantity: 2 });
  const vat = await newService(c, 'internet', await newTariff('internet', 10, { vat_percent: 20 }));
  const reduced = await newService(c, 'internet', await newTariff('internet', 10, { tax_id: 2, vat_percent: 20 }));
  const included = await newService(c, 'internet', await newTariff('internet', 12, { with_vat: 1, vat_percent: 20 }));
  const res = await preview(c, '2024-01-01', 1);
  const line = (s: number) => {
    const d = res.result.internet[String(s)].debit[0];
    return [d.quantity, d.price, d.tax_percent, d.total];
  };
  assert.deepEqual(line(own), [2, 45, 0, 90]);
  assert.deepEqual(line(fromTariff), [2, 30, 0, 60]);
  assert.deepEqual(line(vat), [1, 10, 20, 12], 'tax added to a price without VAT');
  assert.deepEqual(line(reduced), [1, 10, 5, 10.5], "the tariff's tax (id 2, 5 %) wins over vat_percent");
  assert.deepEqual(line(included), [1, 10, 20, 12], 'a price with VAT included keeps its total');
});

test("the customer's billing switch decides; a blocked customer is still billed", async () => {
  const off = await newCustomer(1);
  await newService(off, 'internet', await newTariff('internet', 30));
  assert.equal((await api.put(`admin/customers/customer-billing/${off}`, { enabled: 0 })).status, 202);
  const nothing = await preview(off, '2024-02-01', 1);
  assert.deepEqual(nothing.result, { internet: {}, custom: {}, voice: {} });

  const blocked = await newCustomer(1, { status: 'blocked' });
  const s = await newService(blocked, 'internet', await newTariff('internet', 30));
  assert.deepEqual(spans(await preview(blocked, '2024-01-01', 1), 'internet', s), [['2024-01-01', '2024-01-31', 31, 30]]);
});

test('a preview writes nothing', async () => {
  const c = await newCustomer(1);
  await newService(c, 'internet', await newTariff('internet', 30), { start_date: '2023-01-01' });
  await newService(c, 'recurring', await newTariff('recurring', 5), { start_date: '2023-06-01' });
  const snapshot = () =>
    JSON.stringify({
      counts: sb.store.counts(),
      rows: ['transactions', 'invoices', 'internet_services', 'recurring_services', 'customer_billing', 'customers'].map((t) =>
        sb.store.all(t),
      ),
    });
  const before = snapshot();
  const res = await preview(c, '2024-06-01', 1);
  assert.ok(Object.keys(res.result.internet).length && Object.keys(res.result.custom).length, 'the preview charges something');
  assert.equal(snapshot(), before);
  await toBill(c, 'generate', '2024-06-01', 1);
  assert.notEqual(snapshot(), before, 'the same run generated does write');
});

test('generate writes exactly what the preview showed; a second generate for the same date charges nothing', async () => {
  const c = await newCustomer(5);
  const net = await newService(c, 'internet', await newTariff('internet', 31), { start_date: '2024-03-20', unit: 'month' });
  const tv = await newService(c, 'recurring', await newTariff('recurring', 12, { vat_percent: 20 }), {
    start_date: '2024-04-05',
    quantity: 2,
  });
  const shown = await preview(c, '2024-04-05', 1);
  const done = await toBill(c, 'generate', '2024-04-05', 1);
  assert.deepEqual(done.result, shown.result);
  assert.match(done.invoice.id, /^\d+$/);
  assert.match(done.invoice.number, /^\d+$/);
  // 20 March – 4 April is 16 of 31 days (5 March – 4 April): 16.00, then 5 April – 4 May whole.
  assert.deepEqual(spans(done, 'internet', net), [['2024-03-20', '2024-05-04', 46, 47]]);
  assert.deepEqual(spans(done, 'recurring', tv), [['2024-04-05', '2024-05-04', 30, 28.8]]);

  const txs = (await api.get(`admin/finance/transactions?main_attributes[customer_id]=${c}`)).body;
  const pick = (t: any) => [
    t.type,
    t.service_type,
    t.service_id,
    t.period_from,
    t.period_to,
    t.quantity,
    t.price,
    t.tax_percent,
    t.total,
    t.date,
  ];
  assert.deepEqual(txs.map(pick), [
    ['debit', 'internet', String(net), '2024-03-20', '2024-05-04', '1', '47.0000', '0.0000', '47.0000', '2024-04-05'],
    ['debit', 'custom', String(tv), '2024-04-05', '2024-05-04', '2', '12.0000', '20.0000', '28.8000', '2024-04-05'],
  ]);
  assert.ok(txs.every((t: any) => t.invoice_id === done.invoice.id));
  const invoice = (await api.get(`admin/finance/invoices/${done.invoice.id}`)).body;
  assert.equal(invoice.number, done.invoice.number);
  assert.equal(invoice.total, '75.8000');
  assert.equal(invoice.type, 'recurring');
  assert.deepEqual(
    invoice.items.map((i: any) => [i.description, i.quantity, i.price, i.tax, i.period_from, i.period_to]),
    [
      ['internet service', '1', '47.0000', '0.0000', '2024-03-20', '2024-05-04'],
      ['recurring service', '2', '12.0000', '20.0000', '2024-04-05', '2024-05-04'],
    ],
  );

  const counts = JSON.stringify(sb.store.counts());
  const again = await toBill(c, 'generate', '2024-04-05', 1);
  assert.deepEqual(again, { result: { internet: {}, custom: {}, voice: {} }, invoice: { id: '', number: '' } });
  assert.equal(JSON.stringify(sb.store.counts()), counts, 'nothing written the second time');
  // The next month charges the next period only.
  assert.deepEqual(spans(await preview(c, '2024-05-05', 1), 'internet', net), [['2024-05-05', '2024-06-04', 31, 31]]);
});

test('the request is checked: dates, period 0–12, an existing customer', async () => {
  const c = await newCustomer(1);
  const bad = await api.post(`admin/finance/to-bill/${c}--preview`, { toBillDate: '2024-02-30', transactionDate: 'soon', period: 13 });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.map((e: any) => e.field).sort(), ['period', 'toBillDate', 'transactionDate']);
  const missing = await api.post(`admin/finance/to-bill/${c}--preview`, {});
  assert.deepEqual(missing.body.map((e: any) => e.field).sort(), ['period', 'toBillDate']);
  assert.equal((await api.post('admin/finance/to-bill/999999--preview', { toBillDate: '2024-01-01', period: 1 })).status, 404);
  assert.equal((await api.post(`admin/finance/to-bill/${c}--charge`, { toBillDate: '2024-01-01', period: 1 })).status, 404);
  const noDate = await api.post(`admin/finance/to-bill/${c}--preview`, { toBillDate: '2024-01-01', period: '0' });
  assert.equal(noDate.status, 201, 'transactionDate defaults to toBillDate; a form-style "0" is a period');
});

test('transactions keep service_id, service_type, period_from and period_to, and check them', async () => {
  const c = await newCustomer(1);
  const stranger = await newCustomer(1);
  const tariff = await newTariff('internet', 30);
  const s = await newService(c, 'internet', tariff);
  const theirs = await newService(stranger, 'internet', tariff);
  const base = { type: 'debit', customer_id: c, tax_percent: 0, date: '2024-01-01', category: 1, price: 30 };
  const id = await created('admin/finance/transactions', {
    ...base,
    service_id: s,
    service_type: 'internet',
    period_from: '2024-01-01',
    period_to: '2024-01-31',
  });
  const got = (await api.get(`admin/finance/transactions/${id}`)).body;
  assert.deepEqual([got.service_id, got.service_type, got.period_from, got.period_to], [String(s), 'internet', '2024-01-01', '2024-01-31']);
  const refused = async (extra: Record<string, unknown>) => {
    const r = await api.post('admin/finance/transactions', { ...base, ...extra });
    assert.equal(r.status, 422, JSON.stringify(extra));
    return r.body.map((e: any) => e.field).sort();
  };
  assert.deepEqual(await refused({ service_id: theirs, service_type: 'internet' }), ['service_id'], "another customer's service");
  assert.deepEqual(await refused({ service_id: s, service_type: 'custom' }), ['service_id'], 'no such recurring service');
  assert.deepEqual(await refused({ service_id: s }), ['service_type']);
  assert.deepEqual(await refused({ service_id: s, service_type: 'satellite' }), ['service_type']);
  assert.deepEqual(await refused({ period_from: '2024-02-01', period_to: '2024-01-31' }), ['period_to']);
  assert.deepEqual(await refused({ period_from: '2024-02-01' }), ['period_to']);
  assert.deepEqual(await refused({ period_from: '2024-13-01', period_to: '2024-01-31' }), ['period_from']);
  assert.equal((await api.put(`admin/finance/transactions/${id}`, { service_id: theirs })).status, 422);
  assert.equal((await api.put(`admin/finance/transactions/${id}`, { description: 'January' })).status, 202);
});

test("a service's own price: unset takes the tariff's when created, 0 is free, and a tariff's new price does not reach it", async () => {
  // customer_services.md: "Price - the price of the tariff (custom prices can be set that differ from
  // service price in the tariff configuration)"; internet_plans.md: existing services keep their price
  // unless the update is forced; radius_customization.md: service.unit_price "can differ from the tariff.price".
  const c = await newCustomer(1);
  const tariff = await newTariff('internet', 30);
  const unset = await newService(c, 'internet', tariff);
  const free = await newService(c, 'internet', tariff, { unit_price: 0 });
  const own = await newService(c, 'internet', tariff, { unit_price: 12.5 });
  const read = async (s: number) => (await api.get(`admin/customers/customer/${c}/internet-services--${s}`)).body as { unit_price: string };
  assert.equal((await read(unset)).unit_price, '30.0000', 'the tariff price, written on the service');
  assert.equal((await read(free)).unit_price, '0.0000');
  assert.equal((await api.put(`admin/tariffs/internet/${tariff}`, { price: 40 })).status, 202);
  const res = await preview(c, '2024-01-01', 1);
  assert.deepEqual(spans(res, 'internet', unset), [['2024-01-01', '2024-01-31', 31, 30]], 'the price it was created with');
  assert.deepEqual(spans(res, 'internet', free), [['2024-01-01', '2024-01-31', 31, 0]], 'an explicit 0 is free');
  assert.deepEqual(spans(res, 'internet', own), [['2024-01-01', '2024-01-31', 31, 12.5]]);
  // A service created after the change takes the new price.
  const later = await newService(c, 'internet', tariff);
  assert.equal((await read(later)).unit_price, '40.0000');
});
