/**
 * `npm run demo -- --review`: the analyst's decisions of an earlier rehearsal, recorded before the
 * demo's snapshot with the notebook helper (lib/clean/review.ts), as an analyst would: a few
 * corrections and exclusions, one correction that Sonar then overtakes (so it is stale), and the
 * attempts the helper refuses at once (a word in a number, a parent account excluded alone).
 */
import type { Row, Tables } from '../lib/clean/snapshot.js';
import { planExclusions } from '../lib/clean/exclusions.js';
import { openReview } from '../lib/clean/review.js';
import type { Sandboxes } from '../lib/sandbox/index.js';

export interface DemoDecisions {
  recorded: { corrections: number; exclusions: number };
  refusedAtOnce: string[];
}

export async function recordDemoDecisions(sb: Sandboxes, dataDir: string): Promise<DemoDecisions> {
  const raw = sb.dataset.tables as unknown as Tables;
  const review = openReview(dataDir, raw);
  const plain = raw.accounts.filter(
    (a) =>
      !a.archived_at &&
      !a.parent_account_id &&
      planExclusions(raw, [{ table: 'accounts', sonar_id: String(a.id), reason: 'x', made_at: '' }]).outcomes[0].status === 'excluded',
  );
  const [a, b, c, staleOne, out1, out2] = plain;
  review.correct('accounts', String(a.id), 'name', `${String(a.name).trim()} (Corrected)`, 'name as on the signed contract');
  review.correct('accounts', String(b.id), 'name', `${String(b.name).trim()} Ltd`, 'registered company name');
  const address = raw.addresses.find((x) => x.addressable_type === 'Account' && String(x.addressable_id) === String(c.id) && x.city)!;
  review.correct('addresses', String(address.id), 'city', String(address.city).toUpperCase(), 'city as the post office writes it');
  review.correct('accounts', String(staleOne.id), 'name', 'Overtaken By Sonar', 'typo in Sonar');
  review.exclude('accounts', String(out1.id), 'test account, never a customer');
  review.exclude('accounts', String(out2.id), 'duplicate of another account');

  const refusedAtOnce: string[] = [];
  const attempt = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      refusedAtOnce.push((e as Error).message);
    }
  };
  attempt(() => review.correct('accounts', String(a.id), 'next_recurring_charge_amount', 'about ten dollars', 'estimate'));
  attempt(() => review.correct('accounts', '99999999', 'name', 'Nobody', 'no such account'));
  const parent = raw.accounts.find((p) => raw.accounts.some((x: Row) => String(x.parent_account_id) === String(p.id)));
  if (parent) attempt(() => review.exclude('accounts', String(parent.id), 'closed head office'));

  // After the rehearsal, Sonar's users rename the account the stale correction is about.
  const res = await fetch(`${sb.sonar.url}/__sandbox/records`, {
    method: 'POST',
    body: JSON.stringify({ table: 'accounts', record: { id: staleOne.id, name: 'Renamed In Sonar' } }),
  });
  if (res.status !== 200) throw new Error(`the Sonar sandbox refused the change: ${await res.text()}`);
  return { recorded: { corrections: 4, exclusions: 2 }, refusedAtOnce };
}
