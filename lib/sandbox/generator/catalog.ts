/**
 * The configuration an ISP sets up once: companies, account statuses and types, phone number
 * types, staff roles and users, ticket groups and categories, and custom fields.
 */
import { setupTime, type GenContext } from './context.js';
import { insertAddress, pickTown, phoneIn, REGIONS, type Geography } from './geography.js';
import { slug } from './slug.js';
import { groupBy, insertStaff, type Staff } from './staff.js';

/** How an account in a status behaves: whether it has services, is billed, or owes money. */
export type Lifecycle = 'active' | 'pending' | 'lead' | 'suspended' | 'delinquent' | 'former';

interface StatusSpec {
  name: string;
  activates: boolean;
  color: string;
  icon: string;
  weight: number;
  lifecycle: Lifecycle;
  delinquent: boolean;
  /** Share of the accounts in this status that have been archived (churn kept for the record). */
  archived?: number;
}

// Thirteen statuses, as on the real 10k-account instance; weights are shares of accounts.
const STATUSES: StatusSpec[] = [
  { name: 'Active', activates: true, color: '2E7D32', icon: 'CHECKMARK759628', weight: 60, lifecycle: 'active', delinquent: false },
  { name: 'Active - Autopay', activates: true, color: '388E3C', icon: 'CASH759858', weight: 7, lifecycle: 'active', delinquent: false },
  { name: 'Active - VIP', activates: true, color: '1B5E20', icon: 'STAR759813', weight: 1, lifecycle: 'active', delinquent: false },
  { name: 'Active - Seasonal', activates: true, color: '66BB6A', icon: 'SUN759389', weight: 1.5, lifecycle: 'active', delinquent: false },
  { name: 'Pending Install', activates: false, color: '0277BD', icon: 'TOOLS759700', weight: 2, lifecycle: 'pending', delinquent: false },
  { name: 'Lead', activates: false, color: '90CAF9', icon: 'FLAG759300', weight: 4, lifecycle: 'lead', delinquent: false },
  { name: 'Prospect', activates: false, color: 'BBDEFB', icon: 'FLAG759796', weight: 1.5, lifecycle: 'lead', delinquent: false },
  { name: 'Suspended', activates: false, color: 'F9A825', icon: 'PAUSE759839', weight: 2, lifecycle: 'suspended', delinquent: false },
  { name: 'Delinquent', activates: false, color: 'EF6C00', icon: 'ALERT759619', weight: 3, lifecycle: 'delinquent', delinquent: true },
  {
    name: 'Collections',
    activates: false,
    color: 'B71C1C',
    icon: 'DOLLAR759336',
    weight: 1,
    lifecycle: 'former',
    delinquent: true,
    archived: 0.1,
  },
  {
    name: 'Disconnected - Non-Pay',
    activates: false,
    color: 'C62828',
    icon: 'PLUG759498',
    weight: 2,
    lifecycle: 'former',
    delinquent: true,
    archived: 0.4,
  },
  { name: 'Inactive', activates: false, color: '9E9E9E', icon: 'CIRCLE', weight: 7, lifecycle: 'former', delinquent: false, archived: 0.6 },
  {
    name: 'Cancelled',
    activates: false,
    color: '616161',
    icon: 'STOP759926',
    weight: 8,
    lifecycle: 'former',
    delinquent: false,
    archived: 0.8,
  },
];

export type AccountKind = 'RESIDENTIAL' | 'COMMERCIAL' | 'GOVERNMENT';

const ACCOUNT_TYPES: { name: string; type: AccountKind; color: string; icon: string; weight: number }[] = [
  { name: 'Residential', type: 'RESIDENTIAL', color: '1565C0', icon: 'HOUSE759590', weight: 84 },
  { name: 'Commercial', type: 'COMMERCIAL', color: '6A1B9A', icon: 'BRIEFCASE759327', weight: 14 },
  { name: 'Government', type: 'GOVERNMENT', color: '37474F', icon: 'BANK759322', weight: 2 },
];

const TICKET_GROUPS: [string, boolean][] = [
  ['Technical Support', false],
  ['Billing', false],
  ['Installations', false],
  ['Network Operations', true],
  ['Sales', false],
];

const TICKET_CATEGORIES = [
  'No Connection',
  'Slow Speeds',
  'Intermittent Connection',
  'Billing Question',
  'Payment Arrangement',
  'Equipment Issue',
  'New Install',
  'Relocation',
  'Cancellation Request',
  'Outage',
];

export const REFERRAL_SOURCES = ['Google', 'Facebook', 'Word of mouth', 'Yard sign', 'Door hanger', 'Radio', 'County fair', 'Other'];
export const CONTACT_TIMES = ['Morning', 'Afternoon', 'Evening', 'Any time'];
export const DROP_TYPES = ['Aerial', 'Buried', 'Roof mount', 'Pole mount'];

export interface StatusRef {
  id: string;
  spec: StatusSpec;
}

export interface CompanyRef {
  id: string;
  name: string;
  domain: string;
}

export interface CustomFieldRefs {
  referralSource: string;
  contractEnd: string;
  paperless: string;
  legacyNumber: string;
  gateCode: string;
  contactTime: string;
  dropType: string;
}

