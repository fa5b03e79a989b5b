/** Customer and tariff rules that are not about a single field. */
import type { EntityHooks, HookContext } from './entity.js';
import { nowStamp } from './fields.js';
import type { Row, SplynxStore } from './store.js';
import { isBlank } from './validate.js';

const SERVICE_TABLES = ['internet_services', 'recurring_services', 'voice_services'];

/** Splynx proposes the next free number as a login when none is sent. */
function nextFreeLogin(store: SplynxStore): string {
  const taken = new Set(store.all('customers').map((c) => String(c.login).toLowerCase()));
  let n = store.count('customers') + 1;
  while (taken.has(String(n))) n++;
  return String(n);
}

/**
 * Per-request totals, built once: a list of 10,000 customers must not scan the service tables
 * 10,000 times. Keyed by the request's hook context, so nothing outlives the request.
 */
const perRequest = new WeakMap<HookContext, Map<string, Map<number, number>>>();

function tally(ctx: HookContext, key: string, build: (add: (id: number, amount: number) => void) => void): Map<number, number> {
  let byKey = perRequest.get(ctx);
  if (!byKey) perRequest.set(ctx, (byKey = new Map()));
  let totals = byKey.get(key);
  if (!totals) {
    const t = new Map<number, number>();
    build((id, amount) => t.set(id, (t.get(id) ?? 0) + amount));
    byKey.set(key, (totals = t));
  }
  return totals;
}

function monthlyRecurringRevenue(ctx: HookContext, customerId: number): number {
  const totals = tally(ctx, 'mrr', (add) => {
    for (const table of SERVICE_TABLES)
      for (const s of ctx.store.all(table))
        if (s.status === 'active') add(Number(s.customer_id), Number(s.unit_price ?? 0) * Number(s.quantity ?? 1));
  });
  return totals.get(customerId) ?? 0;
}

export const customerHooks: EntityHooks = {
  fill(row, ctx, old) {
    if (!old && isBlank(row.login)) row.login = nextFreeLogin(ctx.store);
    if (old) row.last_update = nowStamp(ctx);
  },
  validate(row, _ctx, old) {
    if (old && row.parent_id === old.id) return [{ field: 'parent_id', message: 'Parent ID is invalid.' }];
    return [];
  },
  // Splynx creates the one-to-one info and billing rows with the customer; they can only be updated.
  afterCreate(row, ctx) {
    ctx.create('customer_info', {}, { id: row.id });
    ctx.create('customer_billing', {}, { id: row.id, customer_id: row.id });
  },
  afterDelete(row, ctx) {
    ctx.store.delete('customer_info', row.id);
  },
  present(row, out, ctx) {
    out.mrr_total = monthlyRecurringRevenue(ctx, row.id).toFixed(4);
  },
};

export function tariffHooks(serviceTable: string): EntityHooks {
  return {
    fill(row: Row) {
      if (isBlank(row.service_name)) row.service_name = row.title;
    },
    present(row, out, ctx) {
      const counts = tally(ctx, `services:${serviceTable}`, (add) => {
        for (const s of ctx.store.all(serviceTable)) add(Number(s.tariff_id), 1);
      });
      out.services = String(counts.get(row.id) ?? 0);
    },
  };
}
