/**
 * Sonar custom fields of accounts → Splynx additional-field definitions of module `customers`.
 * The values follow as customer members (customer-field-values.ts).
 *
 * | Sonar                          | Splynx                           | note                                                      |
 * |--------------------------------|----------------------------------|-----------------------------------------------------------|
 * | `custom_fields.name`           | `title`                          | ≤ 128 characters                                          |
 * | `name`, as a slug              | `name`                           | `[a-z_][a-z0-9_]*`, ≤ 64; the natural key (Splynx keys fields by module + name); a slug two fields share gets the Sonar id appended |
 * | `type` TEXT                    | `type = string`                  |                                                           |
 * | `type` TEXT with `enum_options`| `type = select`, `select_values` | options comma-separated, so an option with a comma is refused |
 * | `type` BOOLEAN                 | `type = boolean`                 |                                                           |
 * | `type` DATE                    | `type = date`                    |                                                           |
 * | `unique`                       | `is_unique`                      | Splynx then refuses a duplicate value (an error row)      |
 * | `required`                     | `is_required = 0`, always        | customers are created before their values are attached, and older accounts may have none: switch it on in Splynx after cutover |
 * | (none)                         | `is_add = 1`, `searchable = 1`; `show_in_list`, `readonly`, `disabled`, `hidden` = 0 | sent in full: the blueprint marks them all required |
 *
 * Custom fields of other Sonar entities have no place on a Splynx customer: Contact fields are
 * written into the other-contacts note (customer-contacts.ts) for non-primary contacts; Address,
 * Job, Ticket and NetworkSite fields are left to the modules of those entities (or Sonar's backup).
 * Splynx answers a create with `{name}`, so the ledger's Splynx id of a field is its name.
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { additionalFieldsPath, SONAR_ID_FIELD } from './sonar-id.js';
import { TransformError, type EntityModule, type Row, type SplynxReader, type TransformContext } from './types.js';

export const CUSTOMER_FIELDS_PATH = additionalFieldsPath('customers');

const SPLYNX_TYPE = { TEXT: 'string', BOOLEAN: 'boolean', DATE: 'date' } as const;
const NAME = /^[a-z_][a-z0-9_]*$/;
const flag = z.enum(['0', '1']);

const payload = z.object({
  name: z.string().max(SPLYNX_LIMITS.additional_fields.name).regex(NAME),
  title: z.string().trim().min(1).max(SPLYNX_LIMITS.additional_fields.title),
  type: z.enum(['string', 'boolean', 'date', 'select']),
  select_values: z.string().max(SPLYNX_LIMITS.additional_fields.select_values),
  is_required: z.literal('0'),
  is_unique: flag,
  is_add: flag,
  show_in_list: flag,
  searchable: flag,
  readonly: flag,
  disabled: flag,
  hidden: flag,
});
type Payload = z.infer<typeof payload>;

const isAccountField = (f: Row | undefined) => f?.entity_type === 'Account';

function slug(s: unknown): string {
  return String(s ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function baseName(field: Row): string {
  let s = slug(field.name);
  if (!s) s = 'field';
  if (/^\d/.test(s)) s = `f_${s}`;
  return s;
}

/**
 * The Splynx name of a Sonar account field: its slug, made unique among the account fields (the
 * lower Sonar id keeps the plain slug) and kept clear of the migration's own `sonar_id`.
 */
export function splynxFieldName(field: Row, ctx: TransformContext): string {
  const base = baseName(field);
  const shared = (ctx.tables.custom_fields ?? []).some((f) => isAccountField(f) && Number(f.id) < Number(field.id) && baseName(f) === base);
  if (!shared && base !== SONAR_ID_FIELD && base.length <= 64) return base;
  const suffix = `_${field.id}`;
  return `${base.slice(0, 64 - suffix.length)}${suffix}`;
}

/** The options of a Sonar TEXT field, trimmed, blanks and repeats dropped; empty when it is free text. */
export function fieldOptions(field: Row): string[] {
  const raw = Array.isArray(field.enum_options) ? (field.enum_options as unknown[]) : [];
  return [...new Set(raw.map((o) => String(o ?? '').trim()).filter(Boolean))];
}

export const customerFields: EntityModule<Payload> = {
  name: 'customer_fields',
  phase: 'foundation',
  source: 'custom_fields',
  endpoint: CUSTOMER_FIELDS_PATH,
  dependsOn: [],
  payload,
  select: (f) => isAccountField(f),
  transform(field, ctx) {
    const type = SPLYNX_TYPE[field.type as keyof typeof SPLYNX_TYPE];
    if (!type)
      throw new TransformError(
        `custom field "${field.name}" has type ${field.type}, which this migration does not know`,
        'type',
        'Map the type by hand: create the field in Splynx and register it with register-external',
      );
    const options = type === 'string' ? fieldOptions(field) : [];
    const comma = options.find((o) => o.includes(','));
    if (comma)
      throw new TransformError(
        `option "${comma}" of custom field "${field.name}" contains a comma, which Splynx uses to separate select values`,
        'select_values',
        `Rename the option in Sonar (and the values that use it), then run again`,
      );
    return {
      name: splynxFieldName(field, ctx),
      title: String(field.name ?? '').trim(),
      type: options.length ? 'select' : type,
      select_values: options.join(','),
      is_required: '0',
      is_unique: field.unique === true ? '1' : '0',
      is_add: '1',
      show_in_list: '0',
      searchable: '1',
      readonly: '0',
      disabled: '0',
      hidden: '0',
    };
  },
  itemPath: (_name, p) => `${CUSTOMER_FIELDS_PATH}--${p.name}`,
  // Names are unique per module: a field made by hand with the same name is adopted, not duplicated.
  naturalKey: (p) => ({
    key: `customers field "${p.name}"`,
    async find(api: SplynxReader, at: string) {
      const rows = await api.get<Array<{ name: string }>>(at, { main_attributes: { name: p.name } });
      return rows.find((r) => r.name === p.name)?.name ?? null;
    },
  }),
};
