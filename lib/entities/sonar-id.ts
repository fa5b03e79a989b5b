/**
 * Every migrated record carries its Sonar id in an additional field named `sonar_id`, so it can
 * always be found again (after a crash, on a re-run, at reconciliation) without trusting titles or
 * names. This creates the field definition in each Splynx module that needs it, once.
 */
import { SplynxError, type SplynxApi } from '../splynx/client.js';
import type { SplynxReader } from './types.js';

export const SONAR_ID_FIELD = 'sonar_id';

/** Where Splynx keeps a module's additional-field definitions. */
export const ADDITIONAL_FIELDS = 'admin/config/additional-fields';
export const additionalFieldsPath = (module: string) => `${ADDITIONAL_FIELDS}/${module}`;

/** The Splynx additional-field modules the entities write a `sonar_id` into. */
export const SONAR_ID_MODULES = [
  'partners',
  'locations',
  'admins',
  'tariffs_internet',
  'tariffs_custom',
  'tariffs_voice',
  'tariffs_one_time',
  'customers',
  'services_internet',
  'services_custom',
  'services_voice',
  'ipv4_networks',
  'routers',
  'inventory_vendors',
  'inventory_products',
  'inventory_items',
  'invoices',
  'payments',
  'billing_transactions',
  'ticket',
] as const;
export type SonarIdModule = (typeof SONAR_ID_MODULES)[number];

export async function ensureSonarIdFields(api: SplynxApi, modules: readonly string[] = SONAR_ID_MODULES): Promise<string[]> {
  // The modules are independent: ask about them side by side (the client bounds the requests in
  // flight), so a fresh load does not open with some forty round trips one after another.
  const created = await Promise.all(
    modules.map(async (module) => {
      const path = additionalFieldsPath(module);
      const defined = async () => (await api.get<Array<{ name: string }>>(path)).some((d) => d.name === SONAR_ID_FIELD);
      if (await defined()) return null;
      for (let attempt = 1; ; attempt++) {
        try {
          await api.create(path, {
            name: SONAR_ID_FIELD,
            title: 'Sonar id',
            type: 'string',
            is_unique: '1',
            readonly: '1',
            show_in_list: '0',
          });
          return module;
        } catch (e) {
          // An unanswered create may have landed (a dropped connection, a 5xx, a timeout): only a
          // look tells, and only a miss allows sending it again. Otherwise one lost answer here
          // would stop the whole run before its first record.
          if (!(e instanceof SplynxError) || !e.details.ambiguous || attempt >= SETTLE_ATTEMPTS) throw e;
          if (await defined()) return module;
        }
      }
    }),
  );
  return created.filter((m): m is string => m !== null);
}

/** How many times an unanswered create of a field definition is looked up and sent again. */
const SETTLE_ATTEMPTS = 6;

/** The natural-key lookup every entity with a `sonar_id` field shares. */
export async function findBySonarId(api: SplynxReader, endpoint: string, sonarId: string): Promise<string | null> {
  let rows: Array<{ id: string }>;
  try {
    rows = await api.get<Array<{ id: string }>>(endpoint, { additional_attributes: { [SONAR_ID_FIELD]: sonarId } });
  } catch (e) {
    // Before the first real load (a dry run) the field does not exist yet, so no record can carry it.
    if (e instanceof SplynxError && e.status === 400 && /attribute/i.test(e.message)) return null;
    throw e;
  }
  if (rows.length > 1)
    throw new Error(
      `${rows.length} records in ${endpoint} carry sonar_id ${sonarId}; keep one in Splynx and register it with register-external`,
    );
  return rows[0]?.id ?? null;
}
