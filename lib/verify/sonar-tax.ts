/**
 * What Sonar adds as tax to an account's next charge, as far as Sonar's own invoices tell.
 *
 * `next_recurring_charge_amount` includes tax ("including tax", sonar/notes.md), but the snapshot
 * holds no tax rates, only each invoice's `total_taxes` and its debit lines. So, from the invoices
 * that are not void:
 *
 * - a service is taxed unless it is on an invoice without tax of an account that is not tax exempt
 *   (such an invoice taxed none of its lines);
 * - an account's rate is its latest taxed invoice's `total_taxes` over the taxed lines on it; an
 *   account without one takes the rate most common among accounts whose main address is in the
 *   same state or province (the same rule Sonar's location taxes follow); failing that, the rates
 *   seen on the ISP's invoices are candidates, and one must account for the whole difference;
 *   failing that too, the rate the difference itself implies is taken if it is one a sales tax can
 *   be (above 0, at most 15 %), and the report says so;
 * - a tax-exempt account (`account_billing_parameters.tax_exempt`) pays none.
 *
 * The estimate is each taxed line times the rate, rounded to the cent. A rate read back from
 * rounded taxes can be a hair off, so the first-bill check accepts a cent per taxed line, never
 * more: a stale next charge (dollars off) is never taken for tax.
 */
import { mainAddress } from '../entities/customers.js';
import type { Row, TransformContext } from '../entities/types.js';

/** The highest sales tax the check believes without an invoice to show it: 15 %. */
const MAX_RATE = 0.15;

export interface TaxEstimate {
  cents: number;
  /** Lines the estimate taxed (the tolerance is a cent each). */
  taxedLines: number;
  /** Percent, for the report. */
  ratePercent: number;
  source: string;
}

export interface SonarTax {
  /**
   * Sonar's tax on these monthly lines of the account, or null when no rate is known and a line is
   * taxed. Where the account has no rate of its own or of its state, the ISP's other rates are
   * tried and the one nearest `observed` (the difference to explain) is taken.
   */
  estimate(accountId: string, lines: Array<{ serviceId: string; cents: number }>, observed?: number): TaxEstimate | null;
}

export function learnSonarTax(tables: Record<string, Row[]>, ctx: TransformContext): SonarTax {
  const exempt = new Set((tables.account_billing_parameters ?? []).filter((b) => b.tax_exempt === true).map((b) => String(b.account_id)));
  const debitsOf = new Map<string, Row[]>();
  for (const d of tables.debits ?? []) {
    if (!d.invoice_id || d.reversed === true) continue;
    const list = debitsOf.get(String(d.invoice_id));
    if (list) list.push(d);
    else debitsOf.set(String(d.invoice_id), [d]);
  }
  const invoices = (tables.invoices ?? []).filter((i) => i.void !== true);
  const untaxed = new Set<string>();
  for (const inv of invoices)
    if (Number(inv.total_taxes) === 0 && !exempt.has(String(inv.account_id)))
      for (const d of debitsOf.get(String(inv.id)) ?? []) untaxed.add(String(d.service_id));

  const rates = new Map<string, { rate: number; source: string }>();
  const latest = [...invoices].sort((a, b) => String(a.date).localeCompare(String(b.date)) || Number(a.id) - Number(b.id));
  for (const inv of latest) {
    const taxes = Number(inv.total_taxes);
    if (!(taxes > 0)) continue;
    const base = (debitsOf.get(String(inv.id)) ?? [])
      .filter((d) => !untaxed.has(String(d.service_id)))
      .reduce((s, d) => s + Number(d.amount), 0);
    if (base > 0) rates.set(String(inv.account_id), { rate: taxes / base, source: `Sonar invoice ${inv.id} of ${inv.date}` });
  }

  const stateOf = (accountId: string) => {
    const account = ctx.byId('accounts', accountId);
    return account ? String(mainAddress(account, ctx)?.subdivision ?? '') : '';
  };
  const byState = new Map<string, Map<string, number>>();
  for (const [account, r] of rates) {
    const state = stateOf(account);
    if (!state) continue;
    const key = (r.rate * 100).toFixed(3);
    const counts = byState.get(state) ?? new Map<string, number>();
    counts.set(key, (counts.get(key) ?? 0) + 1);
    byState.set(state, counts);
  }
  const stateRate = (state: string) => {
    const counts = byState.get(state);
    if (!counts) return null;
    const [key] = [...counts].sort((a, b) => b[1] - a[1])[0];
    return { rate: Number(key) / 100, source: `the usual rate of accounts in ${state}` };
  };

  // One rate per state (its most common), as candidates for an account that shows none.
  const isp = [...byState.keys()].map((state) => ({ ...stateRate(state)!, source: `a rate Sonar charges in ${state}` }));

  return {
    estimate(accountId, lines, observed) {
      const taxed = lines.filter((l) => !untaxed.has(l.serviceId) && l.cents !== 0);
      if (exempt.has(accountId) || !taxed.length) return { cents: 0, taxedLines: 0, ratePercent: 0, source: 'no taxed line' };
      const at = (r: { rate: number; source: string }): TaxEstimate => ({
        cents: taxed.reduce((s, l) => s + Math.round(l.cents * r.rate), 0),
        taxedLines: taxed.length,
        ratePercent: Math.round(r.rate * 100_000) / 1000,
        source: r.source,
      });
      const r = rates.get(accountId) ?? stateRate(stateOf(accountId));
      if (r) return at(r);
      if (observed === undefined) return null;
      const nearest = isp.map(at).sort((a, b) => Math.abs(a.cents - observed) - Math.abs(b.cents - observed))[0];
      if (nearest && Math.abs(nearest.cents - observed) <= taxed.length) return nearest;
      // No invoice shows a rate that fits: the rate the difference implies, if a sales tax could be that.
      const base = taxed.reduce((s, l) => s + l.cents, 0);
      const implied = base > 0 ? observed / base : 0;
      if (implied > 0 && implied <= MAX_RATE)
        return {
          ...at({ rate: implied, source: '' }),
          source: 'the difference itself (no Sonar invoice shows a rate for this account or its state)',
        };
      return null;
    },
  };
}
