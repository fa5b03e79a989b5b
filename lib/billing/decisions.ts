/**
 * The service-side billing decisions an account status can have (the `services` column of the
 * account-status mapping table), what each makes of a Splynx service, and the proposal from
 * Sonar's own flag and the status name. See lib/entities/service-billing.ts for what follows.
 */

export const SERVICE_DECISIONS = ['billed', 'paused', 'ended'] as const;
export type ServiceDecision = (typeof SERVICE_DECISIONS)[number];

/** The Splynx status of each decision (lib/entities/service-billing.ts has the table and its sources). */
export const SERVICE_STATUS: Record<ServiceDecision, 'active' | 'stopped' | 'disabled'> = {
  billed: 'active',
  paused: 'stopped',
  ended: 'disabled',
};

/**
 * A first guess at the services' decision for an account status, from Sonar's own flag and the
 * name, with its reason; the analyst has the last word (the `services` column).
 */
export function proposeServiceDecision(name: string, activates: boolean, customerStatus: string): [ServiceDecision, string] {
  if (activates) {
    const seasonal = /season|vacation|hold|pause/i.test(name) ? ` (the name reads as a pause, but Sonar bills it while it activates)` : '';
    return ['billed', `the status activates the account: Sonar bills it, so Splynx does${seasonal}`];
  }
  if (/cancel|disconnect|inactive|terminat|closed|former|churn/i.test(name))
    return [
      'ended',
      `"${name}" reads as an account that has ended and Sonar does not bill it: its services are disabled with an end date (a disabled service without one is still billed)`,
    ];
  if (/suspend|season|vacation|hold|pause/i.test(name))
    return ['paused', `"${name}" reads as a pause and Sonar does not bill it: stopped services are not billed and can be started again`];
  if (/delinq|collect|non.?pay|block/i.test(name))
    return customerStatus === 'blocked'
      ? [
          'paused',
          `"${name}" reads as unpaid and the customer is blocked: Sonar does not bill it, so its services are stopped until it pays`,
        ]
      : ['ended', `"${name}" reads as unpaid and the customer is not blocked: Sonar does not bill it, so its services end`];
  if (/lead|prospect|pending|install|new/i.test(name))
    return ['paused', `"${name}" reads as not yet in service and Sonar does not bill it: stopped until it is installed, then set active`];
  return ['ended', 'the status does not activate the account, so Sonar does not bill it: its services end'];
}
