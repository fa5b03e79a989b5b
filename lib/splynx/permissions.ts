/**
 * What this tool understands of Splynx's per-key permissions (Administration → API keys →
 * Permissions): a matrix of modules (Customers, Tariff plans, Finance, Networking, …) by action
 * (view, add, edit, delete). The module of a request is the area of its API path:
 * `admin/<area>/…`. The sandbox keeps its own model of the same matrix (lib/sandbox/splynx/
 * permissions.ts), so our reading of Splynx is tested against it rather than against itself.
 */

export type PermissionAction = 'view' | 'add' | 'edit' | 'delete';
export const PERMISSION_ACTIONS: PermissionAction[] = ['view', 'add', 'edit', 'delete'];

/** Splynx's names for the modules, as its permissions dialog shows them, by API path area. */
export const MODULE_TITLES: Record<string, string> = {
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
  fup: 'FUP',
  logs: 'Logs',
};

/** `admin/finance/invoices/7` → `finance`; null outside `admin/<area>/`. */
export function moduleOf(path: string): string | null {
  const m = /^\/?(?:api\/2\.0\/)?admin\/([a-z0-9_-]+)\//i.exec(path);
  return m ? m[1].toLowerCase() : null;
}

export const moduleTitle = (module: string) => MODULE_TITLES[module] ?? module;

export function actionOf(method: string): PermissionAction {
  switch (method.toUpperCase()) {
    case 'POST':
      return 'add';
    case 'PUT':
    case 'PATCH':
      return 'edit';
    case 'DELETE':
      return 'delete';
    default:
      return 'view';
  }
}

/** What each action lets a key do, in a sentence's words. */
export const ACTION_VERBS: Record<PermissionAction, string> = { view: 'read', add: 'add', edit: 'edit', delete: 'delete' };

/**
 * The token's `permissions` field, read as module → allowed actions. The blueprint documents the
 * field only as "array - Token permissions" (its example, an administrator's token, shows `[]`),
 * so only shapes that say something are read: `{module, actions: [...]}` entries or
 * `"module:action"` strings. Anything else, or an empty list, is null: "Splynx did not say".
 */
export function readTokenPermissions(raw: unknown): Map<string, Set<PermissionAction>> | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const out = new Map<string, Set<PermissionAction>>();
  const add = (module: unknown, action: unknown) => {
    const a = String(action).toLowerCase();
    if (typeof module !== 'string' || !(PERMISSION_ACTIONS as string[]).includes(a)) return false;
    const set = out.get(module.toLowerCase()) ?? new Set<PermissionAction>();
    set.add(a as PermissionAction);
    out.set(module.toLowerCase(), set);
    return true;
  };
  for (const entry of raw) {
    if (typeof entry === 'string') {
      const [module, action] = entry.split(/[:.]/);
      if (!add(module, action)) return null;
    } else if (entry && typeof entry === 'object' && Array.isArray((entry as { actions?: unknown }).actions)) {
      const e = entry as { module?: unknown; actions: unknown[] };
      // A module listed with no actions is a module the key may not use at all: still an answer.
      if (typeof e.module !== 'string') return null;
      if (!out.has(e.module.toLowerCase())) out.set(e.module.toLowerCase(), new Set());
      for (const a of e.actions) if (!add(e.module, a)) return null;
    } else return null;
  }
  return out;
}
