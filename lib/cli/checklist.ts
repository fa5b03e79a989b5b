/**
 * The cutover's checklist: what must still be done by hand in Splynx (and Sonar), written from what
 * the run knows — its report (errors, records Splynx cannot update, what it created), the delta
 * (records deleted in Sonar that Splynx still holds), verify (the first-bill verdict, differences)
 * and the secrets it issued. Printed at the end of `migrate.ts cutover` and kept as
 * `checklist.md` in the run folder. Each item says what, how many, and where the list is.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DeltaSummary } from '../delta/index.js';
import type { RunReport } from '../load/run.js';
import { deleteRule } from '../rollback/rules.js';
import type { VerifyResult } from '../verify/report.js';
import { SECRETS_FOLDER } from '../secrets/index.js';
import { splitErrors } from '../load/accepted.js';
import { errorCounts } from './run-folder.js';

export const CHECKLIST_FILE = 'checklist.md';

/** At most this many records are named in one item; the rest are in the file it points to. */
const NAMED = 10;

const readJson = <T>(file: string): T | null => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : null);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const named = (items: string[]) => items.slice(0, NAMED).join(', ') + (items.length > NAMED ? `, and ${items.length - NAMED} more` : '');

/** The checklist's items, in the order to do them. `dataDir` is where the run's secrets folder is. */
export function cutoverChecklist(runDir: string, dataDir: string): string[] {
  const report = readJson<RunReport>(path.join(runDir, 'report.json'));
  const delta = readJson<DeltaSummary>(path.join(runDir, 'delta.json'));
  const verify = readJson<VerifyResult>(path.join(runDir, 'verify.json'));
  const items: string[] = [];
  if (!report) return ['The load wrote no report: nothing was loaded. Fix what stopped it (see replay.log), then run cutover again.'];
  if (report.stopped) items.push('The load stopped at an error: fix it (below), then run the same cutover command again; it resumes.');

  // Billing: the one switch the migration cannot make.
  const bill = verify?.first_bill;
  const handover = report.handover ? `${report.handover.date} (${report.handover.source})` : 'the handover date';
  if (!verify) items.push(`Do not switch billing on in Splynx yet: verify did not run, so the first bill is not checked.`);
  else if (!bill || 'skipped' in bill)
    items.push(
      `Switch billing on in Splynx from ${handover}, and off in Sonar from the same day (the first bill was not checked: ${bill?.skipped ?? 'not run'}).`,
    );
  else if (bill.differing)
    items.push(
      `Do not switch billing on in Splynx yet: ${plural(bill.differing, 'customer')}' first bill differs from Sonar's next charge (check first-bill in verify.csv). Fix them, run cutover again, then switch billing on from ${handover}.`,
    );
  else if (verify.scope)
    items.push(
      `Before the first billing run, run migrate.ts verify (every customer, not only those Sonar changed): this cutover checked the first bill of the ${bill.customers} customers Sonar changed since ${verify.scope.since}, and it matches Sonar (${bill.billed} billed from their Sonar next bill date, ${bill.not_billed} charged nothing); the ${verify.scope.unchanged_customers} unchanged ones were last checked by the rehearsal's verify. Then switch billing on in Splynx from ${handover}, and off in Sonar from the same day.`,
    );
  else
    items.push(
      `Switch billing on in Splynx from ${handover}, and off in Sonar from the same day: the first bill of all ${bill.customers} customers checked matches Sonar (${bill.billed} billed from their Sonar next bill date, ${bill.not_billed} charged nothing).`,
    );
  if (verify && !verify.reconciled)
    items.push(
      `Look at verify's ${plural(verify.differences.length, 'difference')} (verify.csv) before telling anyone the migration is done.`,
    );

  // Records that did not reach Splynx: new errors are work; accepted ones were decided in rehearsal.
  const { fresh, accepted } = splitErrors(report.errors);
  const ids = (rows: typeof fresh) => named(rows.map((e) => `${e.error_id ?? '?'} (${e.entity} ${e.source_id})`));
  if (fresh.length)
    items.push(
      `${plural(fresh.length, 'record')} did not reach Splynx with a new error (${errorCounts(fresh)}): fix each in Sonar or the workbook and run cutover again, accept it (data/accepted-errors.csv), or enter it in Splynx by hand and record it with migrate.ts register-external. Error ids (errors.csv, log.jsonl): ${ids(fresh)}.`,
    );
  if (accepted.length)
    items.push(
      `${plural(accepted.length, 'record')} stayed out by an accepted error (data/accepted-errors.csv, with the reasons): enter in Splynx by hand those that must exist there. Error ids: ${ids(accepted)}.`,
    );

  // Deleted in Sonar, still in Splynx: the delta never deletes.
  const gone = (delta?.deleted_in_sonar ?? []).filter((d) => d.splynx_id);
  if (gone.length)
    items.push(
      `Delete or disable by hand in Splynx the ${plural(gone.length, 'record')} deleted in Sonar since ${delta!.since} (delta.json): ${named(gone.map((d) => `${d.entity} ${d.splynx_id} (Sonar ${d.table} ${d.sonar_id})`))}.`,
    );

  // Changed in Sonar, but Splynx has no update for them.
  const stale = report.not_updated ?? [];
  if (stale.length) {
    const byEntity = groupBy(stale, (s) => s.entity);
    for (const [entity, rows] of byEntity)
      items.push(
        `Edit by hand in Splynx ${plural(rows.length, entityWord(entity, 1), entityWord(entity, 2))} changed in Sonar since they were migrated (Splynx's API cannot update them): ${named(rows.map((r) => `${r.splynx_id} (Sonar ${r.source_id})`))}.`,
      );
  }

  // What a rollback of this run could not take back.
  const noDelete = Object.entries(report.entities).filter(([e, c]) => c.created > 0 && safeRule(e) === 'note');
  for (const [entity, c] of noDelete)
    items.push(
      `Should this cutover be rolled back: the ${plural(c.created, entityWord(entity, 1), entityWord(entity, 2))} it created have no DELETE in Splynx; those of a customer that stays must be removed by hand (migrate.ts rollback --run ${report.run_id} lists them).`,
    );

  // First passwords the run issued.
  const secretsDir = path.resolve(dataDir, SECRETS_FOLDER);
  const issued = fs.existsSync(secretsDir) ? fs.readdirSync(secretsDir).filter((f) => f.includes(report.run_id)) : [];
  if (issued.length)
    items.push(
      `Hand the first passwords this run issued to their owners, then delete the files: ${issued.map((f) => path.join(secretsDir, f)).join(', ')}.`,
    );

  if (!report.stopped && !report.dry_run && delta)
    items.push(`If Sonar is still in use after today, catch Splynx up again with: migrate.ts cutover --since ${delta.snapshot}`);
  return items;
}

/** The checklist as a markdown file, written to the run folder; answers the lines printed. */
export function writeChecklist(runDir: string, dataDir: string): string[] {
  const items = cutoverChecklist(runDir, dataDir);
  const lines = items.map((i, n) => `${n + 1}. ${i}`);
  fs.writeFileSync(
    path.join(runDir, CHECKLIST_FILE),
    `# Cutover checklist: what to do by hand\n\n${items.map((i) => `- [ ] ${i}`).join('\n')}\n`,
  );
  return lines;
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
}

/** `customer_notes` → "customer note(s)". */
function entityWord(entity: string, n: number): string {
  const words = entity.replace(/_/g, ' ');
  return n === 1 ? words.replace(/s$/, '') : words;
}

function safeRule(entity: string): string | null {
  try {
    return deleteRule(entity).kind;
  } catch {
    return null;
  }
}
