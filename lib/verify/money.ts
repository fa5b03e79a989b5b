/**
 * The money check, per customer and to the cent (integer cents, never floats): what the customer's
 * services cost a month, and their opening balance, in Sonar and in Splynx.
 *
 * Services. Sonar: for each account service that becomes a Splynx service (data, recurring and
 * voice; one-time services are charges), its `price_override`, else its service's amount (a CREDIT
 * service is negative, as the tariffs are migrated), times its quantity. Splynx: for each of the
 * customer's services, its own `unit_price` times its quantity. A Splynx service carries its own
 * price (one created without takes its tariff's), and the load always sends it, so a Sonar
 * override to 0 is a free service on both sides.
 *
 * Opening balance: invoices minus payments on each side, exactly as
 * lib/entities/finance-balances.ts computes it (reused, not repeated).
 *
 * Both sides are read whole (Splynx's lists a page at a time), so the check covers every
 * customer even when the field check samples. Only accounts in the snapshot are compared: a
 * Splynx customer that did not come from Sonar has no Sonar side (the counts report any that
 * claims to). An incremental snapshot is cleaned as the whole picture, so it is checked the same way.
 */
import { decimalToCents } from '../clean/money.js';
import { SERVICE_MODULES } from '../entities/customer-services.js';
import { customers as customerModule } from '../entities/customers.js';
import { compareOpeningBalances } from '../entities/finance-balances.js';
import { tariffsInternet } from '../entities/tariffs-internet.js';
import { tariffsRecurring } from '../entities/tariffs-recurring.js';
import { tariffsVoice } from '../entities/tariffs-voice.js';
import { SONAR_ID_FIELD } from '../entities/sonar-id.js';
import { decimal } from '../entities/sonar-values.js';
import type { Row } from '../entities/types.js';
import { listAll } from './splynx-read.js';
import type { VerifySession } from './session.js';
import type { Difference } from './types.js';

export interface MoneyRow {
  account_id: string;
  customer_id: string;
  services_sonar: string;
  services_splynx: string;
  balance_sonar: string;
  balance_splynx: string;
  services_difference_cents: number;
  balance_difference_cents: number;
  note: string;
}

export interface MoneyCheck {
  /** Accounts compared. */
  customers: number;
  rows: MoneyRow[];
  differences: Difference[];
  /** Why the check did not run, when it did not. */
  skipped?: string;
}

const KINDS = [
  { kind: 'internet', type: 'DATA', tariffs: tariffsInternet.endpoint },
  { kind: 'recurring', type: 'RECURRING', tariffs: tariffsRecurring.endpoint },
  { kind: 'voice', type: 'VOICE', tariffs: tariffsVoice.endpoint },
] as const;

const add = (m: Map<string, number>, key: string, cents: number) => m.set(key, (m.get(key) ?? 0) + cents);

/** Sonar: per account, the month's price of its services in cents, and notes on what could not be read. */
export function sonarServiceTotals(tables: Record<string, Row[]>): { totals: Map<string, number>; notes: Map<string, string[]> } {
  const services = new Map((tables.services ?? []).map((s) => [String(s.id), s]));
  const totals = new Map<string, number>();
  const notes = new Map<string, string[]>();
  for (const as of tables.account_services ?? []) {
    const service = services.get(String(as.service_id));
    if (!service || !KINDS.some((k) => k.type === service.type)) continue;
    const account = String(as.account_id);
    const overridden = as.price_override !== null && as.price_override !== undefined;
    const unit = overridden ? Number(as.price_override) : Number(service.amount ?? 0) * (service.application === 'CREDIT' ? -1 : 1);
    const quantity = Number(as.quantity ?? 1);
    if (!Number.isInteger(unit) || !Number.isInteger(quantity)) {
      notes.set(account, [
        ...(notes.get(account) ?? []),
        `account service ${as.id}: price or quantity is not whole (left out of the Sonar side)`,
      ]);
      continue;
    }
    add(totals, account, unit * quantity);
  }
  return { totals, notes };
}

