/**
 * How Sonar's billing of one account service carries on in Splynx, written once for the services
 * (their status and end date), their billing coverage (the periods Sonar already settled) and
 * verify's first-bill check (what Splynx's first bill must be).
 *
 * Every account's services get one decision, the `services` column of the account-status mapping
 * table (an archived account's services always end):
 *
 * | decision | Splynx service                        | why (customer_services.md, operations.md)                       |
 * |----------|---------------------------------------|------------------------------------------------------------------|
 * | billed   | `active`, end date `0000-00-00`       | active services are billed                                       |
 * | paused   | `stopped`, end date `0000-00-00`      | "if changed to a stopped status, the system will stop accounting for it"; it can be started again |
 * | ended    | `disabled`, end date = handover − 1   | "the service with Disable status but without End date is still accounted by billing": the end date stops it |
 *
 * Where Splynx starts charging (the first day its billing coverage leaves uncovered):
 * - billed: the service's Sonar `next_bill_date`, else its account's. Sonar has billed every day
 *   before it, so Splynx's first period begins exactly there: no gap, no overlap.
 * - paused or ended: never. Splynx charges the period containing an end date in full, so the
 *   coverage runs to the end of the Splynx billing period that contains the day before the
 *   handover.
 */
import { parseDay, formatDay, periodOf, shiftDate } from '../billing/calendar.js';
import { SERVICE_STATUS, type ServiceDecision } from '../billing/decisions.js';
import { splynxBillingDay } from './customer-billing.js';
import { TransformError, type Row, type TransformContext } from './types.js';

export { SERVICE_DECISIONS, SERVICE_STATUS, proposeServiceDecision, type ServiceDecision } from '../billing/decisions.js';

/** The decision for an account's services: archived accounts always end. */
export function accountDecision(account: Row | undefined, ctx: TransformContext): { decision: ServiceDecision; why: string } {
  if (!account) return { decision: 'ended', why: 'the account is not in the snapshot' };
  if (account.archived_at) return { decision: 'ended', why: `the account was archived on ${String(account.archived_at).slice(0, 10)}` };
  const decision = ctx.mapping('account-status').lookupColumn(account.account_status_id, 'services') as ServiceDecision;
  const status = ctx.byId('account_statuses', account.account_status_id);
  return { decision, why: `status "${status?.name ?? account.account_status_id}" is ${decision} (account-status table)` };
}

/** The service's start date in Splynx: when Sonar began charging it (its proration date), else the account's activation. */
export function serviceStart(as: Row, account: Row | undefined): string {
  const d =
    (as.addition_prorate_date as string | null) ?? (account?.activation_date as string | null) ?? String(as.created_at ?? '').slice(0, 10);
  if (parseDay(d) === undefined)
    throw new TransformError('the service has no start date', 'start_date', 'Set an activation date on the account in Sonar');
  return d;
}

/** The status and end date a migrated service gets. */
export function serviceStatus(as: Row, ctx: TransformContext): { status: 'active' | 'stopped' | 'disabled'; end_date: string } {
  const account = ctx.byId('accounts', as.account_id);
  const { decision } = accountDecision(account, ctx);
  if (decision !== 'ended') return { status: SERVICE_STATUS[decision], end_date: '0000-00-00' };
  // The day before the handover, never before the service began (Splynx would then charge nothing anyway).
  const end = shiftDate(ctx.handoverDate, -1);
  const start = serviceStart(as, account);
  return { status: 'disabled', end_date: end < start ? start : end };
}

/** The Splynx billing day of an account, as its customer billing says it (Splynx's default, the 1st, without parameters). */
export function accountBillingDay(accountId: unknown, ctx: TransformContext): number {
  const params = ctx.children('account_billing_parameters', 'account_id', accountId)[0];
  return params ? splynxBillingDay(params, ctx) : 1;
}

/** The day Sonar bills a billed service next: its own next bill date, else its account's. */
export function sonarNextBill(as: Row, account: Row | undefined): string | null {
  const own = as.next_bill_date as string | null | undefined;
  return (own || (account?.next_bill_date as string | null | undefined)) ?? null;
}

export interface Coverage {
  decision: ServiceDecision;
  /** First and last day Splynx must not charge. */
  from: string;
  to: string;
  /** Billed services: the day Splynx charges from (the day after `to`). */
  chargeFrom: string | null;
  description: string;
}

/**
 * The periods Splynx must count as charged, or null when there are none (a billed service that
 * starts on or after its next bill date: Sonar has billed nothing of it yet). A TransformError
 * (category data) when Sonar's own dates contradict each other.
 */
export function coverageOf(as: Row, ctx: TransformContext): Coverage | null {
  const account = ctx.byId('accounts', as.account_id);
  const { decision, why } = accountDecision(account, ctx);
  const from = serviceStart(as, account);
  if (decision === 'billed') {
    const next = sonarNextBill(as, account);
    if (!next || parseDay(next) === undefined)
      throw new TransformError(
        `Sonar bills account ${as.account_id} but states no next bill date for account service ${as.id} or its account`,
        'next_bill_date',
        `Set the next bill date in Sonar and take a new snapshot, or decide in data/mappings/account-status.csv that this status is paused or ended`,
        'data',
      );
    const accountNext = account?.next_bill_date as string | null | undefined;
    if (accountNext && as.next_bill_date && String(as.next_bill_date) < String(accountNext))
      throw new TransformError(
        `account service ${as.id} is next billed on ${as.next_bill_date}, before its account (${accountNext}): Sonar has not billed it since, and Splynx would charge every day from ${as.next_bill_date} at once`,
        'next_bill_date',
        `Correct the service's next bill date in Sonar (run its billing, or set it to the account's) and take a new snapshot`,
        'data',
      );
    const to = shiftDate(next, -1);
    if (to < from) return null;
    return {
      decision,
      from,
      to,
      chargeFrom: next,
      description: `Billed in Sonar through ${to}; not charged again by Splynx`,
    };
  }
  const handoverEve = shiftDate(ctx.handoverDate, -1);
  const anchor = handoverEve < from ? from : handoverEve;
  const to = formatDay(periodOf(parseDay(anchor)!, accountBillingDay(as.account_id, ctx)).to);
  return {
    decision,
    from,
    to,
    chargeFrom: null,
    description: `Not billed by Sonar (${why}); not charged by Splynx through ${to}`,
  };
}
