/**
 * Sonar account billing parameters → Splynx customer billing, the one-to-one record Splynx creates
 * with each customer and only lets us update (PUT `admin/customers/customer-billing/{customer id}`).
 *
 * | Sonar `account_billing_parameters`    | Splynx customer billing         | note                                                     |
 * |---------------------------------------|---------------------------------|----------------------------------------------------------|
 * | `account_id`                          | `customer_id`, the customer PUT to | via the migrated customers                               |
 * | `bill_day` (else `invoice_day`)       | `billing_date`                  | Splynx bills on days 1–28: the 29th–31st move by the `bill-day` mapping table (1 or 28) |
 * | `bill_day_mode`                       | which Sonar day is `billing_date` | mapping table `bill-day-mode`: FIXED and ANNIVERSARY_BILL_DAY → the bill day, ANNIVERSARY_INVOICE_DAY → the invoice day (Splynx charges and invoices on one day), or `refuse` (a data error row) |
 * | `due_days`                            | `billing_due`                   | days to pay                                              |
 * | `grace_days`                          | `grace_period`                  | days past due before Splynx acts                         |
 * | `months_to_bill`                      | (Splynx bills monthly)          | mapping table `billing-cycle`: 1 → `monthly`; any other number is proposed `refuse` (a data error row: Splynx has no per-customer multi-month cycle), or the analyst's `monthly` (billed a month at a time, the monthly price unchanged) |
 * | the account's services' `next_bill_date` | (the services' billed periods) | lib/entities/billing-coverage.ts                       |
 * | `bill_mode` INVOICE or STATEMENT      | `make_invoices = 1`             | Splynx has no statements: every customer gets invoices   |
 * | the account's MAILING address         | `billing_street_1` (+ line 2), `billing_zip_code`, `billing_city` | Splynx lengths as cleaned; none: Splynx uses the customer's address |
 * | a contact whose role reads as billing | `billing_person`                | e.g. "Accounts Payable"; else empty                      |
 *
 * No place in Splynx customer billing, left in Sonar's backup (`data/backups`) and listed here so
 * the analyst can configure Splynx to match:
 * - `invoice_day` (unless the bill-day-mode table takes it as the billing day), `due_days_day`:
 *   Splynx invoices on the billing day and counts the due days from it;
 * - `auto_pay_day`, `auto_pay_days`: Splynx auto-pay lives with the customer's payment account;
 * - `tax_exempt`, `lifeline`: Splynx has no flag; taxes come from tariffs and locations (the
 *   tariffs here are migrated without tax), so an exempt customer needs its taxes set by hand;
 * - `print_invoice`: Splynx sends invoices by e-mail; printing is an office process;
 * - `switch_status_after_delinquency` and the delinquency statuses: Splynx blocks by its own
 *   finance settings (blocking period, per partner);
 * - `aggregate_invoice_taxes`, `aggregate_linked_debits`, `default_for`, `billing_default_id`.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { cleanAddress } from '../clean/address.js';
import { contactsOf } from '../sonar/relations.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

const payload = z.object({
  customer_id: z.string().regex(/^\d+$/),
  billing_date: z.number().int().min(1).max(28),
  billing_due: z.number().int().min(0),
  grace_period: z.number().int().min(0),
  make_invoices: z.literal('1'),
  billing_person: z.string().max(SPLYNX_LIMITS.customer_billing.billing_person),
  billing_street_1: z.string().max(SPLYNX_LIMITS.customer_billing.billing_street_1),
  billing_zip_code: z.string().max(SPLYNX_LIMITS.customer_billing.billing_zip_code),
  billing_city: z.string().max(SPLYNX_LIMITS.customer_billing.billing_city),
});
type Payload = z.infer<typeof payload>;

/** Splynx bills on days 1 to 28, so that every month has the day (finance_settings.md). */
const LAST_SPLYNX_DAY = 28;
const BILL_DAY_TABLE = 'bill-day';
const MODE_TABLE = 'bill-day-mode';
const CYCLE_TABLE = 'billing-cycle';
/** Sonar's BillDayModeOption, in full, so a mode that appears later already has a row. */
export const SONAR_BILL_DAY_MODES = ['FIXED', 'ANNIVERSARY_BILL_DAY', 'ANNIVERSARY_INVOICE_DAY'] as const;
export const MAPPING_SPECS = {
  [BILL_DAY_TABLE]: { name: BILL_DAY_TABLE, describes: 'Splynx billing day for a Sonar bill day past the 28th', allowed: ['1', '28'] },
  [MODE_TABLE]: {
    name: MODE_TABLE,
    describes: 'Sonar day that becomes the Splynx billing day',
    allowed: ['bill-day', 'invoice-day', 'refuse'],
  },
  [CYCLE_TABLE]: { name: CYCLE_TABLE, describes: 'Splynx billing of a Sonar months_to_bill', allowed: ['monthly', 'refuse'] },
} as const;

