/**
 * The declared type of every column of every snapshot table, so a DataFrame's types come from
 * Sonar's schema and never from guessing at values (danfojs guesses "01234" is the number 1234 and
 * a phone number "0044…" is a float: danfojs issue #642).
 *
 * Derived from the field lists in lib/sonar/queries.ts and the Sonar scalar each field has
 * (test/frames.test.ts checks this table against both):
 *
 * | Sonar scalar                                   | kind       | in a frame                  |
 * |------------------------------------------------|------------|-----------------------------|
 * | Int64Bit, ID                                   | `id`       | string                      |
 * | String, Numeric, Text, EmailAddress, enums, …  | `text`     | string (zip and phone too)  |
 * | Int (money is integer cents)                   | `int`      | number                      |
 * | Float, Latitude, Longitude                     | `float`    | number                      |
 * | Boolean                                        | `boolean`  | boolean                     |
 * | Date (`YYYY-MM-DD`)                            | `date`     | Date, local midnight        |
 * | Datetime (ISO 8601 with an offset)             | `datetime` | Date (the instant)          |
 * | a list (`[String]`, `[Permission!]`)           | `list`     | JSON text, e.g. `["a","b"]` |
 * | a link list (a nested connection, its ids)     | `list`     | JSON text, e.g. `["7","9"]` |
 *
 * Every kind keeps `null`.
 */
import type { SnapshotTable } from '../sonar/queries.js';

export type ColumnKind = 'id' | 'text' | 'int' | 'float' | 'boolean' | 'date' | 'datetime' | 'list';
export type ColumnSpec = Record<string, ColumnKind>;

const ID = 'id';
const TEXT = 'text';
const INT = 'int';
const FLOAT = 'float';
const BOOL = 'boolean';
const DATE = 'date';
const DATETIME = 'datetime';
const LIST = 'list';

/** The fields every Sonar entity carries, first in every query. */
const COMMON = { id: ID, sonar_unique_id: ID, created_at: DATETIME, updated_at: DATETIME, _version: TEXT } as const;

