/**
 * Sonar companies → Splynx partners. A Sonar instance can bill as several companies; Splynx's
 * partner is the same idea (who the customer belongs to, whose branding and taxes apply).
 * A fresh Splynx has partner 1 "Main": the `company` mapping table may send a company there
 * instead of creating a new partner (splynx_value = an existing partner id; see existing-records.ts).
 *
 * | Sonar          | Splynx                           | note                                          |
 * |----------------|----------------------------------|-----------------------------------------------|
 * | `name`         | `name`                           | ≤ 128 characters                              |
 * | `id`           | `additional_attributes.sonar_id` | the natural key                               |
 * | (the company)  | an existing partner              | when the `company` table gives its id          |
 *
 * No place in a Splynx partner: the company's address, phone, tax ids, logo and invoice settings
 * (Splynx keeps those in the partner's configuration pages, set by hand; they stay in the backup).
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { mappedExisting, proposeNew } from './existing-records.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import type { EntityModule } from './types.js';

const payload = z.object({
  name: z.string().trim().min(1).max(SPLYNX_LIMITS.partners.name),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const partners: EntityModule<Payload> = {
  name: 'partners',
  phase: 'foundation',
  source: 'companies',
  endpoint: 'admin/administration/partners',
  dependsOn: [],
  payload,
  transform: (company) => ({
    name: String(company.name ?? '').trim(),
    additional_attributes: { [SONAR_ID_FIELD]: String(company.id) },
  }),
  mappedTo: (company, ctx) => mappedExisting(ctx, 'company', company.id),
  mappings: [
    {
      name: 'company',
      propose: (ctx) =>
        proposeNew(
          ctx.tables.companies ?? [],
          (c) => String(c.name ?? ''),
          'partner',
          (c) => (ctx.tables.accounts ?? []).filter((a) => String(a.company_id) === String(c.id)).length,
        ),
    },
  ],
};
