/** What one billing cycle of an account service costs, in cents, so invoices and accounts agree. */
import type { AccountServiceFact } from './account-services.js';

/** Services that bill every month; CREDIT services would make discounts, which are not generated. */
export function billsMonthly(fact: AccountServiceFact): boolean {
  return fact.service.application === 'DEBIT' && fact.service.type !== 'ONETIME';
}

export function lineAmount(fact: AccountServiceFact): number {
  return fact.unitPrice * fact.quantity;
}

export function lineTax(amount: number, taxable: boolean, taxRate: number, taxExempt: boolean): number {
  return taxable && !taxExempt ? Math.round(amount * taxRate) : 0;
}

/** `Account.next_recurring_charge_amount`: the monthly total including tax. */
export function monthlyCharge(facts: AccountServiceFact[], taxRate: number, taxExempt: boolean): number {
  let total = 0;
  for (const fact of facts) {
    if (!billsMonthly(fact)) continue;
    const amount = lineAmount(fact);
    total += amount + lineTax(amount, fact.service.taxable, taxRate, taxExempt);
  }
  return total;
}