export interface Catalog {
  companies: CompanyRef[];
  statuses: StatusRef[];
  statusByName: Map<string, StatusRef>;
  types: Map<AccountKind, string>;
  typeWeights: [AccountKind, number][];
  phoneTypes: { mobile: string; home: string; work: string };
  staff: Staff[];
  staffByRole: Map<string, Staff[]>;
  ticketGroups: Map<string, string>;
  ticketCategoryCount: number;
  customFields: CustomFieldRefs;
}

function insertCompanies(ctx: GenContext, geography: Geography): CompanyRef[] {
  const { rng, faker, t } = ctx;
  const count = rng.int(2, 3);
  const suffixes = ['Broadband', 'Wireless', 'Fiber', 'Internet', 'Telecom', 'Communications'];
  const companies: CompanyRef[] = [];
  for (let i = 0; i < count; i++) {
    const town = pickTown(ctx, geography, REGIONS[i]);
    const name = `${town.city} ${suffixes[(i + rng.int(0, suffixes.length - 1)) % suffixes.length]}`;
    const domain = `${slug(name)}.${rng.pick(['net', 'com', 'coop'])}`;
    const created = ctx.foundedMs + i * 200 * 86_400_000;
    const record = t.insert('companies', created, {
      name,
      default: i === 0,
      enabled: i < 2,
      country: town.region.country,
      phone_number: phoneIn(ctx, town.region).number,
      tax_identification: `${rng.int(10, 99)}-${rng.int(1000000, 9999999)}`,
      website_address: `https://www.${domain}`,
      customer_portal_url: rng.chance(0.7) ? `https://portal.${domain}` : null,
      primary_color: faker.color.rgb({ prefix: '', casing: 'upper' }),
      secondary_color: faker.color.rgb({ prefix: '', casing: 'upper' }),
      show_remittance_slip: rng.chance(0.5),
      checks_payable_to: rng.chance(0.6) ? `${name} LLC` : null,
      isp_type: rng.pick(['WIRELESS', 'ISP', 'CLEC']),
    });
    insertAddress(ctx, town, {
      owner: { type: 'Company', id: record.id as string },
      kind: 'PHYSICAL',
      serviceable: false,
      createdMs: created,
    });
    companies.push({ id: record.id as string, name, domain });
  }
  return companies;
}

function insertCustomFields(ctx: GenContext): CustomFieldRefs {
  const field = (name: string, entity: string, type: string, options: string[] | null = null, unique = false) =>
    ctx.t.insert('custom_fields', setupTime(ctx), {
      name,
      entity_type: entity,
      type,
      required: false,
      unique,
      enum_options: options,
    }).id as string;
  return {
    referralSource: field('Referral Source', 'Account', 'TEXT', REFERRAL_SOURCES),
    contractEnd: field('Contract End Date', 'Account', 'DATE'),
    paperless: field('Paperless Billing', 'Account', 'BOOLEAN'),
    legacyNumber: field('Legacy Account Number', 'Account', 'TEXT', null, true),
    gateCode: field('Gate Code', 'Account', 'TEXT'),
    contactTime: field('Preferred Contact Time', 'Contact', 'TEXT', CONTACT_TIMES),
    dropType: field('Drop Type', 'Address', 'TEXT', DROP_TYPES),
  };
}

export function buildCatalog(ctx: GenContext, geography: Geography): Catalog {
  const { t } = ctx;
  const companies = insertCompanies(ctx, geography);
  const statuses = STATUSES.map((spec) => ({
    id: t.insert('account_statuses', setupTime(ctx), {
      name: spec.name,
      activates_account: spec.activates,
      color: spec.color,
      icon: spec.icon,
    }).id as string,
    spec,
  }));
  const types = new Map<AccountKind, string>();
  for (const spec of ACCOUNT_TYPES) {
    types.set(
      spec.type,
      t.insert('account_types', setupTime(ctx), { name: spec.name, type: spec.type, color: spec.color, icon: spec.icon }).id as string,
    );
  }
  const phoneType = (name: string, sms: boolean) => t.insert('phone_number_types', setupTime(ctx), { name, sms_capable: sms }).id as string;
  const phoneTypes = { mobile: phoneType('Mobile', true), home: phoneType('Home', false), work: phoneType('Work', false) };
  const staff = insertStaff(ctx, companies[0].domain);
  const ticketGroups = new Map<string, string>();
  for (const [name, isPrivate] of TICKET_GROUPS) {
    ticketGroups.set(name, t.insert('ticket_groups', setupTime(ctx), { name, enabled: true, private: isPrivate }).id as string);
  }
  for (const name of TICKET_CATEGORIES) t.insert('ticket_categories', setupTime(ctx), { name, enabled: name !== 'Relocation' });
  return {
    companies,
    statuses,
    statusByName: new Map(statuses.map((s) => [s.spec.name, s])),
    types,
    typeWeights: ACCOUNT_TYPES.map((a) => [a.type, a.weight]),
    phoneTypes,
    staff,
    staffByRole: groupBy(staff, (s) => s.role),
    ticketGroups,
    ticketCategoryCount: TICKET_CATEGORIES.length,
    customFields: insertCustomFields(ctx),
  };
}
