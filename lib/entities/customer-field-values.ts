/**
 * Sonar custom field values on accounts → the customer's `additional_attributes`, one value per
 * record, PUT onto the customer Splynx already has (an attach-style member: nothing is created).
 *
 * | Sonar                                    | Splynx                                   | note                                       |
 * |------------------------------------------|------------------------------------------|--------------------------------------------|
 * | `customfielddataable_id` (Account)       | `customer_id`, the customer PUT to       | via the migrated customers                 |
 * | `custom_field_id`                        | the attribute's name in `additional_attributes` | the migrated definition (customer_fields)  |
 * | `value` of a TEXT field                  | the value as written, trimmed            |                                            |
 * | `value` of a TEXT field with options     | the option, matched ignoring case        | anything else is a transformation error    |
 * | `value` of a BOOLEAN field               | `1` / `0`                                | from true/false, yes/no, 1/0; else an error |
 * | `value` of a DATE field                  | `YYYY-MM-DD`                             | a calendar date; else an error             |
 *
 * Each value is its own ledger record, so one bad value never holds back the others. Its Splynx
 * id is `{customer id}--{field name}` (Splynx's own composite-key style): the pair is unique where
 * the customer id alone is not. A second value for the same field and account (Sonar should not
 * have one) is refused in favour of the newest. Values on contacts and addresses are not customer
 * values: see additional-fields.ts.
 */
import { z } from 'zod';
import { checkDate } from '../clean/datetime.js';
import { fieldOptions, splynxFieldName } from './additional-fields.js';
import { customers } from './customers.js';
import { MissingDependency, TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

const NAME = /^[a-z_][a-z0-9_]*$/;

const payload = z.object({
  customer_id: z.string().regex(/^\d+$/),
  additional_attributes: z.record(z.string().regex(NAME), z.string()),
});
type Payload = z.infer<typeof payload>;

const TRUE = /^(true|t|yes|y|1|on)$/i;
const FALSE = /^(false|f|no|n|0|off)$/i;

/** The value as the Splynx field type takes it, or a TransformError naming the account and field. */
export function fieldValue(field: Row, raw: unknown, accountId: unknown): string {
  const v = String(raw ?? '').trim();
  const where = `custom field "${field.name}" of account ${accountId}`;
  if (v === '') return '';
  switch (field.type) {
    case 'BOOLEAN':
      if (TRUE.test(v)) return '1';
      if (FALSE.test(v)) return '0';
      throw new TransformError(
        `${where} is "${v}", which is not a yes/no value`,
        String(field.name),
        `Set it to true or false on account ${accountId} in Sonar`,
      );
    case 'DATE':
      try {
        const d = checkDate(v);
        if (d) return d;
      } catch {
        // reported below with the account and field
      }
      throw new TransformError(
        `${where} is "${v}", which is not a date (YYYY-MM-DD)`,
        String(field.name),
        `Enter the date as YYYY-MM-DD on account ${accountId} in Sonar`,
      );
    default: {
      const options = fieldOptions(field);
      if (!options.length) return v;
      const match = options.find((o) => o === v) ?? options.find((o) => o.toLowerCase() === v.toLowerCase());
      if (match) return match;
      throw new TransformError(
        `${where} is "${v}", which is not one of its options (${options.join(', ')})`,
        String(field.name),
        `Pick one of the options on account ${accountId} in Sonar, or add "${v}" to the field's options and run again`,
      );
    }
  }
}

/** The field's Splynx name: the one the ledger holds (adopted or registered by hand), else the one we would give it. */
function attributeName(field: Row, ctx: TransformContext): string {
  const registered = ctx.ref('customer_fields', field.id);
  // A dry run's stand-in for a field it would create is not a name.
  return NAME.test(registered) ? registered : splynxFieldName(field, ctx);
}

const valueKey = (p: Payload) => `${p.customer_id}--${Object.keys(p.additional_attributes)[0]}`;

export const customerFieldValues: EntityModule<Payload> = {
  name: 'customer_field_values',
  phase: 'customers',
  source: 'custom_field_data',
  endpoint: customers.endpoint,
  dependsOn: ['customers', 'customer_fields'],
  payload,
  select: (d) => d.customfielddataable_type === 'Account',
  transform(d, ctx) {
    const field = ctx.byId('custom_fields', d.custom_field_id);
    if (!field) throw new MissingDependency('customer_fields', String(d.custom_field_id));
    if (field.entity_type !== 'Account')
      throw new TransformError(
        `value ${d.id} is on account ${d.customfielddataable_id} but its field "${field.name}" is a ${field.entity_type} field`,
        String(field.name),
        'Move the value to the right record in Sonar',
      );
    const newer = ctx
      .children('custom_field_data', 'customfielddataable_id', d.customfielddataable_id, 'customfielddataable_type', 'Account')
      .find((o) => String(o.custom_field_id) === String(d.custom_field_id) && Number(o.id) > Number(d.id));
    if (newer)
      throw new TransformError(
        `account ${d.customfielddataable_id} has several values for "${field.name}"; the newest (${newer.id}) is migrated`,
        String(field.name),
        `Delete the older value in Sonar, or ignore this row`,
      );
    // The value first: a bad one is the analyst's to fix whether or not its customer made it.
    const value = fieldValue(field, d.value, d.customfielddataable_id);
    return { customer_id: ctx.ref('customers', d.customfielddataable_id), additional_attributes: { [attributeName(field, ctx)]: value } };
  },
  attachTo: valueKey,
  itemPath: (_target, p) => `${customers.endpoint}/${p.customer_id}`,
  // The record is the value on its customer, known as `{customer id}--{field name}` (as attachTo).
  naturalKey: (p) => ({
    key: `field ${Object.keys(p.additional_attributes)[0]} of customer ${p.customer_id}`,
    find: async () => valueKey(p),
  }),
};