const BILLING_ROLE = /bill|accounts? payable|\bA\/?P\b|financ|accounting|invoice/i;

function whole(b: Row, field: string): number | null {
  const v = b[field];
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new TransformError(
      `billing parameters of account ${b.account_id}: ${field} ${JSON.stringify(v)} is not a whole number of days`,
      field,
      `Correct ${field} on account ${b.account_id} in Sonar`,
    );
  return n;
}

function mailingAddress(accountId: unknown, ctx: TransformContext) {
  const mailing = ctx.children('addresses', 'addressable_id', accountId, 'addressable_type', 'Account').find((a) => a.type === 'MAILING');
  if (!mailing) return null;
  const a = cleanAddress(mailing as never).value;
  // Splynx has one billing street line; past 255 characters the payload check says so rather than cut.
  return { street: [a.street_1, a.street_2].filter(Boolean).join(', '), zip: a.zip_code ?? '', city: a.city ?? '' };
}

/**
 * The Splynx billing day of an account's billing parameters, as customer billing sends it, or a
 * TransformError naming what the analyst must decide. The billing coverage and verify's first-bill
 * check read it from here too.
 */
export function splynxBillingDay(b: Row, ctx: TransformContext): number {
  const mode = typeof b.bill_day_mode === 'string' && b.bill_day_mode ? ctx.mapping(MODE_TABLE).lookup(b.bill_day_mode) : 'bill-day';
  if (mode === 'refuse')
    throw new TransformError(
      `account ${b.account_id} bills in Sonar's ${b.bill_day_mode} mode, which the bill-day-mode table refuses`,
      'bill_day_mode',
      `Choose bill-day or invoice-day for ${b.bill_day_mode} in data/mappings/${MODE_TABLE}.csv, or set up the billing of account ${b.account_id} by hand in Splynx and ignore this row`,
      'data',
    );
  const day =
    mode === 'invoice-day' ? (whole(b, 'invoice_day') ?? whole(b, 'bill_day')) : (whole(b, 'bill_day') ?? whole(b, 'invoice_day'));
  if (day === null)
    throw new TransformError(
      `account ${b.account_id} has no bill day`,
      'billing_date',
      `Set a bill day on account ${b.account_id} in Sonar`,
    );
  if (day < 1 || day > 31)
    throw new TransformError(
      `account ${b.account_id} bills on day ${day}, which no month has`,
      'billing_date',
      `Correct the bill day of account ${b.account_id} in Sonar`,
    );
  return day > LAST_SPLYNX_DAY ? Number(ctx.mapping(BILL_DAY_TABLE).lookup(day)) : day;
}

/** How many months Sonar bills at a time once Splynx bills the account monthly, or a data error row. */
export function billedMonths(b: Row, ctx: TransformContext): number {
  const months = whole(b, 'months_to_bill') ?? 1;
  if (ctx.mapping(CYCLE_TABLE).lookup(months) === 'refuse')
    throw new TransformError(
      `account ${b.account_id} is billed ${months} months at a time; Splynx bills customers every month`,
      'months_to_bill',
      `Bill account ${b.account_id} monthly in Sonar, or choose "monthly" for ${months} in data/mappings/${CYCLE_TABLE}.csv (a month at a time in Splynx), or set up its billing by hand in Splynx and ignore this row`,
      'data',
    );
  return months;
}

