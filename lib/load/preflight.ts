/**
 * What a load (or a rollback) will ask of Splynx, derived from the entity modules, and the
 * preflight run on it (lib/splynx/preflight.ts) before the first write:
 *
 * - every entity reads its `endpoint` (natural-key lookups) and the lookup collections its
 *   mappings point at (payment methods, ticket statuses, …);
 * - it adds at `createPath` (or `endpoint`), unless it only attaches to a record Splynx made;
 * - it edits at `itemPath` (or `endpoint/{id}`) when it attaches, or when a changed record is
 *   updated on a re-run (every entity but the non-updatable ones);
 * - a real load first sets up the `sonar_id` additional fields (read and add in Config);
 * - a rollback deletes by its rules (lib/rollback/rules.ts).
 */
import { ENTITIES, type EntityModule } from '../entities/index.js';
import { SONAR_ID_MODULES } from '../entities/sonar-id.js';
import { LOOKUP_MAPPINGS } from '../entities/splynx-lookups.js';
import { deleteRule } from '../rollback/rules.js';
import type { SplynxApi } from '../splynx/client.js';
import { preflight, type PermissionNeed, type PreflightResult } from '../splynx/preflight.js';
import type { ErrorRow } from './errors.js';

const SONAR_ID_SETUP = 'the sonar_id fields';

/** A payload whose every field reads as its own name in braces: turns createPath/itemPath into patterns. */
const PLACEHOLDER = new Proxy({} as Record<string, unknown>, { get: (_t, k) => (typeof k === 'string' ? `{${k}}` : undefined) });

function pattern(make: (() => string) | undefined, fallback: string): string {
  if (!make) return fallback;
  try {
    const p = make();
    return typeof p === 'string' && p ? p : fallback;
  } catch {
    return fallback;
  }
}

export function loadNeeds(entities: EntityModule[], opts: { sonarIdFields?: boolean } = {}): PermissionNeed[] {
  const needs: PermissionNeed[] = [];
  if (opts.sonarIdFields ?? true) {
    const path = 'admin/config/additional-fields/{module}';
    // All modules' definitions are one section of Splynx (Config → Additional fields): one probe for them.
    needs.push({ by: SONAR_ID_SETUP, action: 'view', path, probe: `admin/config/additional-fields/${SONAR_ID_MODULES[0]}` });
    needs.push({ by: SONAR_ID_SETUP, action: 'add', path });
  }
  for (const e of entities) {
    needs.push({ by: e.name, action: 'view', path: e.endpoint, probe: e.endpoint });
    for (const m of e.mappings ?? []) {
      const lookup = LOOKUP_MAPPINGS[m.name];
      if (lookup) needs.push({ by: e.name, action: 'view', path: lookup.endpoint, probe: lookup.endpoint });
    }
    if (!e.attachTo)
      needs.push({ by: e.name, action: 'add', path: pattern(e.createPath && (() => e.createPath!(PLACEHOLDER)), e.endpoint) });
    if (e.attachTo || e.updatable !== false)
      needs.push({
        by: e.name,
        action: 'edit',
        path: pattern(e.itemPath && (() => e.itemPath!('{id}', PLACEHOLDER)), `${e.endpoint}/{id}`),
      });
  }
  return needs;
}

/** What a rollback of these entities deletes, by each one's rule; attach-only records and comments delete nothing. */
export function rollbackNeeds(entities: string[]): PermissionNeed[] {
  const needs: PermissionNeed[] = [];
  for (const name of entities) {
    const rule = deleteRule(name);
    const by = `rollback of ${name}`;
    if (rule.kind === 'delete') needs.push({ by, action: 'delete', path: rule.path('{id}') });
    if (rule.kind === 'service')
      needs.push({ by, action: 'delete', path: `admin/customers/customer/{customer_id}/${rule.service}-services--{id}` });
  }
  return needs;
}

/** The needs of a rollback plan's deletes, from their own paths. */
export function deleteNeeds(items: Array<{ entity: string; action: string; target: string }>): PermissionNeed[] {
  const needs = new Map<string, PermissionNeed>();
  for (const it of items) {
    if (it.action !== 'delete') continue;
    const path = it.target.replace(/\d+/g, '{id}');
    needs.set(`${it.entity} ${path}`, { by: `rollback of ${it.entity}`, action: 'delete', path });
  }
  return [...needs.values()];
}

/** Every missing permission as an `authentication` row of the error table. */
export function preflightRows(result: PreflightResult): ErrorRow[] {
  return result.missing.map((m) => ({
    entity: 'preflight',
    source_id: '',
    category: 'authentication',
    message: m.sentence,
    fields: '',
    suggestion: `Grant the API key "${m.action}" in ${m.title} (Splynx: Administration → API keys → Permissions), then run again; nothing was written.`,
  }));
}

/**
 * The preflight of a load of these entities: its error rows, empty when nothing is missing. A dry
 * run sets up no sonar_id fields, but it rehearses the real run, so it asks what that will need
 * (writes only from a token it holds anyway: it generates none).
 */
export async function preflightLoad(api: SplynxApi, entities: EntityModule[], opts: { dryRun?: boolean } = {}): Promise<ErrorRow[]> {
  return preflightRows(await preflight(api, loadNeeds(entities), { generateToken: !opts.dryRun }));
}

/** What `check` reports: every phase's load, and a rollback of everything. */
export async function preflightEverything(api: SplynxApi): Promise<PreflightResult> {
  return preflight(api, [...loadNeeds(ENTITIES), ...rollbackNeeds(ENTITIES.map((e) => e.name))]);
}
