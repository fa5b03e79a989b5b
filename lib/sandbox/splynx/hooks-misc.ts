/** Finance, ticket and additional-field-definition rules that are not about a single field. */
import type { EntityHooks, FieldError } from './entity.js';
import { buildRow, coerce, isBlank } from './validate.js';
import { model } from './model/index.js';
import type { FieldDef } from './fields.js';
import type { Row } from './store.js';
import { transactionServiceErrors } from './billing/transaction-rules.js';

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

const ITEM_FIELDS: FieldDef[] = [
  { name: 'description', type: 'string', required: true, maxLength: 65535 },
  { name: 'quantity', type: 'float', default: 1 },
  { name: 'unit', type: 'string', default: '' },
  { name: 'price', type: 'float', default: 0 },
  { name: 'tax', type: 'float', default: 0 },
  { name: 'period_from', type: 'date', allowZeroDate: true, default: '' },
  { name: 'period_to', type: 'date', allowZeroDate: true, default: '' },
  { name: 'categoryIdForTransaction', type: 'integer', default: 0 },
];

type Item = Record<string, unknown> & { id: number };

function asArray(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && Object.keys(v).every((k) => /^\d+$/.test(k))) return Object.values(v);
  return undefined;
}

/**
 * Validates invoice items and stores them on the row, totals included. On PUT an item with an `id`
 * changes that item; one without is added; items not sent are kept.
 */
function applyItems(row: Row, raw: unknown, nextItemId: () => number, old?: Row): FieldError[] {
  const list = asArray(raw);
  if (!list || (!old && list.length === 0)) return [{ field: 'items', message: 'Items cannot be blank.' }];
  const items: Item[] = old ? structuredClone((old.items as Item[]) ?? []) : [];
  const errors: FieldError[] = [];
  list.forEach((given, i) => {
    if (!given || typeof given !== 'object') {
      errors.push({ field: `items[${i}]`, message: 'Item must be an object.' });
      return;
    }
    const input = given as Record<string, unknown>;
    const existing = input.id !== undefined ? items.find((it) => String(it.id) === String(input.id)) : undefined;
    if (input.id !== undefined && !existing) {
      errors.push({ field: `items[${i}][id]`, message: 'ID is invalid.' });
      return;
    }
    const item: Record<string, unknown> = existing ?? Object.fromEntries(ITEM_FIELDS.map((f) => [f.name, f.default]));
    for (const f of ITEM_FIELDS) {
      if (!(f.name in input)) continue;
      const c = coerce(f, input[f.name]);
      if (c.error !== undefined) errors.push({ field: `items[${i}][${f.name}]`, message: c.error });
      else item[f.name] = c.value;
    }
    if (isBlank(item.description)) errors.push({ field: `items[${i}][description]`, message: 'Description cannot be blank.' });
    if (!existing) items.push({ ...item, id: 0 });
  });
  if (errors.length) return errors;
  for (const it of items) if (!it.id) it.id = nextItemId();
  row.items = items;
  const total = items.reduce((s, it) => s + Number(it.quantity) * Number(it.price) * (1 + Number(it.tax) / 100), 0);
  row.total = round4(total);
  return [];
}

export const invoiceHooks: EntityHooks = {
  fill(row, ctx) {
    if (isBlank(row.number)) {
      const prefix = String(row.date_created ?? '').replaceAll('-', '');
      const taken = new Set(ctx.store.all('invoices').map((r) => String(r.number)));
      let n = ctx.store.count('invoices') + 1;
      while (taken.has(`${prefix}${String(n).padStart(4, '0')}`)) n++;
      row.number = `${prefix}${String(n).padStart(4, '0')}`;
    }
  },
  validate(row, ctx, old, input) {
    const errors = !old || 'items' in input ? applyItems(row, input.items, () => ctx.store.nextId('invoice_items'), old) : [];
    row.due = row.status === 'paid' || row.status === 'deleted' ? 0 : row.total;
    return errors;
  },
  present(row, out) {
    out.items = ((row.items as Item[]) ?? []).map((it) => ({
      id: String(it.id),
      invoice_id: String(row.id),
      description: it.description,
      quantity: String(it.quantity),
      unit: it.unit,
      price: Number(it.price).toFixed(4),
      tax: Number(it.tax).toFixed(4),
      period_from: it.period_from,
      period_to: it.period_to,
      categoryIdForTransaction: String(it.categoryIdForTransaction),
    }));
  },
};

export const transactionHooks: EntityHooks = {
  fill(row) {
    row.total = round4(Number(row.quantity ?? 1) * Number(row.price ?? 0) * (1 + Number(row.tax_percent ?? 0) / 100));
  },
  validate: transactionServiceErrors,
};

/** A ticket's first message arrives as `message` (text) or `message[message]=…` (object). */
function firstMessage(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const m = input.message;
  if (m === undefined || m === '') return undefined;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : { message: m };
}

export const ticketHooks: EntityHooks = {
  fill(row, ctx, old) {
    if (old) row.updated_at = ctx.now.toISOString().slice(0, 19).replace('T', ' ');
  },
  validate(row, ctx, old, input) {
    const m = old ? undefined : firstMessage(input);
    if (!m) return [];
    if (isBlank(m.message)) return [{ field: 'message', message: 'Message cannot be blank.' }];
    // The first message is saved with the ticket, so a message Splynx would refuse refuses the
    // ticket (422), instead of a stored ticket without its message and a 500.
    const { errors } = buildRow(model('ticket_messages'), { customer_id: row.customer_id, ...m }, ctx);
    return errors.filter((e) => e.field !== 'ticket_id').map((e) => ({ field: `message[${e.field}]`, message: e.message }));
  },
  afterCreate(row, ctx, input) {
    const m = firstMessage(input);
    if (m) ctx.create('ticket_messages', { customer_id: row.customer_id, ...m }, { ticket_id: row.id });
  },
};

const SELECT_TYPES = ['select', 'select_multiple'];
const RELATION_TYPES = ['relation', 'relation_multiple'];

export const afDefinitionHooks: EntityHooks = {
  validate(row, _ctx, old) {
    const errors: FieldError[] = [];
    if (!isBlank(row.name) && !/^[a-z_][a-z0-9_]*$/.test(String(row.name)))
      errors.push({ field: 'name', message: 'Name may contain only lowercase letters, digits and underscores.' });
    if (old && row.name !== old.name) errors.push({ field: 'name', message: 'Name cannot be changed.' });
    if (SELECT_TYPES.includes(String(row.type)) && isBlank(row.select_values))
      errors.push({ field: 'select_values', message: 'Select Values cannot be blank.' });
    if (RELATION_TYPES.includes(String(row.type)) && isBlank(row.relation_module))
      errors.push({ field: 'relation_module', message: 'Relation Module cannot be blank.' });
    return errors;
  },
  createdBody: (row) => ({ name: row.name }),
};