export const COLUMN_SPECS: Record<SnapshotTable, ColumnSpec> = {
  companies: {
    ...COMMON,
    name: TEXT,
    default: BOOL,
    enabled: BOOL,
    country: TEXT,
    phone_number: TEXT,
    tax_identification: TEXT,
    website_address: TEXT,
    customer_portal_url: TEXT,
    primary_color: TEXT,
    secondary_color: TEXT,
    show_remittance_slip: BOOL,
    checks_payable_to: TEXT,
    isp_type: TEXT,
  },
  account_statuses: {
    ...COMMON,
    name: TEXT,
    activates_account: BOOL,
    color: TEXT,
    icon: TEXT,
  },
  account_types: {
    ...COMMON,
    name: TEXT,
    type: TEXT,
    color: TEXT,
    icon: TEXT,
  },
  accounts: {
    ...COMMON,
    name: TEXT,
    account_status_id: ID,
    account_type_id: ID,
    company_id: ID,
    activation_date: DATE,
    activation_time: TEXT,
    archived_at: DATETIME,
    archived_by_user_id: ID,
    is_delinquent: BOOL,
    next_bill_date: DATE,
    next_recurring_charge_amount: INT,
    parent_account_id: ID,
    geopoint: TEXT,
    data_usage_percentage: INT,
  },
  account_billing_parameters: {
    ...COMMON,
    account_id: ID,
    aggregate_invoice_taxes: BOOL,
    aggregate_linked_debits: BOOL,
    auto_pay_day: TEXT,
    auto_pay_days: INT,
    bill_day: INT,
    bill_day_mode: TEXT,
    bill_mode: TEXT,
    default_for: TEXT,
    due_days: INT,
    due_days_day: TEXT,
    grace_days: INT,
    invoice_day: INT,
    lifeline: BOOL,
    months_to_bill: INT,
    print_invoice: BOOL,
    switch_status_after_delinquency: BOOL,
    tax_exempt: BOOL,
  },
  addresses: {
    ...COMMON,
    addressable_type: TEXT,
    addressable_id: ID,
    type: TEXT,
    serviceable: BOOL,
    line1: TEXT,
    line2: TEXT,
    city: TEXT,
    subdivision: TEXT,
    zip: TEXT,
    country: TEXT,
    county: TEXT,
    latitude: FLOAT,
    longitude: FLOAT,
    timezone: TEXT,
    is_anchor: BOOL,
    attainable_download_speed: INT,
    attainable_upload_speed: INT,
  },
  contacts: {
    ...COMMON,
    contactable_type: TEXT,
    contactable_id: ID,
    name: TEXT,
    email_address: TEXT,
    primary: BOOL,
    role: TEXT,
    username: TEXT,
    language: TEXT,
    marketing_opt_in: BOOL,
  },
  phone_numbers: {
    ...COMMON,
    contact_id: ID,
    number: TEXT,
    extension: TEXT,
    country: TEXT,
    number_formatted: TEXT,
    phone_number_type_id: ID,
    sms_opt_in: BOOL,
  },
  phone_number_types: {
    ...COMMON,
    name: TEXT,
    sms_capable: BOOL,
  },
  services: {
    ...COMMON,
    name: TEXT,
    type: TEXT,
    application: TEXT,
    amount: INT,
    enabled: BOOL,
    company_id: ID,
    display_if_zero: BOOL,
  },
  data_service_details: {
    ...COMMON,
    service_id: ID,
    billing_frequency: INT,
    download_speed_kilobits_per_second: INT,
    upload_speed_kilobits_per_second: INT,
    technology_code: TEXT,
  },
  recurring_service_details: {
    ...COMMON,
    service_id: ID,
    billing_frequency: INT,
  },
  voice_service_details: {
    ...COMMON,
    service_id: ID,
    billing_frequency: INT,
    sub_type: TEXT,
    country: TEXT,
    first_interval_in_seconds: INT,
    sub_interval_in_seconds: INT,
    inbound_toll_free_rate_per_minute_in_thousandths: INT,
    rollup_generic_parameters: BOOL,
    show_call_detail_records_on_invoice: BOOL,
    unlimited_local_minutes: BOOL,
    unlimited_long_distance_minutes: BOOL,
    local_minutes: INT,
    long_distance_minutes: INT,
  },
  account_services: {
    ...COMMON,
    account_id: ID,
    service_id: ID,
    quantity: INT,
    price_override: INT,
    price_override_reason: TEXT,
    name_override: TEXT,
    next_bill_date: DATE,
    addition_prorate_date: DATE,
    number_of_times_billed: INT,
    package_id: ID,
  },
  supernets: {
    ...COMMON,
    name: TEXT,
    subnet: TEXT,
  },
  subnets: {
    ...COMMON,
    name: TEXT,
    subnet: TEXT,
    supernet_id: ID,
    type: TEXT,
    polling_priority: INT,
  },
  ip_pools: {
    ...COMMON,
    name: TEXT,
    ip_range: TEXT,
    subnet_id: ID,
    ips_available: INT,
  },
  ip_assignments: {
    ...COMMON,
    ipassignmentable_type: TEXT,
    ipassignmentable_id: ID,
    subnet: TEXT,
    subnet_id: ID,
    ip_pool_id: ID,
    soft: BOOL,
    description: TEXT,
    reference: TEXT,
  },
  radius_accounts: {
    ...COMMON,
    account_id: ID,
    username: TEXT,
    password: TEXT,
  },
  network_sites: {
    ...COMMON,
    name: TEXT,
    geopoint: TEXT,
    height_in_meters: FLOAT,
  },
  // `addresses`: the ids of the addresses the site serves (a link list, lib/sonar/relations.ts).
  network_site_serviceable_address_lists: {
    ...COMMON,
    network_site_id: ID,
    addresses: LIST,
  },
  manufacturers: {
    ...COMMON,
    name: TEXT,
  },
  inventory_model_categories: {
    ...COMMON,
    name: TEXT,
    icon: TEXT,
  },
  inventory_models: {
    ...COMMON,
    name: TEXT,
    model_name: TEXT,
    manufacturer_id: ID,
    inventory_model_category_id: ID,
    enabled: BOOL,
    generic: BOOL,
    device_type: TEXT,
    icon: TEXT,
    is_segmentable: BOOL,
  },
  inventory_model_fields: {
    ...COMMON,
    inventory_model_id: ID,
    name: TEXT,
    type: TEXT,
    primary: BOOL,
    required: BOOL,
    unique: TEXT,
  },
  inventory_items: {
    ...COMMON,
    inventory_model_id: ID,
    inventoryitemable_type: TEXT,
    inventoryitemable_id: ID,
    status: TEXT,
    purchase_price: INT,
    account_service_id: ID,
    quantity: INT,
    flapping: BOOL,
    icmp_status_flap_count: INT,
    snmp_status_flap_count: INT,
  },
  inventory_model_field_data: {
    ...COMMON,
    inventory_item_id: ID,
    inventory_model_field_id: ID,
    value: TEXT,
  },
  inventory_locations: {
    ...COMMON,
    name: TEXT,
    default_shipping_location: BOOL,
  },
  users: {
    ...COMMON,
    name: TEXT,
    public_name: TEXT,
    username: TEXT,
    email_address: TEXT,
    enabled: BOOL,
    super_admin: BOOL,
    role_id: ID,
    mobile_number: TEXT,
    language: TEXT,
    completed_setup: BOOL,
  },
  roles: {
    ...COMMON,
    name: TEXT,
    applied_permissions: LIST,
  },
  notes: {
    ...COMMON,
    noteable_type: TEXT,
    noteable_id: ID,
    message: TEXT,
    priority: TEXT,
    user_id: ID,
  },
  tickets: {
    ...COMMON,
    subject: TEXT,
    description: TEXT,
    status: TEXT,
    priority: TEXT,
    ticketable_type: TEXT,
    ticketable_id: ID,
    ticket_group_id: ID,
    user_id: ID,
    closed_at: DATETIME,
    due_date: DATE,
    company_id: ID,
    parent_ticket_id: ID,
    inbound_mailbox_id: ID,
  },
  ticket_replies: {
    ...COMMON,
    ticket_id: ID,
    body: TEXT,
    incoming: BOOL,
    author: TEXT,
    author_email: TEXT,
    user_id: ID,
  },
  ticket_comments: {
    ...COMMON,
    ticket_id: ID,
    body: TEXT,
    user_id: ID,
  },
  ticket_groups: {
    ...COMMON,
    name: TEXT,
    enabled: BOOL,
    private: BOOL,
  },
  ticket_categories: {
    ...COMMON,
    name: TEXT,
    enabled: BOOL,
  },
  custom_fields: {
    ...COMMON,
    name: TEXT,
    entity_type: TEXT,
    type: TEXT,
    required: BOOL,
    unique: BOOL,
    enum_options: LIST,
  },
  custom_field_data: {
    ...COMMON,
    custom_field_id: ID,
    customfielddataable_type: TEXT,
    customfielddataable_id: ID,
    value: TEXT,
  },
  invoices: {
    ...COMMON,
    account_id: ID,
    company_id: ID,
    date: DATE,
    due_date: DATE,
    end_date: DATE,
    status: TEXT,
    total_debits: INT,
    total_taxes: INT,
    remaining_due: INT,
    void: BOOL,
    delinquent: BOOL,
    number_of_months: INT,
    auto_pay_attempts: INT,
    child_invoice_remaining_due: INT,
    frozen: BOOL,
    late_fee_applied: BOOL,
    late_fee_only: BOOL,
    pending_email: BOOL,
    tax_committed: BOOL,
    message: TEXT,
  },
  debits: {
    ...COMMON,
    account_id: ID,
    amount: INT,
    company_id: ID,
    description: TEXT,
    invoice_id: ID,
    number_of_months: INT,
    quantity: INT,
    reversed: BOOL,
    service_id: ID,
    service_name: TEXT,
    type: TEXT,
  },
  payments: {
    ...COMMON,
    account_id: ID,
    amount: INT,
    amount_remaining: INT,
    company_id: ID,
    payment_datetime: DATETIME,
    payment_type: TEXT,
    reference: TEXT,
    successful: BOOL,
    status: TEXT,
    description: TEXT,
  },
};

