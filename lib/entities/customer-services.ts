/**
 * Sonar account services → Splynx customer services, one module per Splynx service kind.
 *
 * | Sonar                                  | Splynx                    | note                                           |
 * |----------------------------------------|---------------------------|------------------------------------------------|
 * | `account_id`                           | `customer_id`             | the service is POSTed under its customer       |
 * | `service_id` (by the service's type)   | `tariff_id`               | DATA → internet, RECURRING → recurring, VOICE → voice |
 * | `name_override` or the service's name  | `description`             |                                                |
 * | `quantity`                             | `quantity`                |                                                |
 * | `price_override` (cents), else the service's `amount` (negative for a CREDIT service) | `unit_price` | always sent: the price Sonar bills, whatever the tariff's (an override of 0 is a free service) |
 * | `addition_prorate_date`, else the account's `activation_date` | `start_date` | the real start, kept: what Sonar already billed is the billing coverage's (billing-coverage.ts) |
 * | the account's status (`activates_account`, name) through the `account-status` table's `services` column; `archived_at` | `status`, `end_date` | billed: `active`, `0000-00-00`; paused: `stopped`, `0000-00-00`; ended (always when archived): `disabled`, the day before the handover (service-billing.ts) |
 * | `next_bill_date` (else the account's)  | (the billing coverage's `period_to` + 1) | where Splynx starts charging the service |
 * | `id`                                   | `additional_attributes.sonar_id` |                                       |
 * | the paired RADIUS account's `username` (internet) | `login` | pairing: one with one, else by IP assignment (lib/sonar/relations.ts `radiusPairing`); no RADIUS account: `<account id>-<service id>` by the `service-access` table (service-access.ts) |
 * | the paired RADIUS account's `password` (internet) | `password` | as Sonar has it; a generated one (`service-access` = generate) is sent on create only and kept only in `data/secrets/` |
 * | the MAC field of the service's equipment (`inventory_items.account_service_id`) | `mac` (internet) | `AA:BB:CC:DD:EE:FF`; empty where Sonar has none (service-mac.ts) |
 * | the site serving the account's serviceable address (`network_site_serviceable_address_lists.addresses`), when mapped to `router` in `network-site.csv` | `router_id` (internet) | that site's Splynx router; 0 when no site serves the address, no serving site is a router, the router is not in Splynx, or several router sites serve it (counted in the run report, the overlaps named: service-router.ts) |
 * | (none)                                 | `taking_ipv4 = 0` (internet)  | a static IP is attached by service_ips |
 * | the account's first contact's first phone number | `phone` (voice)  | the line's number; none is an error     |
 *
 * Refused into the error table (category data), internet only: a service no pairing rule gives
 * exactly one RADIUS account (naming the service and every candidate), a RADIUS account without a
 * password, two services that would both be active with one login (each naming the other), and a
 * service the analyst chose not to migrate (`service-access` = skip). RADIUS groups and session
 * histories have no place in Splynx (speed comes from the tariff). A service is never refused for
 * its router: `router_id` 0 loads it, and the report counts why (the decision: service-router.ts).
 * Splynx's sector (`sector_id`) has no source in Sonar and stays 0.
 *
 * ONETIME services are charges, not services: they belong to finance, not here. Static IPs are
 * attached to internet services by the network phase.
 *
 * An account service whose service is not in the snapshot (an orphan in Sonar) has no kind, so no
 * module would pick it and it would vanish without a trace: `internet_services` selects it, and
 * reports it in the error table (category data).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { centsToDecimal } from '../clean/money.js';
import { customers } from './customers.js';
import { SECRET_KINDS, SecretsStore, secrets, temporaryPassword } from '../secrets/index.js';
import { proposeServiceAccess, serviceAccess } from './service-access.js';
import { serviceMac } from './service-mac.js';
import { serviceRouter } from './service-router.js';
import { serviceStart, serviceStatus } from './service-billing.js';
import { SONAR_ID_FIELD } from './sonar-id.js';
import { DanglingReference, TransformError, type EntityModule, type Row, type TransformContext } from './types.js';

type Kind = 'internet' | 'recurring' | 'voice';
const SONAR_TYPE: Record<Kind, string> = { internet: 'DATA', recurring: 'RECURRING', voice: 'VOICE' };
const TARIFFS: Record<Kind, string> = { internet: 'tariffs_internet', recurring: 'tariffs_recurring', voice: 'tariffs_voice' };
/** How Splynx names each kind in a transaction's `service_type` and in a to-bill answer. */
export const SPLYNX_SERVICE_TYPE: Record<Kind, 'internet' | 'custom' | 'voice'> = {
  internet: 'internet',
  recurring: 'custom',
  voice: 'voice',
};