/** Splynx: per customer id, the month's price of its services in cents, and notes on prices that are not whole cents. */
export async function splynxServiceTotals(s: VerifySession): Promise<{ totals: Map<string, number>; notes: Map<string, string[]> }> {
  const totals = new Map<string, number>();
  const notes = new Map<string, string[]>();
  for (const k of KINDS) {
    const tariffs = new Map((await listAll(s.api, k.tariffs, [{}])).map((t) => [String(t.id), t]));
    // Customer 0 lists every customer's services; Splynx wants a search with it.
    const services = await listAll(s.api, SERVICE_MODULES[k.kind].endpoint, [{ main_attributes: { customer_id: ['>', 0] } }]);
    for (const sv of services) {
      const customer = String(sv.customer_id);
      try {
        // A service stored without a price (Splynx fills one in on create) would bill its tariff's.
        const unit =
          sv.unit_price === '' || sv.unit_price === null || sv.unit_price === undefined
            ? decimalToCents(String(tariffs.get(String(sv.tariff_id))?.price || '0'))
            : decimalToCents(String(sv.unit_price));
        add(totals, customer, unit * Number(sv.quantity ?? 1));
      } catch (e) {
        notes.set(customer, [
          ...(notes.get(customer) ?? []),
          `Splynx ${k.kind} service ${sv.id}: ${(e as Error).message} (left out of the Splynx side)`,
        ]);
      }
    }
  }
  return { totals, notes };
}

export async function checkMoney(s: VerifySession): Promise<MoneyCheck> {
  const accounts = new Set((s.tables.accounts ?? []).map((a) => String(a.id)));
  const { totals: sonarServices, notes } = sonarServiceTotals(s.tables);
  const { totals: splynxServices, notes: splynxNotes } = await splynxServiceTotals(s);
  const balances = new Map(
    (await compareOpeningBalances(s.api, s.tables)).filter((b) => accounts.has(b.account_id)).map((b) => [b.account_id, b]),
  );
  const customers = await listAll(s.api, customerModule.endpoint, [{}]);
  const customerOf = new Map<string, string>();
  for (const c of customers) {
    const sid = String((c.additional_attributes as Record<string, unknown> | undefined)?.[SONAR_ID_FIELD] ?? '');
    if (sid && accounts.has(sid)) customerOf.set(sid, String(c.id));
  }

  const rows: MoneyRow[] = [];
  for (const account of [...accounts].sort((a, b) => Number(a) - Number(b))) {
    const customer = customerOf.get(account) ?? balances.get(account)?.customer_id ?? '';
    const b = balances.get(account);
    const services = { sonar: sonarServices.get(account) ?? 0, splynx: customer ? (splynxServices.get(customer) ?? 0) : 0 };
    const balance = { sonar: b?.sonar_cents ?? 0, splynx: b?.splynx_cents ?? 0 };
    const note = [
      ...(notes.get(account) ?? []),
      ...(splynxNotes.get(customer) ?? []),
      ...(b?.notes ? [b.notes] : []),
      ...(customer ? [] : ['no customer in Splynx']),
    ].join('; ');
    rows.push({
      account_id: account,
      customer_id: customer,
      services_sonar: decimal(services.sonar),
      services_splynx: decimal(services.splynx),
      balance_sonar: decimal(balance.sonar),
      balance_splynx: decimal(balance.splynx),
      services_difference_cents: services.splynx - services.sonar,
      balance_difference_cents: balance.splynx - balance.sonar,
      note,
    });
  }
  const differences: Difference[] = rows.flatMap((r) => [
    ...(r.services_difference_cents
      ? [
          {
            check: 'money' as const,
            entity: 'money',
            sonar_id: r.account_id,
            splynx_id: r.customer_id,
            field: 'services_total',
            expected: r.services_sonar,
            found: r.services_splynx,
          },
        ]
      : []),
    ...(r.balance_difference_cents
      ? [
          {
            check: 'money' as const,
            entity: 'money',
            sonar_id: r.account_id,
            splynx_id: r.customer_id,
            field: 'opening_balance',
            expected: r.balance_sonar,
            found: r.balance_splynx,
          },
        ]
      : []),
  ]);
  return { customers: rows.length, rows, differences };
}
