/**
 * Loading one entity, exactly once. For each selected Sonar record:
 *
 *   transform → validate (zod) → hash the payload → consult the ledger
 *   - done before with the same payload: skip;
 *   - done before with another payload: update it (PUT is idempotent, so it is simply retried);
 *   - unknown, or `pending` from a run that died mid-write: look it up by its natural key in what
 *     Splynx held when the entity started (one paged listing, listing.ts); found means adopt it (or
 *     settle the pending write), not found means create it;
 *   - create: mark `pending` (on disk), POST, record the new id. An answer that never came is
 *     settled at once by a search in Splynx by the same natural key; if even that fails the row
 *     stays `pending` and the next run settles it before anything else. A create Splynx refuses
 *     as a duplicate (its unique `sonar_id`, a unique title: someone made the record after the
 *     listing) is settled by the same search, and the record found is adopted.
 *
 * Nothing is ever written twice, and nothing is skipped: every record ends created, updated,
 * skipped, adopted, or as a row in the error table.
 */
import type { Ledger } from '../ledger/index.js';
import { payloadHash } from '../ledger/index.js';
import type { SplynxApi } from '../splynx/client.js';
import { SplynxError } from '../splynx/client.js';
import { TransformError, type EntityModule, type Row, type TransformContext } from '../entities/types.js';
import { createPathOf, itemPathOf, naturalKeyOf, type NaturalKey } from '../entities/defaults.js';
import { classify, type ErrorRow } from './errors.js';
import { EntityListing } from './listing.js';
import { forRecord, type OutcomeLine } from './run-log.js';
import { accountOwner } from '../sonar/relations.js';

export interface EntityLoadOptions {
  dryRun?: boolean;
  stopOnError?: boolean;
  /** Send changed payloads as updates (default). Off: a changed record is reported, not touched. */
  update?: boolean;
  /** Records in progress at once (requests in flight are bounded by the Splynx client). */
  concurrency?: number;
  /**
   * Shared by the entities of a run that load side by side: the first to stop at an error aborts
   * it, and then no entity starts another record.
   */
  halt?: AbortController;
  /** Only these Sonar ids (a single customer, a batch). */
  only?: Set<string>;
  onProgress?(p: { entity: string; done: number; total: number; failed: number }): void;
  /** Records that a dry run would create, so their dependants resolve as they would for real. */
  dryRunCreated?: Set<string>;
  /** Each record's outcome, as it happens (the run log, lib/load/run-log.ts). */
  onOutcome?(o: OutcomeLine): void;
  /** An error the analyst accepted (lib/load/accepted.ts) does not stop the run under stopOnError. */
  isAccepted?(row: ErrorRow): boolean;
}

/** How many records of an entity a run selected, and what became of them. */
export interface OutcomeCounts {
  selected: number;
  created: number;
  updated: number;
  skipped: number;
  adopted: number;
  failed: number;
}

export interface EntityOutcome extends OutcomeCounts {
  entity: string;
  errors: ErrorRow[];
  stopped: boolean;
  /** Requests spent learning what Splynx held of the entity (its count and listing pages). */
  listingRequests: number;
  /**
   * Records changed in Sonar since they were migrated that Splynx cannot update (notes, extra
   * contacts, invoices): left as they are, so a cutover's checklist names them for a hand edit.
   */
  notUpdated: Array<{ source_id: string; splynx_id: string }>;
}

/** In Splynx and known. `deleting` and `deleted` (a rollback's marks) are not: they are looked up like unknown records. */
const DONE = new Set(['created', 'updated', 'skipped', 'external']);
/**
 * How many times an unanswered create is looked up and sent again before it is left pending.
 * Sending again after a lookup that found nothing is safe, so this only bounds how long a
 * struggling server is pressed: with 6% of requests failing without an answer, three attempts
 * lost about one create in 5,000 to `pending` (a record missing until the next run); six, with
 * backoff, about one in 20 million.
 */
const SETTLE_ATTEMPTS = 6;
const SETTLE_BACKOFF_MS = 200;
const settleBackoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, SETTLE_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));

