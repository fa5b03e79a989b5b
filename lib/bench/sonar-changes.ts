/**
 * What changes in Sonar between the rehearsal and cutover, made through the Sonar sandbox's
 * control routes as users would make them (a fresh `updated_at` on each write): accounts renamed,
 * contacts given a new e-mail, accounts archived, new accounts with a contact and a service, and a
 * few notes deleted. Kept consistent with Sonar's own billing fields, so that verify's first-bill
 * check still means something after the cutover.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProductWorld } from './product.js';

type Rec = Record<string, unknown>;

export interface ChangeCounts {
  renamed: number;
  emailed: number;
  archived: number;
  created: number;
  notes_deleted: number;
}

const readTable = (dir: string, table: string): Rec[] => {
  const file = path.join(dir, `${table}.jsonl`);
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Rec)
    : [];
};

/** A record's copy without what Sonar assigns, to make a new one of the same shape. */
const copy = (r: Rec, patch: Rec): Rec => {
  const { id: _id, sonar_unique_id: _u, created_at: _c, updated_at: _t, _version: _v, ...rest } = r;
  return { ...rest, ...patch };
};

const groupBy = (rows: Rec[], key: string) => {
  const out = new Map<string, Rec[]>();
  for (const r of rows) {
    const k = String(r[key]);
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
};

/** Changes `rate` of the snapshot's accounts (at least one of each kind); answers how many of each. */
export async function cutoverChanges(world: ProductWorld, snapshotDir: string, rate: number, seed: number): Promise<ChangeCounts> {
  const accounts = readTable(snapshotDir, 'accounts');
  const services = new Map(readTable(snapshotDir, 'services').map((s) => [String(s.id), s]));
  const byAccount = groupBy(readTable(snapshotDir, 'account_services'), 'account_id');
  const contacts = groupBy(
    readTable(snapshotDir, 'contacts').filter((c) => c.contactable_type === 'Account'),
    'contactable_id',
  );
  const notes = groupBy(
    readTable(snapshotDir, 'notes').filter((n) => n.noteable_type === 'Account'),
    'noteable_id',
  );
  const parents = new Set(accounts.map((a) => String(a.parent_account_id ?? '')));
  const primary = (id: string) => (contacts.get(id) ?? []).find((c) => c.primary && c.email_address);
  const plain = accounts.filter(
    (a) =>
      !a.archived_at &&
      !a.parent_account_id &&
      !parents.has(String(a.id)) &&
      primary(String(a.id)) &&
      (byAccount.get(String(a.id)) ?? []).some((s) => services.get(String(s.service_id))?.type === 'DATA'),
  );
  // A fixed, seed-dependent order, so two runs with the same seed change the same accounts.
  const order = plain
    .map((a, i) => ({ a, k: (i * 2654435761 + seed * 40503) % 4294967296 }))
    .sort((x, y) => x.k - y.k)
    .map((x) => x.a);
  const total = Math.max(5, Math.round(accounts.length * rate));
  const take = (share: number) => order.splice(0, Math.max(1, Math.round(total * share)));
  const sonar = (route: string, body: Rec, method = 'POST') => world.control('sonar', method, route, body);

  const counts: ChangeCounts = { renamed: 0, emailed: 0, archived: 0, created: 0, notes_deleted: 0 };
  for (const a of take(0.4)) {
    await sonar('records', { table: 'accounts', record: { id: a.id, name: `${String(a.name)} (renamed at cutover)` } });
    counts.renamed++;
  }
  for (const a of take(0.2)) {
    const c = primary(String(a.id))!;
    await sonar('records', { table: 'contacts', record: { id: c.id, email_address: `cutover.${String(c.id)}@example.net` } });
    counts.emailed++;
  }
  for (const a of take(0.2)) {
    await sonar('archive', { account_id: a.id });
    counts.archived++;
  }
  // New accounts copy one with a single service, so the copied next charge is that service's.
  const single = order.filter((a) => (byAccount.get(String(a.id)) ?? []).length === 1);
  for (const a of single.slice(0, Math.max(1, Math.round(total * 0.15)))) {
    order.splice(order.indexOf(a), 1);
    const fresh = (await sonar('records', { table: 'accounts', record: copy(a, { name: `New at cutover ${String(a.id)}` }) }))
      .record as Rec;
    const contact = primary(String(a.id))!;
    await sonar('records', {
      table: 'contacts',
      record: copy(contact, { contactable_id: fresh.id, email_address: `new.${String(fresh.id)}@example.net` }),
    });
    await sonar('records', { table: 'account_services', record: copy(byAccount.get(String(a.id))![0], { account_id: fresh.id }) });
    counts.created++;
  }
  const withNotes = order.filter((a) => notes.has(String(a.id)));
  for (const a of withNotes.slice(0, Math.max(1, Math.round(total * 0.05)))) {
    await sonar('records', { table: 'notes', id: notes.get(String(a.id))![0].id }, 'DELETE');
    counts.notes_deleted++;
  }
  return counts;
}