/** The Splynx service an account service becomes: its entity and kind, or null (a one-time charge, an orphan). */
export function serviceKindOf(
  as: Row,
  ctx: TransformContext,
): { kind: Kind; entity: string; serviceType: 'internet' | 'custom' | 'voice' } | null {
  const type = ctx.byId('services', as.service_id)?.type;
  const kind = (Object.keys(SONAR_TYPE) as Kind[]).find((k) => SONAR_TYPE[k] === type);
  return kind ? { kind, entity: `${kind}_services`, serviceType: SPLYNX_SERVICE_TYPE[kind] } : null;
}

/** What Sonar bills for one unit of the account service each month, in cents: its override, else its service's amount. */
export function sonarUnitCents(as: Row, service: Row): number {
  if (as.price_override !== null && as.price_override !== undefined) return Number(as.price_override);
  return Number(service.amount ?? 0) * (service.application === 'CREDIT' ? -1 : 1);
}

const id = z.string().regex(/^\d+$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const base = {
  customer_id: id,
  tariff_id: id,
  status: z.enum(['active', 'stopped', 'disabled']),
  description: z.string().trim().min(1).max(SPLYNX_LIMITS.services.description),
  quantity: z.number().int().min(1),
  unit_price: z.string().regex(/^-?\d+\.\d{2}$/),
  start_date: date,
  end_date: z.union([z.literal('0000-00-00'), date]),
  additional_attributes: z.object({ [SONAR_ID_FIELD]: z.string() }),
};
const schemas = {
  internet: z.object({
    ...base,
    login: z.string().min(1).max(SPLYNX_LIMITS.internet_services.login),
    // Sonar's RADIUS password; absent only for a generated one, which is sent on create (createOnly).
    password: z.string().min(1).max(SPLYNX_LIMITS.internet_services.password).optional(),
    mac: z.string().max(SPLYNX_LIMITS.internet_services.mac),
    router_id: id,
    taking_ipv4: z.enum(['0', '1', '2']),
  }),
  recurring: z.object(base),
  voice: z.object({ ...base, phone: z.string().min(1).max(SPLYNX_LIMITS.voice_services.phone) }),
};

/** The password generated for a service (the newest, if a lost create was sent again), from the store in `dir`; read once per store. */
const issuedByDir = new Map<string, Map<string, string>>();
function issuedServicePassword(as: Row, dir: string): Row | null {
  // Keyed by the files' sizes too, so a run that issues more is read again.
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`${SECRET_KINDS.service_passwords.name}-`)) : [];
  const key = `${dir}\n${files.map((f) => `${f}:${fs.statSync(path.join(dir, f)).size}`).join('\n')}`;
  let byService = issuedByDir.get(key);
  if (!byService) {
    const store = new SecretsStore();
    store.configure({ dir });
    byService = new Map(store.read(SECRET_KINDS.service_passwords).map((r) => [r.sonar_account_service_id, r.password]));
    issuedByDir.set(key, byService);
  }
  const password = byService.get(String(as.id));
  return password ? { password } : null;
}