export async function loadEntity(
  mod: EntityModule,
  rows: Row[],
  ctx: TransformContext,
  api: SplynxApi,
  ledger: Ledger,
  opts: EntityLoadOptions = {},
): Promise<EntityOutcome> {
  const out: EntityOutcome = {
    entity: mod.name,
    selected: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    adopted: 0,
    failed: 0,
    errors: [],
    stopped: false,
    listingRequests: 0,
    notUpdated: [],
  };
  // The Sonar account a record belongs to, for the run log: grep one account, get its whole story.
  const accountOf = (r: Row): string | null => {
    if (mod.source === 'accounts') return String(r.id);
    try {
      return mod.accountOf ? mod.accountOf(r, ctx) : accountOwner(mod.source, r);
    } catch {
      return null;
    }
  };
  const noteRecord = (
    outcome: OutcomeLine['outcome'],
    id: string,
    splynxId: string | null | undefined,
    error: ErrorRow | undefined,
    row: Row | null,
  ) =>
    opts.onOutcome?.({
      entity: mod.name,
      sonarId: id,
      account: row ? accountOf(row) : null,
      outcome,
      splynxId,
      error,
      dryRun: opts.dryRun,
    });
  const selected = rows.filter((r) => (!opts.only || opts.only.has(String(r.id))) && (mod.select?.(r, ctx) ?? true));
  out.selected = selected.length;
  const concurrency = opts.concurrency ?? 8;
  let done = 0;
  // Records the ledger does not know as in Splynx: each may need to know whether Splynx has it.
  const lookups = selected.reduce((n, r) => {
    const k = ledger.get(mod.name, String(r.id));
    return k && DONE.has(k.state) && k.splynx_id ? n : n + 1;
  }, 0);
  const listing = new EntityListing(api, mod, lookups);
  /** `keep`: the record is in Splynx already (an update failed), so the ledger keeps pointing at it. */
  const failRecord = (id: string, e: unknown, keep = false, row0: Row | null = null) => {
    out.failed++;
    const row = classify(mod.name, id, e);
    out.errors.push(row);
    noteRecord('failed', id, null, row, row0);
    if (!opts.dryRun && !keep) ledger.markFailed(mod.name, id, `${row.category}: ${row.message}`);
    if (opts.stopOnError && !opts.isAccepted?.(row)) stop();
  };
  const stop = () => {
    out.stopped = true;
    opts.halt?.abort();
  };
  const halted = () => out.stopped || !!opts.halt?.signal.aborted;

  /** A record the mapping table sends to an existing Splynx record: checked, then recorded `external`. */
  async function useMapped(id: string, target: string, source: Row): Promise<void> {
    const known = ledger.get(mod.name, id);
    if (known && known.splynx_id === target && DONE.has(known.state))
      return void (out.skipped++, noteRecord('skipped', id, target, undefined, source));
    try {
      if (known?.splynx_id && DONE.has(known.state)) {
        throw new TransformError(
          `already migrated as Splynx ${mod.name} ${known.splynx_id}; the mapping table now sends it to ${target}`,
          undefined,
          `Restore the mapping row, or remove Splynx record ${known.splynx_id} and its ledger row (rollback --entity ${mod.name}) before mapping it to ${target}`,
        );
      }
      if (!(await splynxHas(api, itemPathOf(mod, target)))) {
        throw new TransformError(
          `the mapping table sends it to Splynx ${mod.name} ${target}, which does not exist`,
          undefined,
          'Put the id of an existing Splynx record, or "new", in the mapping table',
        );
      }
      if (opts.dryRun) return void (out.adopted++, noteRecord('adopted', id, target, undefined, source));
      ledger.registerExternal(mod.name, id, target, 'mapped to an existing record by the mapping table');
      out.adopted++;
      noteRecord('adopted', id, target, undefined, source);
    } catch (e) {
      failRecord(id, e, !!known && DONE.has(known.state), source);
    }
  }

  async function one(row: Row): Promise<void> {
    const id = String(row.id);
    const fail = (id: string, e: unknown, keep = false) => failRecord(id, e, keep, row);
    const note = (outcome: OutcomeLine['outcome'], id: string, splynxId?: string | null, error?: ErrorRow) =>
      noteRecord(outcome, id, splynxId, error, row);
    const known = ledger.get(mod.name, id);
    // A record already in Splynx that no longer transforms (dirty data in a later snapshot) keeps
    // its ledger row: marking it failed would make the next run adopt it as someone else's.
    const inSplynx = !!known && DONE.has(known.state);
    let mapped: string | null;
    try {
      mapped = mod.mappedTo?.(row, ctx) ?? null;
    } catch (e) {
      return fail(id, e, inSplynx);
    }
    if (mapped) return useMapped(id, mapped, row);
    let payload: Row;
    try {
      payload = mod.payload.parse(mod.transform(row, ctx)) as Row;
    } catch (e) {
      return fail(id, e, inSplynx);
    }
    const hash = payloadHash(payload);
    const natural = naturalKeyOf(mod, payload, row);
    let creating = false;

    try {
      if (mod.attachTo) {
        const target = mod.attachTo(payload);
        const again = !!known && DONE.has(known.state);
        if (again && known.payload_hash === hash) return void (out.skipped++, note('skipped', id, target));
        if (!opts.dryRun) {
          await updateSettled(api, itemPathOf(mod, target, payload), payload);
          ledger.markDone(mod.name, id, again ? 'updated' : 'created', target, undefined, hash);
        }
        if (again) out.updated++;
        else out.created++;
        note(again ? 'updated' : 'created', id, target);
        return;
      }
      if (known && DONE.has(known.state) && known.splynx_id) {
        if (known.payload_hash === hash || !(opts.update ?? true) || known.state === 'external' || mod.updatable === false) {
          out.skipped++;
          // Changed in Sonar, but Splynx has no update for it: someone must edit it by hand.
          const stale = mod.updatable === false && !!known.payload_hash && known.payload_hash !== hash && known.state !== 'external';
          if (stale) out.notUpdated.push({ source_id: id, splynx_id: known.splynx_id });
          note(stale ? 'unchanged-not-updatable' : 'skipped', id, known.splynx_id);
          return;
        }
        if (!opts.dryRun) {
          await updateSettled(api, itemPathOf(mod, known.splynx_id, payload), payload);
          ledger.markDone(mod.name, id, 'updated', known.splynx_id, 'payload changed', hash);
        }
        out.updated++;
        note('updated', id, known.splynx_id);
        return;
      }
      // Unknown to the ledger, failed before, or pending from a run that died: ask Splynx first.
      const existing = await natural.find(listing.reader(payload));
      if (existing) {
        if (opts.dryRun) return void (out.adopted++, note('adopted', id, existing));
        // Our own write whose outcome was unknown (a create, or a rollback's delete): settled, not adopted.
        const settling = known?.state === 'pending' || known?.state === 'deleting';
        ledger.markDone(
          mod.name,
          id,
          settling ? 'created' : 'external',
          existing,
          settling ? `settled by ${natural.key}` : `adopted by ${natural.key}`,
          settling ? (known.payload_hash ?? hash) : null,
        );
        if (settling) out.created++;
        else out.adopted++;
        note(settling ? 'created' : 'adopted', id, existing);
        return;
      }
      if (opts.dryRun) {
        opts.dryRunCreated?.add(`${mod.name}:${id}`);
        out.created++;
        note('created', id, null);
        return;
      }
      // Create-only fields (a first password) join the body after hashing; a failure here sends nothing.
      const body = mod.createOnly ? { ...payload, ...mod.createOnly(payload, row, ctx) } : payload;
      ledger.markPending(mod.name, id, hash, natural.key);
      // With group commit the mark joins this turn's transaction: it must be on disk before the POST.
      await ledger.durable();
      creating = true;
      const made = await createSettled(mod, payload, body, natural, api, ledger, id, hash, known?.state === 'pending');
      listing.add(made.splynxId, payload);
      if (made.adopted) out.adopted++;
      else out.created++;
      note(made.adopted ? 'adopted' : 'created', id, made.splynxId);
    } catch (e) {
      const refused = e instanceof SplynxError && !e.details.ambiguous && e.category !== 'network';
      if (creating && !refused) {
        // Outcome unknown and Splynx could not tell us: leave it pending; the next run settles it first.
        out.failed++;
        const pending = {
          ...classify(mod.name, id, e),
          message: `outcome unknown, left pending for the next run: ${(e as Error).message}`,
        };
        out.errors.push(pending);
        note('pending', id, null, pending);
        if (opts.stopOnError && !opts.isAccepted?.(pending)) stop();
        return;
      }
      fail(id, e, !!known && DONE.has(known.state));
    }
  }

  /**
   * `concurrency` workers take the batch's records in order. A promise queued per record (p-limit)
   * held a closure for each of an entity's hundreds of thousands of records at once.
   */
  async function loadAll(batch: Row[]): Promise<void> {
    let next = 0;
    // Something thrown (not a record's error, those are rows: the ledger failing, a caller's
    // progress hook) stops every worker at its next record; the error goes up once none is in flight.
    let thrown: { e: unknown } | null = null;
    const worker = async () => {
      try {
        while (next < batch.length && !halted() && !thrown) {
          const row = batch[next++];
          await forRecord({ entity: mod.name, sonarId: String(row.id), account: accountOf(row) }, () => one(row));
          done++;
          opts.onProgress?.({ entity: mod.name, done, total: selected.length, failed: out.failed });
        }
      } catch (e) {
        thrown ??= { e };
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
    if (thrown) throw (thrown as { e: unknown }).e;
  }

  try {
    if (!mod.selfReference) await loadAll(selected);
    else await loadInWaves();
  } finally {
    out.listingRequests = listing.requests;
  }
  return out;

  async function loadInWaves(): Promise<void> {
    // Records that point at records of the same entity (a child account's parent) go in waves:
    // a record waits for a later wave while its parent is still among those to load.
    const parentOf = new Map(selected.map((r) => [r, selfParent(mod, r, ctx)]));
    let pendingRows = selected;
    while (pendingRows.length && !halted()) {
      const waiting = new Set(pendingRows.map((r) => String(r.id)));
      const wave = pendingRows.filter((r) => {
        const p = parentOf.get(r);
        return p === null || p === undefined || p === String(r.id) || !waiting.has(p);
      });
      // A cycle of parents: load what is left together and let the references fail where they must.
      const batch = wave.length ? wave : pendingRows;
      const inBatch = new Set(batch);
      pendingRows = pendingRows.filter((r) => !inBatch.has(r));
      await loadAll(batch);
    }
  }
}

async function splynxHas(api: SplynxApi, path: string): Promise<boolean> {
  try {
    await api.get(path);
    return true;
  } catch (e) {
    if (e instanceof SplynxError && e.details.status === 404) return false;
    throw e;
  }
}

function selfParent(mod: EntityModule, row: Row, ctx: TransformContext): string | null {
  return mod.selfReference?.(row, ctx) ?? null;
}

/**
 * An update is idempotent, so one whose answer never came is simply sent again, paced like an
 * unanswered create: the client's own retries alone (six sends) lost about one update in 64 when
 * half the writes were dropped after committing, leaving a record Splynx had taken as a failure.
 */
async function updateSettled(api: SplynxApi, path: string, payload: Row): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return void (await api.update(path, payload));
    } catch (e) {
      if (!(e instanceof SplynxError) || e.category !== 'network' || attempt >= SETTLE_ATTEMPTS) throw e;
      await settleBackoff(attempt);
    }
  }
}

