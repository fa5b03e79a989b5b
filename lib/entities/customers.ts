/**
 * Sonar accounts → Splynx customers.
 *
 * | Sonar                                   | Splynx                 | note                                                   |
 * |-----------------------------------------|------------------------|--------------------------------------------------------|
 * | `accounts.id`                           | `additional_attributes.sonar_id` | the natural key                              |
 * | `accounts.id`, or the primary contact's `username` | `login`   | mapping table `portal-login` (portal-access.ts): the account id (proposed), or the username where it is unique |
 * | (Sonar never reveals contact passwords) | `password`, on create only | mapping table `portal-password`: a strong random one, only in `data/secrets/portal-passwords-<run>.csv`, or none (Splynx's reset flow) |
 * | `name` (or the primary contact's name)  | `name`                 | Sonar has one name field, so has Splynx                 |
 * | `account_status_id`                     | `status`               | mapping table `account-status` (new/active/blocked/disabled) |
 * | `account_status_id` → `activates_account` and the status name | (the services' status and end date) | the same table's `services` column: billed, paused or ended (lib/entities/service-billing.ts) |
 * | `archived_at` set                       | `status = disabled`    | archived accounts are kept, switched off; their services always end |
 * | `account_type_id`                       | `category`             | mapping table `account-type` (person/company)           |
 * | `company_id`                            | `partner_id`           | via the migrated partners                               |
 * | (none)                                  | `location_id = 1`      | Splynx's location "Main": Sonar has no location on an account |
 * | `parent_account_id`                     | `parent_id`            | parents are loaded first                                |
 * | `activation_date`                       | `date_add`             | `YYYY-MM-DD`                                            |
 * | primary contact `email_address`         | `email`, `billing_email` | cleaned; the other contacts go to a customer note     |
 * | primary contact's first phone           | `phone`                | E.164 from the cleaning step                            |
 * | the account's address (serviceable first) | `street_1`, `street_2`, `city`, `zip_code`, `gps` | cut to Splynx lengths, reported in 02 |
 *
 * Splynx has no place for `is_delinquent` or `geopoint` precision beyond `gps`; that is left in
 * Sonar's export. The account's `next_bill_date` (where its services' own are not set) and
 * `next_recurring_charge_amount` are not fields of the customer: the first becomes where Splynx
 * starts charging each service (lib/entities/billing-coverage.ts), the second is what verify's
 * first-bill check compares Splynx's first bill with (lib/verify/first-bill.ts).
 */
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { cleanAddress } from '../clean/address.js';
import { proposeServiceDecision, SERVICE_DECISIONS } from '../billing/decisions.js';
import { contactsOf, mainAddress } from '../sonar/relations.js';
import { SECRET_KINDS, secrets, temporaryPassword } from '../secrets/index.js';
import { portalLogin, portalPassword, proposePortalLogin, proposePortalPassword } from './portal-access.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

export const CUSTOMER_STATUSES = ['new', 'active', 'blocked', 'disabled'] as const;
export const CUSTOMER_CATEGORIES = ['person', 'company'] as const;
/** Splynx's fresh-instance location "Main": Sonar has no location on an account. */
export const DEFAULT_LOCATION_ID = '1';

const id = z.string().regex(/^\d+$/);
const payload = z.object({
  login: z.string().min(1).max(SPLYNX_LIMITS.customers.login),
  name: z.string().trim().min(1).max(SPLYNX_LIMITS.customers.name),
  status: z.enum(CUSTOMER_STATUSES),
  category: z.enum(CUSTOMER_CATEGORIES),
  partner_id: id,
  location_id: id,
  parent_id: id.optional(),
  email: z.union([z.literal(''), z.email().max(SPLYNX_LIMITS.customers.email)]),
  billing_email: z.union([z.literal(''), z.email().max(SPLYNX_LIMITS.customers.billing_email)]),
  phone: z.string().max(SPLYNX_LIMITS.customers.phone),
  street_1: z.string().max(SPLYNX_LIMITS.customers.street_1),
  street_2: z.string().max(SPLYNX_LIMITS.customers.street_2),
  city: z.string().max(SPLYNX_LIMITS.customers.city),
  zip_code: z.string().max(SPLYNX_LIMITS.customers.zip_code),
  gps: z.string().max(SPLYNX_LIMITS.customers.gps),
  date_add: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
});
type Payload = z.infer<typeof payload>;

