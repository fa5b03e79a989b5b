/**
 * Mapping tables that decide whether a Sonar record becomes a new Splynx record or is the same as
 * one that already exists: `company` (→ partner) and `service` (→ tariff). A fresh Splynx already
 * has partner 1 "Main", and an ISP may have built its tariffs in Splynx by hand before cutover; in
 * both cases creating another one would leave two. The value is `new` (create it) or the id of the
 * existing Splynx record, which the loader checks and records as `external` (see `mappedTo`).
 *
 * The proposal is always `new`: without reading Splynx there is no safe guess, and a wrong id would
 * silently merge two things; the reason tells the analyst what else the row can say.
 */
import type { MappingSpec } from '../mappings/table.js';
import type { Row, TransformContext } from './types.js';

export const EXISTING_SPECS = {
  company: {
    name: 'company',
    describes: 'Splynx partner',
    pattern: /^(new|\d+)$/,
    expects: '"new" or the id of an existing Splynx partner',
  },
  service: {
    name: 'service',
    describes: 'Splynx tariff',
    pattern: /^(new|\d+)$/,
    expects: '"new" or the id of an existing Splynx tariff of the same kind',
  },
} satisfies Record<string, MappingSpec>;

/** The existing Splynx id the table sends a Sonar record to, or null for `new`. */
export function mappedExisting(ctx: TransformContext, table: keyof typeof EXISTING_SPECS, sonarId: unknown): string | null {
  const v = ctx.mapping(table).lookup(sonarId);
  return v === 'new' ? null : v;
}

/** Proposes `new` for each record, with what the row could say instead. */
export function proposeNew(rows: Row[], what: (r: Row) => string, instead: string, records: (r: Row) => number) {
  return rows.map((r) => ({
    sonar_id: String(r.id),
    sonar_value: what(r),
    splynx_value: 'new',
    reason: `created as a new ${instead}; put the id of an existing one to use it instead`,
    records: String(records(r)),
  }));
}