/** The Splynx router id of the service's serving site, '0' for none (service-router.ts says why). */
function routerIdOf(as: Row, ctx: TransformContext): string {
  const r = serviceRouter(as, ctx);
  return r.kind === 'router' ? r.routerId : '0';
}

function serviceModule<K extends Kind>(kind: K): EntityModule<z.infer<(typeof schemas)[K]>> {
  const name = `${kind}_services`;
  const path = (customerId: string) => `${customers.endpoint}/${customerId}/${kind}-services`;
  return {
    name,
    phase: 'customers',
    source: 'account_services',
    // Customer 0 lists every customer's services.
    endpoint: path('0'),
    // An internet service is on the router of the site serving it: routers load first.
    dependsOn: kind === 'internet' ? ['customers', TARIFFS[kind], 'network_site_routers'] : ['customers', TARIFFS[kind]],
    payload: schemas[kind] as never,
    select: (as: Row, ctx: TransformContext) => {
      const service = ctx.byId('services', as.service_id);
      return service ? service.type === SONAR_TYPE[kind] : kind === 'internet';
    },
    transform(as: Row, ctx: TransformContext) {
      const service = ctx.byId('services', as.service_id);
      if (!service) throw new DanglingReference('account_services', 'service_id', 'services', String(as.service_id));
      const account = ctx.byId('accounts', as.account_id);
      const common = {
        customer_id: ctx.ref('customers', as.account_id),
        tariff_id: ctx.ref(TARIFFS[kind], as.service_id),
        ...serviceStatus(as, ctx),
        description: String(as.name_override ?? service.name ?? '').trim(),
        quantity: Number(as.quantity ?? 1),
        unit_price: centsToDecimal(sonarUnitCents(as, service))!,
        start_date: serviceStart(as, account),
        additional_attributes: { [SONAR_ID_FIELD]: String(as.id) },
      };
      if (kind === 'internet') {
        const access = serviceAccess(as, ctx);
        return {
          ...common,
          login: access.login,
          ...(access.source === 'radius' ? { password: access.password } : {}),
          mac: serviceMac(as, ctx),
          router_id: routerIdOf(as, ctx),
          taking_ipv4: '0',
        } as never;
      }
      if (kind === 'voice') {
        const phone = ctx.children(
          'phone_numbers',
          'contact_id',
          ctx.children('contacts', 'contactable_id', as.account_id, 'contactable_type', 'Account')[0]?.id,
        )[0];
        if (!phone?.number)
          throw new TransformError(
            'a voice service needs a phone number and the account has none',
            'phone',
            'Add the line number to the account contact in Sonar',
          );
        return { ...common, phone: String(phone.number) } as never;
      }
      return common as never;
    },
    ...(kind === 'internet'
      ? {
          // A generated password goes with the create only, after it is on disk in data/secrets/.
          createOnly: (p: Row, as: Row) => {
            if (p.password) return {};
            const password = temporaryPassword();
            secrets.record(SECRET_KINDS.service_passwords, {
              sonar_account_id: String(as.account_id),
              sonar_account_service_id: String(as.id),
              login: String(p.login),
              password,
            });
            return { password };
          },
          issued: (as: Row, dir: string) => issuedServicePassword(as, dir),
          mappings: [{ name: 'service-access', propose: proposeServiceAccess }],
        }
      : {}),
    createPath: (p) => path((p as { customer_id: string }).customer_id),
    createScope: (p) => ({ customer_id: (p as { customer_id: string }).customer_id }),
    itemPath: (sid, p) => `${path((p as { customer_id: string }).customer_id)}--${sid}`,
  };
}

export const internetServices = serviceModule('internet');
export const recurringServices = serviceModule('recurring');
export const voiceServices = serviceModule('voice');

/** The service module of each Splynx service kind. */
export const SERVICE_MODULES = { internet: internetServices, recurring: recurringServices, voice: voiceServices };
