/**
 * The permission preflight: before the first write, can this API key do everything a run will ask
 * of Splynx? Splynx keys carry per-module permissions (Administration → API keys → Permissions)
 * and answer 403 outside them, so a key without, say, adding in Finance would otherwise load
 * partners, tariffs and customers and then stop at the invoices.
 *
 * - Reads are probed: one `GET <collection>?limit=1` per collection the run reads.
 * - Writes cannot be probed without writing. Splynx's token generate response carries a
 *   `permissions` field (blueprint "Token generate response"); where it lists the key's modules
 *   and actions, that is the answer. Where it is empty, nothing else tells, and the result says so.
 *
 * The answer is one plain sentence per missing permission, naming the module and who needs it.
 */
import { SplynxError, type SplynxApi } from './client.js';
import { ACTION_VERBS, moduleOf, moduleTitle, readTokenPermissions, type PermissionAction } from './permissions.js';

export interface PermissionNeed {
  /** Who needs it: an entity, a set-up step ("the sonar_id fields"), "rollback of invoices". */
  by: string;
  action: PermissionAction;
  /** The Splynx path (a pattern where it has ids in it), e.g. `admin/customers/customer/{customer_id}/internet-services`. */
  path: string;
  /** For a read: the collection to GET with `limit=1`. */
  probe?: string;
}

export interface MissingPermission {
  /** The API path's area (`finance`) and Splynx's name for it (`Finance`). */
  module: string;
  title: string;
  action: PermissionAction;
  /** The collections a read was refused on, or `admin/<area>/…` for a write. */
  paths: string[];
  /** Who needs it, in the order of the needs. */
  by: string[];
  sentence: string;
}

export interface PreflightResult {
  /** Nothing known to be missing. */
  ok: boolean;
  missing: MissingPermission[];
  /** What could not be told (writes, where Splynx lists no permissions) or answered oddly; not blocking. */
  notes: string[];
  /** How the writes were judged. */
  writes: 'token permissions' | 'not told' | 'none needed';
  /** Requests the preflight sent (probes, and a token where the client had none). */
  requests: number;
}

/**
 * `generateToken: false` (dry runs): judge writes only from a token the client holds anyway (token
 * auth), never by generating one just to ask, since that is a write on Splynx too.
 */
export async function preflight(api: SplynxApi, needs: PermissionNeed[], opts: { generateToken?: boolean } = {}): Promise<PreflightResult> {
  const before = api.stats.requests;
  const missing = new Map<string, { module: string; action: PermissionAction; paths: Set<string>; by: Set<string> }>();
  const miss = (module: string, action: PermissionAction, path: string, by: string) => {
    const k = `${module}:${action}`;
    const m = missing.get(k) ?? { module, action, paths: new Set<string>(), by: new Set<string>() };
    m.paths.add(path);
    m.by.add(by);
    missing.set(k, m);
  };
  const notes: string[] = [];

  // Reads: each collection once, side by side (the client bounds the requests in flight).
  const probes = new Map<string, PermissionNeed[]>();
  for (const n of needs) if (n.action === 'view' && n.probe) probes.set(n.probe, [...(probes.get(n.probe) ?? []), n]);
  await Promise.all(
    [...probes].map(async ([probe, by]) => {
      try {
        await api.get(probe, { limit: 1 });
      } catch (e) {
        if (!(e instanceof SplynxError)) throw e;
        if (e.status === 403) for (const n of by) miss(moduleOf(probe) ?? probe, 'view', probe, n.by);
        // Bad credentials, an ahead-of-clock nonce, an unreachable Splynx: no preflight can go on.
        else if (e.category === 'authentication' || e.category === 'network') throw e;
        else notes.push(`Splynx answered ${e.status ?? 'an error'} to a one-record read of ${probe} (${e.message}); the run reads it.`);
      }
    }),
  );

  // Writes: what the key's token says it may do, where it says anything.
  const writes = needs.filter((n) => n.action !== 'view');
  let judged: PreflightResult['writes'] = 'none needed';
  if (writes.length) {
    const generate = opts.generateToken ?? true;
    let told = await api.tokenPermissions({ generate });
    let allowed = readTokenPermissions(told?.list);
    // An answer from earlier in the session that refuses something: ask again, it may have been granted since.
    if (allowed && told?.earlier && generate && writes.some((n) => !allowed!.get(moduleOf(n.path) ?? '')?.has(n.action))) {
      told = await api.tokenPermissions({ fresh: true });
      allowed = readTokenPermissions(told.list);
    }
    if (!allowed) {
      judged = 'not told';
      notes.push(
        told?.list == null && opts.generateToken === false
          ? "A dry run generates no token to read the key's permissions from, so whether it may add, edit or delete is checked by the real run, before its first write."
          : "Splynx does not list this API key's permissions (its token's permissions field is empty), and nothing else tells without writing whether it may add, edit or delete: a missing one will stop the run at its first write.",
      );
    } else {
      judged = 'token permissions';
      for (const n of writes) {
        const module = moduleOf(n.path);
        if (module && !allowed.get(module)?.has(n.action)) miss(module, n.action, `admin/${module}/…`, n.by);
      }
    }
  }

  const list = [...missing.values()].map((m): MissingPermission => {
    const title = moduleTitle(m.module);
    const by = [...m.by];
    const paths = [...m.paths];
    return {
      module: m.module,
      title,
      action: m.action,
      paths,
      by,
      sentence: `The API key may not ${ACTION_VERBS[m.action]} records in ${title} (${paths.join(', ')}): ${by.join(', ')} ${by.length === 1 ? 'needs' : 'need'} it.`,
    };
  });
  return { ok: list.length === 0, missing: list, notes, writes: judged, requests: api.stats.requests - before };
}
