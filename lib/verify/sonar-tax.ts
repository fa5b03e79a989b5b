/**
 * What Sonar adds as tax to an account's next charge, as far as Sonar's own invoices tell.
 *
 * `next_recurring_charge_amount` includes tax ("including tax", sonar/notes.md), but the snapshot
 * holds no tax rates, only each invoice's `total_taxes` and its debit lines. So, from the invoices
 * that are not void:
 *
 * - a service is taxed unless it is on an invoice without tax of an account that is not tax exempt
 *   (such an invoice taxed none of its lines);
 * - the rates Sonar charges: an account's own (its latest taxed invoice's `total_taxes` over the
 *   taxed lines on it), its state's or province's (the taxes of the accounts whose main address is
 *   there, over their taxed lines: the rule Sonar's location taxes follow), or, when neither is
 *   known, every state's; the first that accounts for the difference is the one named. If none
 *   does and the account has no rate of its own or of its state, the rate the difference implies
 *   is taken when a sales tax can be that (above 0, at most 15 %), and the report says so;
 * - a tax-exempt account (`account_billing_parameters.tax_exempt`) pays none.
 *
 * The estimate is each taxed line times the rate, rounded to the cent. A rate read back from
 * rounded taxes can be a hair off, so the first-bill check accepts a cent per taxed line, never
 * more: a stale next charge (dollars off) is never taken for tax.
 */
import { mainAddress } from '../sonar/relations.js';
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
  /** Per account, its latest taxed invoice's taxes and taxed lines, so a state's rate pools them. */
  const taxedBase = new Map<string, { taxes: number; base: number }>();
  const latest = [...invoices].sort((a, b) => String(a.date).localeCompare(String(b.date)) || Number(a.id) - Number(b.id));
  for (const inv of latest) {
    const taxes = Number(inv.total_taxes);
    if (!(taxes > 0)) continue;
    const base = (debitsOf.get(String(inv.id)) ?? [])
      .filter((d) => !untaxed.has(String(d.service_id)))
      .reduce((s, d) => s + Number(d.amount), 0);
    if (base <= 0) continue;
    rates.set(String(inv.account_id), { rate: taxes / base, source: `Sonar invoice ${inv.id} of ${inv.date}` });
    taxedBase.set(String(inv.account_id), { taxes, base });
  }

  const stateOf = (accountId: string) => {
    const account = ctx.byId('accounts', accountId);
    return account ? String(mainAddress(account, ctx)?.subdivision ?? '') : '';
  };
  // A state's rate pools its accounts' taxes over their taxed lines: a small line's rounded tax (0.43
  // on 5.00) then weighs as little as it should.
  const byState = new Map<string, { taxes: number; base: number }>();
  for (const [account, t] of taxedBase) {
    const state = stateOf(account);
    if (!state) continue;
    const sum = byState.get(state) ?? { taxes: 0, base: 0 };
    byState.set(state, { taxes: sum.taxes + t.taxes, base: sum.base + t.base });
  }
  const stateRate = (state: string) => {
    const sum = byState.get(state);
    return sum ? { rate: sum.taxes / sum.base, source: `the rate Sonar's invoices show for accounts in ${state}` } : null;
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
      // The account's own rate first, then its state's, then any the ISP charges: the first that accounts for the difference.
      const own = rates.get(accountId);
      const state = stateRate(stateOf(accountId));
      // Other states' rates only stand in for an account whose own and whose state's are unknown.
      const candidates = (own || state ? [own, state] : isp).filter((r): r is { rate: number; source: string } => !!r).map(at);
      if (observed === undefined) return candidates[0] ?? null;
      const fits = candidates.find((c) => Math.abs(c.cents - observed) <= taxed.length);
      if (fits) return fits;
      if (own || state) return candidates[0];
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