export const customers: EntityModule<Payload> = {
  name: 'customers',
  phase: 'customers',
  source: 'accounts',
  endpoint: 'admin/customers/customer',
  dependsOn: ['partners'],
  members: [
    'customer_info',
    'customer_billing',
    'customer_field_values',
    'internet_services',
    'service_ips',
    'recurring_services',
    'voice_services',
    'customer_notes',
    'customer_contacts',
    'customer_equipment',
  ],
  payload,
  selfReference: (a) => (a.parent_account_id ? String(a.parent_account_id) : null),
  transform(account, ctx) {
    const contacts = contactsOf(account, ctx);
    const primary = contacts[0];
    const name = String(account.name ?? '').trim() || String(primary?.name ?? '').trim();
    if (!name) throw new TransformError('account has no name and no named contact', 'name', 'Give the account a name in Sonar');
    const phone = primary ? ctx.children('phone_numbers', 'contact_id', primary.id)[0] : undefined;
    const address = mainAddress(account, ctx);
    const a = address ? cleanAddress(address as never).value : null;
    const email = typeof primary?.email_address === 'string' ? primary.email_address : '';
    const status = account.archived_at ? 'disabled' : ctx.mapping('account-status').lookup(account.account_status_id);
    return {
      login: portalLogin(account, ctx),
      name,
      status: status as Payload['status'],
      category: ctx.mapping('account-type').lookup(account.account_type_id) as Payload['category'],
      partner_id: ctx.ref('partners', account.company_id),
      location_id: DEFAULT_LOCATION_ID,
      ...(account.parent_account_id ? { parent_id: ctx.ref('customers', account.parent_account_id) } : {}),
      email,
      billing_email: email,
      phone: typeof phone?.number === 'string' ? phone.number : '',
      street_1: a?.street_1 ?? '',
      street_2: a?.street_2 ?? '',
      city: a?.city ?? '',
      zip_code: a?.zip_code ?? '',
      gps: a?.gps ?? '',
      ...(typeof account.activation_date === 'string' ? { date_add: account.activation_date } : {}),
      additional_attributes: { [SONAR_ID_FIELD]: String(account.id) },
    };
  },
  // The portal password, when the analyst chose to generate one: on disk in data/secrets/ before it is sent.
  createOnly(p, account, ctx) {
    if (portalPassword(ctx) === 'splynx_reset') return {};
    const password = temporaryPassword();
    secrets.record(SECRET_KINDS.portal_passwords, {
      sonar_account_id: String(account.id),
      login: p.login,
      name: p.name,
      email: p.email,
      password,
    });
    return { password };
  },
  mappings: [
    { name: 'portal-login', propose: proposePortalLogin },
    { name: 'portal-password', propose: proposePortalPassword },
    {
      name: 'account-status',
      propose: (ctx) =>
        countBy(ctx, 'account_statuses', 'account_status_id').map(({ row, records }) => {
          const name = String(row.name ?? '');
          const activates = row.activates_account === true;
          const [value, reason] = proposeStatus(name, activates);
          const [services, servicesReason] = proposeServiceDecision(name, activates, value);
          return {
            sonar_id: String(row.id),
            sonar_value: String(row.name),
            splynx_value: value,
            reason,
            services,
            services_reason: servicesReason,
            records: String(records),
          };
        }),
    },
    {
      name: 'account-type',
      propose: (ctx) =>
        countBy(ctx, 'account_types', 'account_type_id').map(({ row, records }) => {
          const company = /COMMERCIAL|BUSINESS|GOVERNMENT|COMPANY/i.test(`${row.type} ${row.name}`);
          return {
            sonar_id: String(row.id),
            sonar_value: String(row.name),
            splynx_value: company ? 'company' : 'person',
            reason: company ? `type ${row.type} is a business` : `type ${row.type} is a household`,
            records: String(records),
          };
        }),
    },
  ],
};

export const MAPPING_SPECS = {
  'account-status': {
    name: 'account-status',
    describes: 'Splynx customer status',
    allowed: CUSTOMER_STATUSES,
    columns: [{ name: 'services', describes: 'service-side billing decision', allowed: SERVICE_DECISIONS }],
  },
  'account-type': { name: 'account-type', describes: 'Splynx customer category', allowed: CUSTOMER_CATEGORIES },
} as const;

/** A first guess from the status name, with its reason; the analyst has the last word. */
export function proposeStatus(name: string, activates: boolean): [string, string] {
  if (/suspend|delinq|collect|block|non.?pay|hold/i.test(name)) return ['blocked', `"${name}" reads as a service stopped for non-payment`];
  if (/cancel|disconnect|inactive|terminat|closed|former/i.test(name)) return ['disabled', `"${name}" reads as an account that has ended`];
  if (activates) return ['active', 'the status activates the account in Sonar'];
  if (/lead|prospect|pending|install|new/i.test(name)) return ['new', `"${name}" reads as an account not yet in service`];
  return ['disabled', 'the status does not activate the account in Sonar'];
}

function countBy(ctx: TransformContext, table: string, field: string): Array<{ row: Row; records: number }> {
  return (ctx.tables[table] ?? []).map((row) => ({
    row,
    records: (ctx.tables.accounts ?? []).filter((a) => String(a[field]) === String(row.id)).length,
  }));
}
