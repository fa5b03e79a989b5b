/**
 * Splynx's per-key permission matrix (Administration → API keys → Permissions, in Splynx's user
 * docs `administration/main/api_keys`): for each module of the admin menu, which actions the key
 * may take. Splynx's dialog goes one level finer (sections within a module: Finance → Invoices,
 * Payments, …); the sandbox models the module level.
 *
 * A request's module is the area of its API path (`admin/<area>/…`):
 *
 * | path area                | module          | e.g.                                              |
 * |--------------------------|-----------------|---------------------------------------------------|
 * | `admin/customers/`       | customers       | customer, customer-info/-billing, services, notes |
 * | `admin/tariffs/`         | tariffs         | internet, recurring, one-time, voice              |
 * | `admin/finance/`         | finance         | invoices, payments, transactions, payment methods |
 * | `admin/networking/`      | networking      | routers, ipv4, ipv4-ip                            |
 * | `admin/inventory/`       | inventory       | vendors, products, items                          |
 * | `admin/support/`         | support         | tickets, ticket messages, statuses, groups, types |
 * | `admin/administration/`  | administration  | partners, locations, administrators               |
 * | `admin/config/`          | config          | additional-field definitions, taxes, labels       |
 * | `admin/scheduling/`, `admin/crm/`, `admin/voice/` | scheduling, crm, voice | (no sandbox routes)      |
 *
 * Actions by method: GET, HEAD and OPTIONS need `view`; POST `add`; PUT `edit`; DELETE `delete`.
 * `admin/auth/…` and `admin/api/check` need none: they are how a client gets in.
 */
import type { Reply } from '../http.js';
import { errorReply } from './replies.js';

export const MODULES = [
  'customers',
  'tariffs',
  'finance',
  'networking',
  'inventory',
  'support',
  'administration',
  'config',
  'scheduling',
  'crm',
  'voice',
] as const;
export const ACTIONS = ['view', 'add', 'edit', 'delete'] as const;
export type Module = (typeof MODULES)[number];
export type Action = (typeof ACTIONS)[number];
export type KeyPermissions = Partial<Record<Module, Action[]>>;

const TITLES: Record<Module, string> = {
  customers: 'Customers',
  tariffs: 'Tariff plans',
  finance: 'Finance',
  networking: 'Networking',
  inventory: 'Inventory',
  support: 'Support',
  administration: 'Administration',
  config: 'Config',
  scheduling: 'Scheduling',
  crm: 'CRM',
  voice: 'Voice',
};

export const FULL_PERMISSIONS: KeyPermissions = Object.fromEntries(MODULES.map((m) => [m, [...ACTIONS]]));

/**
 * `--splynx-permissions` and the `permissions` start option: entries separated by `;`, each
 * `module=action,action`, `module` alone (every action), `module=none`, or `*` (every module,
 * every action) / `*=view`. Later entries win, so `*;finance=view,edit,delete` is "everything
 * but adding in Finance".
 */
export function parsePermissionSpec(spec: string): KeyPermissions {
  const out: KeyPermissions = {};
  for (const raw of spec.split(';')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [name, list] = entry.split('=', 2).map((s) => s.trim());
    const modules = name === '*' ? [...MODULES] : [name as Module];
    if (name !== '*' && !(MODULES as readonly string[]).includes(name))
      throw new Error(`Unknown Splynx permission module "${name}"; modules are ${MODULES.join(', ')} (or * for all)`);
    let actions: Action[];
    if (list === undefined || list === 'all' || list === '*') actions = [...ACTIONS];
    else if (list === 'none' || list === '') actions = [];
    else {
      actions = list.split(',').map((a) => a.trim()) as Action[];
      const bad = actions.filter((a) => !(ACTIONS as readonly string[]).includes(a));
      if (bad.length) throw new Error(`Unknown Splynx permission action "${bad.join(', ')}"; actions are ${ACTIONS.join(', ')}`);
    }
    for (const m of modules) out[m] = [...new Set(actions)];
  }
  return out;
}

const ACTION_OF: Record<string, Action> = { GET: 'view', HEAD: 'view', OPTIONS: 'view', POST: 'add', PUT: 'edit', DELETE: 'delete' };

/** undefined when the key may make this request, otherwise Splynx's 403. `path` is relative to `/api/2.0/`. */
export function checkPermission(perms: KeyPermissions, path: string, method: string): Reply | undefined {
  const area = /^admin\/([a-z0-9_-]+)\//.exec(path)?.[1];
  if (!area || !(MODULES as readonly string[]).includes(area)) return undefined;
  const action = ACTION_OF[method] ?? 'view';
  if (perms[area as Module]?.includes(action)) return undefined;
  return errorReply(403, 'FORBIDDEN', `You don't have permission to ${action} in ${TITLES[area as Module]} with this API key`);
}

/** The token generate response's `permissions`: one entry per module the key may use, with its actions. */
export function permissionList(perms: KeyPermissions): Array<{ module: Module; title: string; actions: Action[] }> {
  return MODULES.filter((m) => perms[m]?.length).map((m) => ({
    module: m,
    title: TITLES[m],
    actions: ACTIONS.filter((a) => perms[m]!.includes(a)),
  }));
}
