/** Profiles of a snapshot: references that point at no record (see ./index.ts). */
import { REFERENCES, type Target } from '../../sonar/relations.js';
import type { TableSource } from '../load.js';
import { viewOf } from '../view.js';
import { byId } from './common.js';

export interface OrphanRow {
  table: string;
  source_id: string;
  field: string;
  /** The table the reference should find its record in. */
  target: string;
  value: string;
}

interface RefCheck {
  table: string;
  field: string;
  target: string;
  checked: boolean;
  references: number;
  orphans: OrphanRow[];
  note: string;
}

function checkReferences(source: TableSource, references: Record<string, Record<string, Target>>): RefCheck[] {
  const idSets = new Map<string, Set<string>>();
  const idsOf = (table: string) => {
    let set = idSets.get(table);
    if (!set) idSets.set(table, (set = new Set(viewOf(source, table)!.ids())));
    return set;
  };
  const checks = new Map<string, RefCheck>();
  for (const [table, fields] of Object.entries(references)) {
    const view = viewOf(source, table);
    if (!view) continue;
    const ids = view.ids();
    for (const [field, target] of Object.entries(fields)) {
      if (!view.has(field)) continue;
      // A polymorphic owner's table comes from its type field (lib/sonar/relations.ts), all the target reads.
      const typeFields = typeof target === 'string' ? [] : [target.typeField].filter((c) => view.has(c));
      view.col(field).forEach((v, i) => {
        if (v === null || v === undefined || v === '') return;
        const to = typeof target === 'string' ? target : target(view.pick(i, typeFields));
        if (to === null) return;
        const key = `${table}.${field}→${to}`;
        let check = checks.get(key);
        if (!check) {
          const known = !to.startsWith('?') && to in source;
          const note = to.startsWith('?')
            ? `owner type ${to.slice(1)} is not a known table: not checked`
            : known
              ? ''
              : `${to} is not in this snapshot: not checked`;
          checks.set(key, (check = { table, field, target: to.replace(/^\?/, ''), checked: known, references: 0, orphans: [], note }));
        }
        check.references++;
        if (check.checked && !idsOf(to).has(String(v)))
          check.orphans.push({ table, source_id: ids[i], field, target: to, value: String(v) });
      });
    }
  }
  return [...checks.values()];
}

/**
 * References (`*_id`, and polymorphic `*able_type` + `*able_id` owners) that point at no record
 * of their table. `references` defaults to Sonar's relations (lib/sonar/relations.ts);
 * targets the snapshot does not hold are skipped, and listed by `referenceCoverage`.
 */
export function orphanReferences(source: TableSource, references: Record<string, Record<string, Target>> = REFERENCES): OrphanRow[] {
  return checkReferences(source, references)
    .flatMap((c) => c.orphans)
    .sort((a, b) => a.table.localeCompare(b.table) || byId(a, b));
}

export interface ReferenceCoverageRow {
  table: string;
  field: string;
  target: string;
  checked: boolean;
  references: number;
  orphans: number;
  note: string;
}

/** Which references were checked, how many there are and how many dangle; and which could not be checked. */
export function referenceCoverage(
  source: TableSource,
  references: Record<string, Record<string, Target>> = REFERENCES,
): ReferenceCoverageRow[] {
  return checkReferences(source, references).map(({ orphans, ...c }) => ({ ...c, orphans: orphans.length }));
}
