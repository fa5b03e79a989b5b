/**
 * What every Splynx tariff shares, whatever its kind: a unique title, a price, the partners that
 * sell it, how it bills, and the Sonar id it came from. Each tariff module adds its own fields.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { centsToDecimal } from '../clean/money.js';
import { mappedExisting, proposeNew } from './existing-records.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { findBy, TransformError, type Row, type SplynxReader, type TransformContext } from './types.js';

export const tariffBase = {
  title: z.string().trim().min(1).max(SPLYNX_LIMITS.tariffs.title),
  price: z.string().regex(/^-?\d+\.\d{2,4}$/),
  partners_ids: z.array(z.string().regex(/^\d+$/)).min(1),
  billing_types: z.array(z.enum(['recurring', 'prepaid', 'prepaid_monthly'])).min(1),
  with_vat: z.enum(['0', '1']),
  hide_on_admin_portal: z.enum(['0', '1']),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
};

/** The partners a service is offered by: its company's, or every migrated partner. */
export function partnersFor(service: Row, ctx: TransformContext): string[] {
  if (service.company_id) return [ctx.ref('partners', service.company_id)];
  const all = (ctx.tables.companies ?? []).map((c) => ctx.optionalRef('partners', c.id)).filter((x): x is string => !!x);
  if (!all.length)
    throw new TransformError('no partner has been migrated yet', 'partners_ids', 'Load the foundation phase (partners) first');
  return all;
}

/** Splynx bills a tariff every billing period; a Sonar service billed every N months has no equivalent. */
export function assertMonthly(detail: Row | undefined): void {
  if (detail && detail.billing_frequency !== null && detail.billing_frequency !== undefined && Number(detail.billing_frequency) !== 1) {
    throw new TransformError(
      `bills every ${detail.billing_frequency} months; Splynx tariffs bill per billing period`,
      'billing_frequency',
      'Create a matching tariff by hand and register it with register-external',
    );
  }
}

/** The shared fields, from a Sonar service. A CREDIT service (a discount) is a negative price. */
export function tariffFields(service: Row, ctx: TransformContext) {
  return {
    title: String(service.name ?? '').trim(),
    price: centsToDecimal(Number(service.amount ?? 0) * (service.application === 'CREDIT' ? -1 : 1))!,
    partners_ids: partnersFor(service, ctx),
    billing_types: ['recurring' as const],
    with_vat: '0' as const,
    hide_on_admin_portal: service.enabled === false ? ('1' as const) : ('0' as const),
    additional_attributes: { [SONAR_ID_FIELD]: String(service.id) },
  };
}

/**
 * The `service` table, shared by the four tariff kinds: each proposes its own services, and a
 * service mapped to an existing tariff is used as it is (see existing-records.ts).
 */
export function serviceMapping(type: string, kind: string) {
  return {
    mappedTo: (service: Row, ctx: TransformContext) => mappedExisting(ctx, 'service', service.id),
    mappings: [
      {
        name: 'service',
        propose: (ctx: TransformContext) =>
          proposeNew(
            (ctx.tables.services ?? []).filter((s) => s.type === type),
            (s) => `${s.name} (${type})`,
            `${kind} tariff`,
            (s) => (ctx.tables.account_services ?? []).filter((a) => String(a.service_id) === String(s.id)).length,
          ),
      },
    ],
  };
}

/** Splynx keeps tariff titles unique: a tariff is found again by its title (one made by hand is adopted). */
export const byTitle = (p: { title: string }) => ({
  key: `title "${p.title}"`,
  find: (api: SplynxReader, at: string) => findBy(api, at, 'title', p.title),
});
