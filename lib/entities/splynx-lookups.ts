/**
 * Mapping tables whose Splynx values are ids of lookup records (payment methods, ticket statuses,
 * groups, types). The proposals assume a fresh Splynx's ids; this checks the analyst's tables
 * against the instance before a load, so a wrong id is one line per mapping row now instead of
 * a 422 on every record later.
 */
import type { SplynxApi } from '../splynx/client.js';
import type { TransformContext } from './types.js';

export const LOOKUP_MAPPINGS: Record<string, { endpoint: string; label: (r: Record<string, string>) => string }> = {
  'payment-type': { endpoint: 'admin/finance/payment-methods', label: (r) => r.name },
  'ticket-status': { endpoint: 'admin/support/tickets-statuses', label: (r) => r.title_for_agent },
  'ticket-group': { endpoint: 'admin/support/tickets-groups', label: (r) => r.title },
  'ticket-type': { endpoint: 'admin/support/tickets-types', label: (r) => r.title },
};

export interface LookupProblem {
  mapping: string;
  sonar_id: string;
  sonar_value: string;
  splynx_value: string;
  message: string;
}

/** Every row of the given id mappings whose Splynx value is not an existing (active) record. */
export async function checkLookupMappings(
  api: SplynxApi,
  ctx: TransformContext,
  names = Object.keys(LOOKUP_MAPPINGS),
): Promise<LookupProblem[]> {
  const problems: LookupProblem[] = [];
  for (const name of names) {
    const spec = LOOKUP_MAPPINGS[name];
    const table = ctx.mapping(name);
    if (!spec || !table.exists) continue;
    const records = await api.get<Array<Record<string, string>>>(spec.endpoint);
    const byId = new Map(records.map((r) => [String(r.id), r]));
    for (const row of table.all()) {
      const v = row.splynx_value.trim();
      const hit = byId.get(v);
      const fail = (message: string) =>
        problems.push({ mapping: name, sonar_id: row.sonar_id, sonar_value: row.sonar_value, splynx_value: v, message });
      if (!hit)
        fail(
          `${name}: Sonar "${row.sonar_value}" maps to ${v || '(nothing)'}, which is not an id in ${spec.endpoint} (there: ${records.map((r) => `${r.id} ${spec.label(r)}`).join(', ')})`,
        );
      else if (name === 'payment-type' && String(hit.is_active) === '0')
        fail(`${name}: payment method ${v} "${hit.name}" is not active in Splynx`);
    }
  }
  return problems;
}
