/** Profiles of a snapshot: every finding as one review table (see ./index.ts). */
import type { Issue, IssueCategory } from '../../clean/snapshot.js';
import type { TypeProblem } from '../convert.js';
import type { TableSource } from '../load.js';
import type { Target } from '../../sonar/relations.js';
import { byId } from './common.js';
import { duplicateEmails, duplicateIds, duplicateLogins, type DuplicateGroup } from './duplicates.js';
import { blankRequired, overlongFields, paddedText, unicodeText, type FIELD_LIMITS } from './lengths.js';
import { orphanReferences } from './references.js';
import { invalidEmails, invalidPhones } from './values.js';

export interface ReviewOptions {
  defaultCountry?: string;
  limits?: typeof FIELD_LIMITS;
  references?: Record<string, Record<string, Target>>;
  /** Values that did not fit their column type when loading (the `problems` of loadSnapshot). */
  typeProblems?: TypeProblem[];
}

/**
 * Every profile's findings as one table, one row per record and field:
 *
 * - `validation`: the value breaks a rule and cannot be loaded as it is (invalid e-mail or phone, emoji);
 * - `transformation`: the value will be changed on the way (trimmed, cut to length, reformatted);
 * - `data`: the data contradicts itself and a person must decide (duplicates, orphans, blanks).
 */
export function issuesForReview(source: TableSource, opts: ReviewOptions = {}): Issue[] {
  const out: Issue[] = [];
  const add = (entity: string, source_id: string, field: string, category: IssueCategory, problem: string, suggested_fix: string) =>
    out.push({ entity, source_id, field, category, problem, suggested_fix });

  for (const p of opts.typeProblems ?? []) {
    add(
      p.table,
      p.source_id,
      p.field,
      'validation',
      `${JSON.stringify(p.value)} is not a ${p.kind}`,
      'Check the extract; the value is null in the frames',
    );
  }
  for (const r of invalidEmails(source)) {
    if (r.fix)
      add(
        r.table,
        r.source_id,
        r.field,
        'transformation',
        `"${r.value.trim()}" is not a valid e-mail address as written`,
        `Cleaning makes it ${r.fix}; check that is the address meant`,
      );
    else
      add(
        r.table,
        r.source_id,
        r.field,
        'validation',
        r.problem,
        'Correct the address in Sonar and take a new snapshot; otherwise it is left out',
      );
  }
  for (const r of invalidPhones(source, { defaultCountry: opts.defaultCountry })) {
    if (r.kind === 'invalid')
      add(r.table, r.source_id, r.field, 'validation', r.problem, 'Correct the number in Sonar; it is kept as written and may not dial');
    else
      add(
        r.table,
        r.source_id,
        r.field,
        'transformation',
        r.problem,
        `Splynx gets ${r.fix}; check the display form did not hold something the number lacks`,
      );
  }
  for (const r of overlongFields(source, opts.limits)) {
    add(
      r.table,
      r.source_id,
      r.field,
      'transformation',
      `${r.length} characters; ${r.splynx_field} keeps ${r.limit}`,
      `Shorten it in Sonar, or accept the cut: "${r.fix}"`,
    );
  }
  for (const r of blankRequired(source))
    add(r.table, r.source_id, r.field, 'data', `${r.field} is blank (${r.value})`, 'Fill it in Sonar; Splynx requires it');
  for (const r of paddedText(source))
    add(r.table, r.source_id, r.field, 'transformation', `extra whitespace: ${r.value}`, `Trimmed on cleaning to "${r.fix}"`);
  for (const r of unicodeText(source)) {
    if (r.level === 'warn')
      add(
        r.table,
        r.source_id,
        r.field,
        r.problem.startsWith('has emoji') ? 'validation' : 'transformation',
        `"${r.value}" ${r.problem}`,
        r.problem.startsWith('has emoji')
          ? 'Try one such record in Splynx first; remove the emoji in Sonar if it is refused or garbled'
          : 'Composed (NFC) on cleaning; nothing to do',
      );
  }
  const dup = (groups: DuplicateGroup[], what: string, fix: string) => {
    for (const g of groups) {
      for (const id of g.ids) {
        const others = g.ids.filter((x) => x !== id);
        add(
          g.table,
          id,
          g.field,
          'data',
          `${what} "${g.value}" is also on ${g.table} ${others.slice(0, 5).join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}`,
          fix,
        );
      }
    }
  };
  dup(
    duplicateIds(source),
    'id',
    'The snapshot holds the record twice: take a fresh full snapshot, or merge by id keeping the newest updated_at',
  );
  dup(duplicateEmails(source), 'e-mail', 'Decide which account keeps it; the others get no e-mail (or a different one) in Splynx');
  dup(duplicateLogins(source), 'login', 'Make the logins unique in Sonar; Splynx refuses a second customer or service with the same login');
  for (const r of orphanReferences(source, opts.references)) {
    add(
      r.table,
      r.source_id,
      r.field,
      'data',
      `${r.field} ${r.value} points at no record of ${r.target}`,
      'Fix or clear the reference in Sonar; it cannot be linked in Splynx as it is',
    );
  }
  return out.sort(
    (a, b) => a.entity.localeCompare(b.entity) || byId(a, b) || a.field.localeCompare(b.field) || a.category.localeCompare(b.category),
  );
}
