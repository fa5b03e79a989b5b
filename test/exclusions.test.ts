// "Do not migrate" on a generated ISP: an excluded account leaves the cleaned tables with
// everything that belongs to it, each record kept aside with the reason; a record others depend on
// is refused, the refusal naming the dependants. The load, report and verify side:
// test/review-loop.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanSnapshot, type Row, type Tables } from '../lib/clean/snapshot.js';
import { planExclusions } from '../lib/clean/exclusions.js';
import { assertDecisions, exclusionsFile, openReview, readDecisions } from '../lib/clean/review.js';
import { ACCOUNT_MEMBERS } from '../lib/sonar/relations.js';
import { generateIsp } from '../lib/sandbox/generator/index.js';

const isp = structuredClone(generateIsp({ accounts: 120, seed: 5, dirtyRate: 0 }).tables) as unknown as Tables;
const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'exclusions-'));
const count = (t: Tables) => Object.values(t).reduce((n, rows) => n + rows.length, 0);
const parents = isp.accounts.filter((a) => isp.accounts.some((c) => String(c.parent_account_id) === String(a.id)));
const childrenOf = (a: Row) => isp.accounts.filter((c) => String(c.parent_account_id) === String(a.id));
const ofAccount = (table: string, id: unknown) =>
  isp[table].filter((r) => {
    const link = ACCOUNT_MEMBERS.find((m) => m.table === table && m.parent === 'accounts')!;
    return 'key' in link ? String(r[link.key]) === String(id) : r[link.polyType] === 'Account' && String(r[link.polyId]) === String(id);
  });

test('an excluded account leaves with everything that belongs to it, each record kept aside with the reason', () => {
  const dir = dataDir();
  const account = isp.accounts.find((a) => !a.parent_account_id && !childrenOf(a).length && ofAccount('account_services', a.id).length)!;
  openReview(dir, isp, cleanSnapshot(isp)).exclude('accounts', String(account.id), 'test account, never a customer');
  const cleaned = cleanSnapshot(isp, readDecisions(dir));

  assert.deepEqual(
    cleaned.exclusions.map((e) => [e.status, e.table, e.sonar_id]),
    [['excluded', 'accounts', String(account.id)]],
  );
  const out = (table: string) => cleaned.excluded.filter((e) => e.table === table).map((e) => e.sonar_id);
  for (const table of ['contacts', 'account_services', 'invoices', 'addresses'])
    assert.deepEqual(
      out(table).sort(),
      ofAccount(table, account.id)
        .map((r) => String(r.id))
        .sort(),
      `${table} of the account go with it`,
    );
  const contacts = new Set(ofAccount('contacts', account.id).map((c) => String(c.id)));
  assert.deepEqual(
    out('phone_numbers').sort(),
    isp.phone_numbers
      .filter((p) => contacts.has(String(p.contact_id)))
      .map((p) => String(p.id))
      .sort(),
    'and the members of its members (phone numbers of its contacts)',
  );
  assert.equal(count(cleaned.tables) + cleaned.excluded.length, count(isp), 'no record is lost: cleaned + excluded = the snapshot');
  assert.ok(!cleaned.tables.accounts.some((a) => String(a.id) === String(account.id)));
  assert.ok(cleaned.excluded.every((e) => e.reason === 'test account, never a customer'));
  assert.ok(cleaned.excluded.filter((e) => e.table !== 'accounts').every((e) => e.excluded_with === `accounts ${account.id}`));
  assert.equal(cleaned.exclusions[0].records, cleaned.excluded.length);
  assert.doesNotThrow(() => assertDecisions(cleaned));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a record others depend on cannot be excluded alone: the refusal lists the dependants', () => {
  assert.ok(parents.length, 'the generated ISP has parent accounts');
  const parent = parents[0];
  const dir = dataDir();
  const review = openReview(dir, isp, cleanSnapshot(isp));
  assert.throws(
    () => review.exclude('accounts', String(parent.id), 'duplicate'),
    new RegExp(`cannot be excluded alone: .*accounts ${childrenOf(parent)[0].id} \\(parent_account_id\\)`),
  );
  assert.ok(!fs.existsSync(exclusionsFile(dir)), 'a refused exclusion is not written');

  // Written by hand, it is refused when cleaning: nothing is excluded, and the notebook stops at its check.
  fs.writeFileSync(exclusionsFile(dir), `table,sonar_id,reason,made_at\naccounts,${parent.id},duplicate,2026-01-01T00:00:00Z\n`);
  const cleaned = cleanSnapshot(isp, readDecisions(dir));
  assert.equal(cleaned.exclusions[0].status, 'refused');
  assert.match(cleaned.exclusions[0].message, /^exclusions\.csv line 2: /);
  for (const c of childrenOf(parent)) assert.ok(cleaned.exclusions[0].message.includes(`accounts ${c.id} (parent_account_id)`));
  assert.equal(cleaned.excluded.length, 0);
  assert.equal(count(cleaned.tables), count(isp));
  assert.throws(() => assertDecisions(cleaned), /refused[\s\S]*cannot be excluded alone/);

  // A plan services use: refused, naming the services.
  const service = isp.services.find((s) => isp.account_services.some((a) => String(a.service_id) === String(s.id)))!;
  const plan = planExclusions(isp, [{ table: 'services', sonar_id: String(service.id), reason: 'old plan', made_at: '' }]);
  assert.equal(plan.outcomes[0].status, 'refused');
  assert.match(plan.outcomes[0].message, /account_services \d+ \(service_id\) → services/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('excluded together with its dependants, a parent account goes; a refusal elsewhere does not spread', () => {
  const parent = parents.find((p) => childrenOf(p).every((c) => !childrenOf(c).length))!;
  const rows = [parent, ...childrenOf(parent)].map((a) => ({
    table: 'accounts',
    sonar_id: String(a.id),
    reason: 'closed branch',
    made_at: '',
  }));
  const missing = { table: 'accounts', sonar_id: '999999', reason: 'typo', made_at: '' };
  const plan = planExclusions(isp, [...rows, missing]);
  assert.deepEqual(
    plan.outcomes.map((o) => o.status),
    [...rows.map(() => 'excluded'), 'refused'],
  );
  assert.match(plan.outcomes[rows.length].message, /no accounts record 999999/);
  const accounts = plan.excluded.filter((e) => e.table === 'accounts' && !e.excluded_with).map((e) => e.sonar_id);
  assert.deepEqual(accounts.sort(), rows.map((r) => r.sonar_id).sort());

  // Exclude the children only, and the parent alone is refused again: the check repeats until nothing more is refused.
  const alone = planExclusions(isp, rows.slice(0, 1));
  assert.equal(alone.outcomes[0].status, 'refused');
});
