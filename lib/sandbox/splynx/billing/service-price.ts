/**
 * A customer service carries its own price. Created without a `unit_price`, it takes its tariff's
 * price, as Splynx's service form does ("Price - the price of the tariff (custom prices can be set
 * that differ from service price in the tariff configuration)", customer_services.md); from then
 * on the service's price is what is billed, whatever the tariff's: a tariff's new price reaches
 * existing services only when asked to ("Update ... price in existing services",
 * internet_plans.md), and RADIUS templates offer `service.unit_price` as the service price that
 * "can differ from the tariff.price" (radius_customization.md). So an explicit `unit_price` of 0
 * is a free service, and an unset one bills the tariff's price.
 */
import type { EntityHooks } from '../entity.js';
import { isBlank } from '../validate.js';

export function servicePriceHooks(tariffs: string): EntityHooks {
  return {
    fill(row, ctx, old) {
      if (old || !isBlank(row.unit_price)) return;
      const tariff = ctx.store.get(tariffs, row.tariff_id);
      if (tariff) row.unit_price = Number(tariff.price ?? 0);
    },
  };
}

/** Several hooks as one: each kind of hook runs in the order given. */
export function composeHooks(...all: EntityHooks[]): EntityHooks {
  const out: EntityHooks = {};
  const fills = all.flatMap((h) => (h.fill ? [h.fill] : []));
  if (fills.length) out.fill = (row, ctx, old) => fills.forEach((f) => f(row, ctx, old));
  const validates = all.flatMap((h) => (h.validate ? [h.validate] : []));
  if (validates.length) out.validate = (row, ctx, old, input) => validates.flatMap((v) => v(row, ctx, old, input));
  for (const h of all)
    for (const [k, v] of Object.entries(h)) if (k !== 'fill' && k !== 'validate' && !(k in out)) (out as Record<string, unknown>)[k] = v;
  return out;
}