/** A create Splynx refused because a unique value is taken: the record may be there already. */
const refusedAsDuplicate = (e: unknown) =>
  e instanceof SplynxError && e.status === 422 && !!e.details.fields?.some((f) => /already been taken/i.test(f.message));

/**
 * `body` is the payload plus any create-only fields: every attempt sends the same one. `sentBefore`:
 * the ledger had the create pending (a run that died sent it, or may have).
 */
async function createSettled(
  mod: EntityModule,
  payload: Row,
  body: Row,
  natural: NaturalKey,
  api: SplynxApi,
  ledger: Ledger,
  id: string,
  hash: string,
  sentBefore: boolean,
): Promise<{ splynxId: string; adopted: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await api.create(createPathOf(mod, payload), body);
      ledger.markDone(mod.name, id, 'created', created.id, undefined, hash);
      return { splynxId: created.id, adopted: false };
    } catch (e) {
      if (refusedAsDuplicate(e)) {
        // Made after the listing: by one of our own unanswered sends (then it is our create,
        // settled), or by someone else (then it is adopted, as a search first would have).
        const found = await natural.find(api);
        if (!found) throw e;
        const ours = sentBefore || attempt > 1;
        ledger.markDone(
          mod.name,
          id,
          ours ? 'created' : 'external',
          found,
          `${ours ? 'settled' : 'adopted'} by ${natural.key} after Splynx refused a duplicate`,
          ours ? hash : null,
        );
        return { splynxId: found, adopted: !ours };
      }
      if (!(e instanceof SplynxError) || !e.details.ambiguous || attempt >= SETTLE_ATTEMPTS) throw e;
      // The write may have landed: only a lookup can tell, and only a miss allows sending it again.
      const found = await natural.find(api);
      if (found) {
        ledger.markDone(mod.name, id, 'created', found, `settled by ${natural.key} after an unanswered create`, hash);
        return { splynxId: found, adopted: false };
      }
      await settleBackoff(attempt);
    }
  }
}