/** Which danfojs dtype holds each kind. */
export const DANFO_DTYPES: Record<ColumnKind, 'string' | 'int32' | 'float32' | 'boolean' | 'datetime'> = {
  id: 'string',
  text: 'string',
  list: 'string',
  int: 'int32',
  float: 'float32',
  boolean: 'boolean',
  date: 'datetime',
  datetime: 'datetime',
};

export const isKnownTable = (table: string): table is SnapshotTable => Object.prototype.hasOwnProperty.call(COLUMN_SPECS, table);

/** An identifier by its name: `id`, `*_id`, `sonar_unique_id`. */
export const isIdName = (column: string) => column === 'id' || column.endsWith('_id') || column === 'sonar_unique_id';

/**
 * The kind of a column no spec declares (a table or field Sonar added, a column the analyst
 * derived), from its name and the JavaScript types of its values. Strings always stay text:
 * a string that looks like a number is an identifier far more often than a quantity.
 */
export function inferKind(column: string, values: readonly unknown[]): ColumnKind {
  if (isIdName(column)) return 'id';
  let kind: ColumnKind | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k: ColumnKind =
      typeof v === 'boolean'
        ? 'boolean'
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? 'int'
            : 'float'
          : v instanceof Date
            ? 'datetime'
            : Array.isArray(v)
              ? 'list'
              : 'text';
    if (kind === null || kind === k) kind = k;
    else if ((kind === 'int' && k === 'float') || (kind === 'float' && k === 'int')) kind = 'float';
    else return 'text';
  }
  return kind ?? 'text';
}

/**
 * The columns of a table, in order: the declared ones first (present or not, so an empty table
 * still has them), then any other field found in the records, with an inferred kind.
 */
export function columnSpec(table: string, records: readonly Record<string, unknown>[] = []): ColumnSpec {
  const declared: ColumnSpec = isKnownTable(table) ? COLUMN_SPECS[table] : {};
  const extra: string[] = [];
  const seen = new Set(Object.keys(declared));
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        extra.push(k);
      }
    }
  }
  const spec: ColumnSpec = { ...declared };
  for (const k of extra)
    spec[k] = inferKind(
      k,
      records.map((r) => r[k]),
    );
  return spec;
}