export const customerBilling: EntityModule<Payload> = {
  name: 'customer_billing',
  phase: 'customers',
  source: 'account_billing_parameters',
  endpoint: 'admin/customers/customer-billing',
  dependsOn: ['customers'],
  payload,
  transform(b, ctx) {
    const billingDate = splynxBillingDay(b, ctx);
    billedMonths(b, ctx);
    const customerId = ctx.ref('customers', b.account_id);
    const account = ctx.byId('accounts', b.account_id);
    const payer = account
      ? contactsOf(account, ctx).find((c) => typeof c.role === 'string' && BILLING_ROLE.test(c.role) && String(c.name ?? '').trim())
      : undefined;
    const address = mailingAddress(b.account_id, ctx);
    return {
      customer_id: customerId,
      billing_date: billingDate,
      billing_due: whole(b, 'due_days') ?? 0,
      grace_period: whole(b, 'grace_days') ?? 0,
      make_invoices: '1',
      billing_person: payer ? String(payer.name).trim().slice(0, SPLYNX_LIMITS.customer_billing.billing_person) : '',
      billing_street_1: address?.street ?? '',
      billing_zip_code: address?.zip ?? '',
      billing_city: address?.city ?? '',
    };
  },
  attachTo: (p) => p.customer_id,
  naturalKey: (p) => ({ key: `billing of customer ${p.customer_id}`, find: async () => p.customer_id }),
  mappings: [
    { name: BILL_DAY_TABLE, propose: proposeBillDays },
    { name: MODE_TABLE, propose: proposeBillDayModes },
    { name: CYCLE_TABLE, propose: proposeBillingCycles },
  ],
};

const MODE_PROPOSALS: Record<(typeof SONAR_BILL_DAY_MODES)[number], [string, string]> = {
  FIXED: ['bill-day', "a fixed bill day is the day Splynx charges on: Splynx's billing day"],
  ANNIVERSARY_BILL_DAY: [
    'bill-day',
    'each account is billed on its own anniversary bill day; Splynx keeps a billing day per customer, so that day is its billing day',
  ],
  ANNIVERSARY_INVOICE_DAY: [
    'invoice-day',
    'each account is invoiced on its anniversary invoice day; Splynx charges and invoices on one day, so the invoice day becomes its billing day',
  ],
};

function proposeBillDayModes(ctx: TransformContext) {
  const params = ctx.tables.account_billing_parameters ?? [];
  return SONAR_BILL_DAY_MODES.map((mode) => ({
    sonar_id: mode,
    sonar_value: mode,
    splynx_value: MODE_PROPOSALS[mode][0],
    reason: MODE_PROPOSALS[mode][1],
    records: String(params.filter((b) => b.bill_day_mode === mode).length),
  }));
}

/** 1 is what Splynx does; any other cycle is refused until the analyst says otherwise. */
function proposeBillingCycles(ctx: TransformContext) {
  const counts = new Map<string, number>([['1', 0]]);
  for (const b of ctx.tables.account_billing_parameters ?? []) {
    const m = String(b.months_to_bill ?? 1);
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([months, records]) => ({
      sonar_id: months,
      sonar_value: `${months} month${months === '1' ? '' : 's'} at a time`,
      splynx_value: months === '1' ? 'monthly' : 'refuse',
      reason:
        months === '1'
          ? 'Sonar bills one month at a time, as Splynx does'
          : `Splynx bills customers every month: "refuse" reports these accounts (a data error row) so their billing is set up by hand; "monthly" bills them a month at a time in Splynx, at the same monthly price`,
      records: String(records),
    }));
}

/**
 * Splynx's documentation offers the 28th or the 1st for customers billed on the 29th to 31st. The
 * 1st is proposed: it bills a day or three after Sonar would have, never before, and the first
 * Splynx bill covers the days in between, so no day is billed twice or not at all.
 */
function proposeBillDays(ctx: TransformContext) {
  const counts = new Map<number, number>();
  for (const b of ctx.tables.account_billing_parameters ?? []) {
    const day = Number(b.bill_day ?? b.invoice_day);
    if (day > LAST_SPLYNX_DAY && day <= 31) counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([day, records]) => ({
      sonar_id: String(day),
      sonar_value: `bill day ${day}`,
      splynx_value: '1',
      reason: `Splynx bills on days 1 to 28; the 1st bills ${day === 31 ? 'a day' : `${32 - day} days`} after Sonar would in a long month, never before, and the first bill prorates the days between`,
      records: String(records),
    }));
}
