// Finance (invoices, payments) and support (tickets, replies, comments) against the Splynx sandbox:
// payloads Splynx accepts, a full load created once with opening balances equal to Sonar's to the
// cent, a re-run that writes nothing, commit-then-drop without duplicates, and dirty records as
// error rows with the right category.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { FaultController, parseFaultSpec } from '../lib/sandbox/faults.js';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { SplynxApi } from '../lib/splynx/client.js';
import { Ledger } from '../lib/ledger/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { ensureSonarIdFields } from '../lib/entities/sonar-id.js';
import { partners } from '../lib/entities/partners.js';
import { customers, MAPPING_SPECS as CUSTOMER_MAPPINGS } from '../lib/entities/customers.js';
import { invoices, invoiceTotalCents } from '../lib/entities/invoices.js';
import { invoiceStatusSync } from '../lib/entities/invoice-status.js';
import { payments, paymentCounts, MAPPING_SPECS as PAYMENT_MAPPINGS } from '../lib/entities/payments.js';
import { tickets, MAPPING_SPECS as TICKET_MAPPINGS } from '../lib/entities/tickets.js';
import { ticketReplies } from '../lib/entities/ticket-replies.js';
import { ticketComments } from '../lib/entities/ticket-comments.js';
import { compareOpeningBalances, sonarOpeningBalances } from '../lib/entities/finance-balances.js';
import { checkLookupMappings } from '../lib/entities/splynx-lookups.js';
import { supportAccountOf } from '../lib/entities/ticket-common.js';
import type { EntityModule, Row } from '../lib/entities/types.js';
import { loadEntity, type EntityOutcome } from '../lib/load/entity.js';
import { transformContext } from '../lib/load/context.js';
import { randomBytes } from 'node:crypto';

// Long enough for the secrets scan after npm test to search the outputs for them.
const KEY = `test-key-${randomBytes(6).toString('hex')}`;
const SECRET = `test-secret-${randomBytes(6).toString('hex')}`;

const MAPPING_SPECS = { ...CUSTOMER_MAPPINGS, ...PAYMENT_MAPPINGS, ...TICKET_MAPPINGS };
/** Load order as lib/entities/index.ts will have it. */
const FOUNDATION = [partners, customers] as EntityModule[];
const MODULES = [invoices, invoiceStatusSync, payments, tickets, ticketReplies, ticketComments] as EntityModule[];
const TZ = 'America/Chicago';

