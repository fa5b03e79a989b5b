/**
 * What a transaction must say for the charge engine to count it as a charged period: `service_id`
 * and `service_type` naming one of the customer's own services, and both ends of the period, in
 * order (blueprint "Transaction Base", L4990+; operations.md "Charged periods are transactions").
 * A transaction naming neither is still fine: it just covers nothing.
 */
import type { FieldError, HookContext } from '../entity.js';
import type { Row } from '../store.js';
import { isBlank } from '../validate.js';
import { KIND_TABLES } from './kinds.js';

const RELEVANT = ['customer_id', 'service_id', 'service_type', 'period_from', 'period_to'];
const isSet = (v: unknown) => !isBlank(v) && v !== '0000-00-00';

export function transactionServiceErrors(row: Row, ctx: HookContext, old: Row | undefined, input: Record<string, unknown>): FieldError[] {
  // A PUT re-checks only what it changes, like every other rule of the sandbox.
  if (old && !RELEVANT.some((f) => f in input)) return [];
  const errors: FieldError[] = [];
  const [from, to] = [row.period_from, row.period_to];
  // A date that did not parse is already reported by the field check.
  const unparsed = ['period_from', 'period_to'].some((f) => !isBlank(input[f]) && !isSet(row[f]));
  if (unparsed) return serviceErrors(row, ctx);
  if (isSet(from) && !isSet(to)) errors.push({ field: 'period_to', message: 'Period To cannot be blank when Period From is set.' });
  if (isSet(to) && !isSet(from)) errors.push({ field: 'period_from', message: 'Period From cannot be blank when Period To is set.' });
  if (isSet(from) && isSet(to) && String(from) > String(to))
    errors.push({ field: 'period_to', message: 'Period To must be no earlier than Period From.' });
  return [...errors, ...serviceErrors(row, ctx)];
}

function serviceErrors(row: Row, ctx: HookContext): FieldError[] {
  const errors: FieldError[] = [];
  const serviceId = Number(row.service_id ?? 0);
  if (serviceId) {
    const kind = String(row.service_type ?? '');
    const table = KIND_TABLES[kind as keyof typeof KIND_TABLES]?.services;
    if (!kind) errors.push({ field: 'service_type', message: 'Service Type cannot be blank when Service ID is set.' });
    // Bundle and one-time services are not modelled by the sandbox, so their ids cannot be checked.
    else if (table) {
      const service = ctx.store.get(table, serviceId);
      if (!service || service.customer_id !== row.customer_id) errors.push({ field: 'service_id', message: 'Service ID is invalid.' });
    }
  }
  return errors;
}