let splynx: SplynxSandbox;
let api: SplynxApi;
let dir: string;
before(async () => {
  splynx = await startSplynxSandbox({ apiKey: KEY, apiSecret: SECRET, faults: new FaultController(parseFaultSpec('', 'splynx')) });
  api = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finance-support-'));
});
after(async () => {
  await splynx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Seed 31 has void invoices, a failed payment, prepayments, an uninvoiced charge, network-site
// tickets, a follow-up ticket, incoming replies and comments.
// Seed 34: a small ISP whose invoices include void ones.
const clean = cleanSnapshot(generateIsp({ accounts: 60, seed: 34 }).tables as unknown as Record<string, Row[]>).tables;

async function reset() {
  await fetch(`${splynx.url}/__sandbox/reset`, { method: 'POST' });
  splynx.faults.set(parseFaultSpec('', 'splynx'));
  await ensureSonarIdFields(api);
}

function setup(name: string, tables: Record<string, Row[]>, client = api) {
  const ledger = new Ledger(path.join(dir, `${name}.sqlite`));
  const ctx = transformContext({ tables, ledger, timezone: TZ, mappingsDir: path.join(dir, name), mappingSpecs: MAPPING_SPECS });
  for (const m of [...FOUNDATION, ...MODULES]) for (const spec of m.mappings ?? []) ctx.mapping(spec.name).propose(spec.propose(ctx));
  const load = (mod: EntityModule) => loadEntity(mod, tables[mod.source] ?? [], ctx, client, ledger);
  const loadAll = async (mods = [...FOUNDATION, ...MODULES]) => {
    const out: Record<string, EntityOutcome> = {};
    for (const m of mods) out[m.name] = await load(m);
    return out;
  };
  return { ledger, ctx, load, loadAll };
}

const count = async (p: string) => api.count(p);
type Invoice = {
  id: string;
  customer_id: string;
  status: string;
  number: string;
  total: string;
  items: Array<{ price: string; quantity: string; description: string }>;
  additional_attributes: Record<string, string>;
};
type Message = { id: string; ticket_id: string; message: string; author_type: string; hide_for_customer: string; customer_id: string };
type Ticket = {
  id: string;
  customer_id: string;
  subject: string;
  status_id: string;
  priority: string;
  closed: string;
  note: string;
  additional_attributes: Record<string, string>;
};

const expected = (tables: Record<string, Row[]>) => ({
  invoices: tables.invoices.length,
  payments: tables.payments.filter(paymentCounts).length,
  tickets: tables.tickets.length,
  messages:
    tables.tickets.filter((t) => String(t.description ?? '').trim()).length + tables.ticket_replies.length + tables.ticket_comments.length,
});

const reply0 = () => clean.ticket_replies.find((r) => clean.tickets.find((x) => x.id === r.ticket_id)?.ticketable_type === 'Account')!;

function assertNoFailures(outcomes: Record<string, EntityOutcome>) {
  for (const o of Object.values(outcomes)) assert.equal(o.failed, 0, `${o.entity}: ${JSON.stringify(o.errors.slice(0, 3))}`);
}

test('each transform gives a payload that zod and Splynx accept, with the values Sonar had', async () => {
  await reset();
  const { ctx, loadAll } = setup('accept', clean);
  assertNoFailures(await loadAll(FOUNDATION));
  const post = async (mod: EntityModule, row: Row) => {
    const payload = mod.payload.parse(mod.transform(row, ctx)) as Row;
    return (await api.create(mod.createPath?.(payload) ?? mod.endpoint, payload)).id;
  };

  // An invoice with tax and a several-unit line: Splynx's total is Sonar's, to the cent.
  const taxedLive = clean.invoices.filter((i) => !i.void && Number(i.total_taxes) > 0);
  const taxed = taxedLive.find((i) => clean.debits.some((d) => d.invoice_id === i.id && Number(d.quantity) > 1)) ?? taxedLive[0];
  const invoiceId = await post(invoices as EntityModule, taxed);
  const inv = await api.get<Invoice>(`admin/finance/invoices/${invoiceId}`);
  assert.equal(inv.total, (invoiceTotalCents(taxed) / 100).toFixed(4));
  assert.equal(inv.number, String(taxed.id));
  assert.equal(inv.additional_attributes.sonar_id, String(taxed.id));
  assert.equal(inv.status, Number(taxed.remaining_due) > 0 ? 'not_paid' : 'paid');
  assert.equal(inv.items.length, clean.debits.filter((d) => d.invoice_id === taxed.id).length + 1, 'one line per debit plus the tax line');
  // The invoice is not updatable: its status is, through invoice_status (a PUT Splynx takes).
  const status = invoiceStatusSync.payload.parse({ invoice_id: invoiceId, status: 'deleted' });
  await api.update(`admin/finance/invoices/${invoiceStatusSync.attachTo!(status)}`, status);
  assert.equal((await api.get<Invoice>(`admin/finance/invoices/${invoiceId}`)).status, 'deleted');

  const pay = clean.payments.find((p) => paymentCounts(p) && p.reference)!;
  const paymentId = await post(payments as EntityModule, pay);
  const p = await api.get<{ amount: string; payment_type: string; receipt_number: string; date: string; comment: string }>(
    `admin/finance/payments/${paymentId}`,
  );
  assert.equal(p.amount, (Number(pay.amount) / 100).toFixed(4));
  assert.equal(p.receipt_number, String(pay.id));
  assert.equal(p.payment_type, ctx.mapping('payment-type').lookup(pay.payment_type));
  assert.match(p.comment, new RegExp(`Reference ${pay.reference}`));
  assert.match(p.date, /^\d{4}-\d{2}-\d{2}$/);

  const ticket = clean.tickets.find(
    (t) =>
      t.ticketable_type === 'Account' &&
      clean.ticket_replies.some((r) => r.ticket_id === t.id && r.incoming) &&
      clean.ticket_comments.some((c) => c.ticket_id === t.id),
  )!;
  const ticketId = await post(tickets as EntityModule, ticket);
  const tk = await api.get<Ticket>(`admin/support/tickets/${ticketId}`);
  assert.equal(tk.subject, ticket.subject);
  assert.equal(tk.customer_id, ctx.ref('customers', ticket.ticketable_id));
  assert.equal(tk.priority, ctx.mapping('ticket-priority').lookup(ticket.priority));
  assert.equal(tk.closed, ticket.status === 'CLOSED' ? '1' : '0');
  const first = await api.get<Message[]>('admin/support/ticket-messages', { main_attributes: { ticket_id: ticketId } });
  assert.equal(first.length, 1, 'the description is the first message');
  assert.equal(first[0].message, String(ticket.description).trim());
  assert.equal(first[0].hide_for_customer, '0', 'the customer sees their own request');
});

test("a full load creates every record once; opening balances equal Sonar's to the cent; a re-run writes nothing", async (t) => {
  await reset();
  const { ledger, ctx, loadAll } = setup('full', clean);
  const first = await loadAll();
  assertNoFailures(first);
  const want = expected(clean);
  assert.equal(first.invoices.created, want.invoices);
  assert.equal(first.payments.created, want.payments);
  assert.equal(first.payments.selected, want.payments, 'failed payments are not selected');
  assert.equal(first.tickets.created, want.tickets);
  assert.equal(first.ticket_replies.created, clean.ticket_replies.length);
  assert.equal(first.ticket_comments.created, clean.ticket_comments.length);
  assert.equal(await count('admin/finance/invoices'), want.invoices);
  assert.equal(await count('admin/finance/payments'), want.payments);
  assert.equal(await count('admin/support/tickets'), want.tickets);
  assert.equal(await count('admin/support/ticket-messages'), want.messages);
  assert.equal(ledger.pending().length, 0);

  // Statuses as Sonar says: void → deleted, nothing left to pay → paid.
  const rows = await api.get<Invoice[]>('admin/finance/invoices');
  const bySonar = new Map(rows.map((r) => [r.additional_attributes.sonar_id, r]));
  assert.equal(bySonar.size, clean.invoices.length, 'one invoice per Sonar invoice');
  for (const i of clean.invoices)
    assert.equal(
      bySonar.get(String(i.id))!.status,
      i.void ? 'deleted' : Number(i.remaining_due) > 0 ? 'not_paid' : 'paid',
      `invoice ${i.id}`,
    );
  assert.ok(
    clean.invoices.some((i) => i.void),
    'the data has a void invoice',
  );

  // Opening balances: Splynx (read back from Splynx) equals Sonar per customer, to the cent.
  const balances = await compareOpeningBalances(api, clean);
  const off = balances.filter((b) => b.difference_cents !== 0);
  assert.deepEqual(off, [], 'every customer owes in Splynx what they owed in Sonar');
  assert.equal(balances.length, sonarOpeningBalances(clean).size);
  assert.ok(
    balances.every((b) => b.customer_id),
    'every account with finance has its customer',
  );
  const owing = balances.filter((b) => b.sonar_cents > 0);
  const credit = balances.filter((b) => b.sonar_cents < 0);
  assert.ok(owing.length > 0 && credit.length > 0, 'both customers who owe and customers in credit are covered');
  const total = balances.reduce((s, b) => s + b.sonar_cents, 0);
  t.diagnostic(
    `opening balances: ${balances.length} customers, ${owing.length} owing, ${credit.length} in credit, ${balances.length - owing.length - credit.length} at zero; net ${(total / 100).toFixed(2)} in both Sonar and Splynx`,
  );
  t.diagnostic(
    `largest owed ${Math.max(...balances.map((b) => b.sonar_cents)) / 100}, largest credit ${Math.min(...balances.map((b) => b.sonar_cents)) / 100}; uninvoiced Sonar charges outside the balance: ${balances.reduce((s, b) => s + b.uninvoiced_cents, 0) / 100}`,
  );

  // Support: site tickets have no customer; replies visible, comments hidden, customers' replies theirs.
  const ts = await api.get<Ticket[]>('admin/support/tickets');
  const site = clean.tickets.find((x) => x.ticketable_type === 'NetworkSite')!;
  const siteTicket = ts.find((x) => x.additional_attributes.sonar_id === String(site.id))!;
  assert.equal(siteTicket.customer_id, '0');
  assert.match(siteTicket.note, /About NetworkSite/);
  const child = clean.tickets.find((x) => x.parent_ticket_id);
  if (child) {
    const note = ts.find((x) => x.additional_attributes.sonar_id === String(child.id))!.note;
    assert.match(
      note,
      new RegExp(
        `Follows Sonar ticket ${child.parent_ticket_id} \\(Splynx ticket ${ledger.splynxId('tickets', String(child.parent_ticket_id))}\\)`,
      ),
    );
  }
  // Batch runs can find a support record's account: through the ticket's owner.
  assert.equal(supportAccountOf(site, ctx), null);
  assert.equal(supportAccountOf(reply0(), ctx), String(clean.tickets.find((x) => x.id === reply0().ticket_id)!.ticketable_id));
  const messages = await api.get<Message[]>('admin/support/ticket-messages');
  const hidden = messages.filter((m) => m.hide_for_customer === '1');
  assert.equal(hidden.length, clean.ticket_comments.length, 'exactly the comments are hidden');
  assert.ok(hidden.every((m) => m.author_type === 'admin'));
  const incoming = clean.ticket_replies.filter(
    (r) => r.incoming && clean.tickets.find((x) => x.id === r.ticket_id)?.ticketable_type === 'Account',
  );
  assert.equal(messages.filter((m) => m.author_type === 'customer').length, incoming.length, "customer replies are the customer's");
  const reply = incoming[0];
  const m = messages.find((x) => x.id === ledger.splynxId('ticket_replies', String(reply.id)))!;
  assert.equal(m.customer_id, ctx.ref('customers', clean.tickets.find((x) => x.id === reply.ticket_id)!.ticketable_id));

  // The mapping tables were proposed with a reason per row.
  const csv = fs.readFileSync(path.join(dir, 'full', 'payment-type.csv'), 'utf8');
  assert.match(csv, /^sonar_id,sonar_value,splynx_value,reason,records\n/);
  assert.match(csv, /CHECK,CHECK,5,.*Check/);

  // A second run creates nothing and writes nothing.
  const writes = splynx.stats().writes;
  const second = await loadAll();
  for (const o of Object.values(second))
    assert.equal(o.created + o.updated + o.adopted + o.failed, 0, `${o.entity} re-run: ${JSON.stringify(o)}`);
  assert.equal(splynx.stats().writes, writes, 'a re-run writes nothing');
});

test('with "commit then drop" on writes, nothing is duplicated and balances still match', async () => {
  await reset();
  // Eight writes in flight sign their nonces in one order and may arrive in another; the client
  // retries such a refusal at once, but counts it against maxRetries, so under 30% commit-drops
  // the default 5 can run out. More retries keep this test about duplicates, not about nonces.
  const patient = new SplynxApi({ url: splynx.url, key: KEY, secret: SECRET, retryBaseMs: 1, maxRetries: 15 });
  const { ledger, loadAll } = setup('commit-drop', clean, patient);
  const foundation = await loadAll(FOUNDATION);
  assertNoFailures(foundation);
  splynx.faults.set(parseFaultSpec('commit-drop=0.3,seed=5', 'splynx'));
  const outcomes = await loadAll(MODULES);
  splynx.faults.set(parseFaultSpec('', 'splynx'));
  assert.ok(splynx.faults.injected['commit-drop'] > 10, `faults injected: ${splynx.faults.injected['commit-drop']}`);
  assertNoFailures(outcomes);
  const want = expected(clean);
  assert.equal(await count('admin/finance/invoices'), want.invoices);
  assert.equal(await count('admin/finance/payments'), want.payments);
  assert.equal(await count('admin/support/tickets'), want.tickets);
  assert.equal(await count('admin/support/ticket-messages'), want.messages);
  for (const [p, n] of [
    ['admin/finance/invoices', want.invoices],
    ['admin/finance/payments', want.payments],
    ['admin/support/tickets', want.tickets],
  ] as const) {
    const ids = (await api.get<Array<{ additional_attributes: Record<string, string> }>>(p)).map((r) => r.additional_attributes.sonar_id);
    assert.equal(new Set(ids).size, n, `${p}: one record per Sonar id`);
  }
  assert.equal(ledger.pending().length, 0);
  // Lost answers were settled by each entity's natural key, ticket messages (no sonar_id) included.
  const settled = new Set(
    ledger
      .events()
      .filter((e) => /settled by/.test(String(e.detail ?? '')))
      .map((e) => String(e.entity)),
  );
  for (const entity of ['invoices', 'payments', 'tickets', 'ticket_replies', 'ticket_comments'])
    assert.ok(settled.has(entity), `${entity} had a write settled by its natural key`);
  assert.deepEqual(
    (await compareOpeningBalances(api, clean)).filter((b) => b.difference_cents !== 0),
    [],
  );
});

test('dirty and unmappable records become error rows with the right category; the rest load', async (t) => {
  await reset();
  const ds = generateIsp({ accounts: 60, seed: 31, dirtyRate: 0.2 });
  const tables = structuredClone(ds.tables) as unknown as Record<string, Row[]>;
  const pick = <T extends Row>(rows: T[], n: number) => rows[n];
  // Spoil one record per problem (each on its own account, all of which load as customers).
  const invMismatch = pick(tables.invoices, 0);
  invMismatch.total_debits = Number(invMismatch.total_debits) + 1;
  const invEmpty = { ...pick(tables.invoices, 1), id: '900001', total_debits: 0, total_taxes: 0 };
  tables.invoices.push(invEmpty);
  const payUnknown = tables.payments.find(paymentCounts)!;
  payUnknown.payment_type = 'BITCOIN';
  const payPending = tables.payments.filter(paymentCounts)[1];
  payPending.status = 'PENDING';
  const payCents = tables.payments.filter(paymentCounts)[2];
  payCents.amount = 12.5;
  const tkBlank = tables.tickets[0];
  tkBlank.subject = '   ';
  const tkPriority = tables.tickets[1];
  tkPriority.priority = 'BLOCKER';
  const emptyComment = tables.ticket_comments[0];
  emptyComment.body = ' ';

  const { ledger, loadAll, ctx } = setup('dirty', tables);
  // The analyst mapped a group to an id Splynx does not have: Splynx refuses, a validation row.
  const groupTable = ctx.mapping('ticket-group');
  // A network-site ticket has no customer, so Splynx's answer is the only thing that can refuse it.
  const badGroup = tables.tickets.find((x) => x !== tkBlank && x !== tkPriority && x.ticketable_type === 'NetworkSite')!;
  groupTable.all().find((r) => r.sonar_id === String(badGroup.ticket_group_id))!.splynx_value = '99';
  groupTable.save();
  const problems = await checkLookupMappings(api, ctx);
  assert.deepEqual(
    problems.map((p) => [p.mapping, p.splynx_value]),
    [['ticket-group', '99']],
    'the check finds the bad id before the load',
  );
  assert.match(problems[0].message, /1 General/);

  const out = await loadAll();
  assert.ok(out.customers.failed > 0, 'some dirty accounts do not load');
  for (const mod of MODULES) {
    const o = out[mod.name];
    assert.equal(o.created + o.failed, o.selected, `${mod.name}: every record is created or explained`);
    for (const e of o.errors) {
      assert.ok(['validation', 'transformation', 'data'].includes(e.category), `${mod.name} ${e.source_id}: ${e.category} ${e.message}`);
      assert.ok(e.suggestion.length > 10, `${mod.name} ${e.source_id} has a suggestion`);
    }
  }
  for (const mod of MODULES) {
    const o = out[mod.name];
    const byCategory = new Map<string, number>();
    for (const e of o.errors) byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + 1);
    const cats = [...byCategory].map(([c, n]) => `${c} ${n}`).join(', ');
    t.diagnostic(`${mod.name}: ${o.created} created, ${o.failed} refused${cats ? ` (${cats})` : ''}`);
  }
  const error = (entity: string, id: unknown) => out[entity].errors.find((e) => e.source_id === String(id));
  const failedCustomer = tables.accounts.find(
    (a) => ledger.get('customers', String(a.id))?.state === 'failed' && tables.invoices.some((i) => i.account_id === a.id),
  )!;
  const orphanInvoice = tables.invoices.find((i) => i.account_id === failedCustomer.id)!;
  assert.equal(error('invoices', orphanInvoice.id)?.category, 'data', 'an invoice of a customer that did not load');
  assert.match(error('invoices', orphanInvoice.id)!.message, /needs customers/);
  assert.equal(error('invoices', invMismatch.id)?.category, 'transformation');
  assert.match(error('invoices', invMismatch.id)!.message, /add up to/);
  assert.equal(error('invoices', invEmpty.id)?.category, 'transformation');
  assert.equal(error('payments', payUnknown.id)?.category, 'data');
  assert.match(error('payments', payUnknown.id)!.suggestion, /payment-type\.csv/);
  assert.equal(error('payments', payPending.id)?.category, 'transformation');
  assert.equal(error('payments', payCents.id)?.category, 'transformation');
  assert.equal(error('tickets', tkBlank.id)?.category, 'transformation');
  assert.equal(error('tickets', tkPriority.id)?.category, 'data');
  assert.equal(error('tickets', badGroup.id)?.category, 'validation');
  assert.match(error('tickets', badGroup.id)!.fields, /group_id/);
  assert.equal(error('ticket_comments', emptyComment.id)?.category, 'transformation');
  const orphanReply = tables.ticket_replies.find((r) => r.ticket_id === tkBlank.id);
  if (orphanReply) assert.equal(error('ticket_replies', orphanReply.id)?.category, 'data');

  // What did load still balances, except the customers whose records are in the error table.
  const refused = new Set(
    [...out.invoices.errors, ...out.payments.errors].map((e) => {
      const row = [...tables.invoices, ...tables.payments].find(
        (r) => String(r.id) === e.source_id && (e.entity === 'invoices' ? tables.invoices.includes(r) : tables.payments.includes(r)),
      )!;
      return String(row.account_id);
    }),
  );
  const balances = await compareOpeningBalances(api, tables);
  const off = balances.filter((b) => b.difference_cents !== 0).map((b) => b.account_id);
  assert.ok(off.length > 0);
  assert.ok(
    off.every((a) => refused.has(a)),
    `only customers with refused records differ: ${off.filter((a) => !refused.has(a))}`,
  );
});

test('later runs: a paid invoice follows through invoice_status, a closed ticket is updated, new records are created once', async () => {
  await reset();
  const tables = structuredClone(clean);
  const { ledger, loadAll } = setup('delta', tables);
  assertNoFailures(await loadAll());
  const unpaid = tables.invoices.find((i) => !i.void && Number(i.remaining_due) > 0)!;
  unpaid.remaining_due = 0;
  tables.payments.push({
    ...tables.payments.find(paymentCounts)!,
    id: '800001',
    account_id: unpaid.account_id,
    amount: invoiceTotalCents(unpaid),
    payment_type: 'CASH',
    reference: null,
    description: null,
  });
  const open = tables.tickets.find((x) => x.status !== 'CLOSED' && x.ticketable_type === 'Account')!;
  Object.assign(open, { status: 'CLOSED', closed_at: '2026-01-02T10:00:00-06:00', updated_at: '2026-01-02T10:00:00-06:00' });
  tables.ticket_replies.push({
    id: '700001',
    ticket_id: open.id,
    body: 'Closing this, thanks!',
    incoming: false,
    author: 'Staff',
    author_email: null,
    user_id: null,
    created_at: '2026-01-02T09:59:00-06:00',
    updated_at: '2026-01-02T09:59:00-06:00',
  });
  const again = await loadAll();
  assertNoFailures(again);
  assert.equal(again.invoices.created, 0);
  assert.equal(again.invoice_status.updated, 1);
  assert.equal(again.payments.created, 1);
  assert.deepEqual([again.tickets.created, again.tickets.updated], [0, 1]);
  assert.deepEqual([again.ticket_replies.created, again.ticket_replies.updated], [1, 0]);
  const closed = await api.get<Ticket>(`admin/support/tickets/${ledger.splynxId('tickets', String(open.id))}`);
  assert.deepEqual([closed.status_id, closed.closed], ['3', '1']);
  assert.match(closed.note, /Closed at 2026-01-02 10:00:00/);
  assert.equal(await count('admin/support/ticket-messages'), expected(tables).messages, 'the update did not add the first message again');
  const inv = await api.get<Invoice>(`admin/finance/invoices/${ledger.splynxId('invoices', String(unpaid.id))}`);
  assert.equal(inv.status, 'paid');
  assert.deepEqual(
    (await compareOpeningBalances(api, tables)).filter((b) => b.difference_cents !== 0),
    [],
  );
});

test('sandbox: a ticket whose first message Splynx would refuse is refused whole, not stored without it', async () => {
  await reset();
  const before = await count('admin/support/tickets');
  await assert.rejects(
    api.create('admin/support/tickets', {
      subject: 'x',
      priority: 'low',
      type_id: 1,
      message: { message: 'hello', author_type: 'robot', admin_id: 999 },
    }),
    (e: Error & { category?: string }) =>
      e.category === 'validation' && /message\[author_type\]/.test(e.message) && /message\[admin_id\]/.test(e.message),
  );
  assert.equal(await count('admin/support/tickets'), before);
  assert.equal(await count('admin/support/ticket-messages'), 0);
});
