/** The shapes a verification reports in. */

/** Which check found a difference. */
export type Check = 'sonar' | 'ledger' | 'count' | 'field' | 'money' | 'first-bill';

/** One thing that does not reconcile: a row of verify.csv. */
export interface Difference {
  check: Check;
  /** Entity name (or the Sonar table, for `sonar`; `money` for the money check). */
  entity: string;
  sonar_id: string;
  splynx_id: string;
  /** A payload field (dotted for nested ones), or `(record)` / `(count)` / `(transform)`. */
  field: string;
  expected: string;
  found: string;
}

export interface VerifyOptions {
  /** Records read back per entity; 0 reads every one. */
  sample?: number;
  /** Seed of the sample. */
  seed?: number;
  /** Only these entities; empty or undefined: all. */
  entities?: string[];
}

export const RECORD = '(record)';

/** Differences in a stable order (by Sonar id, then field), whatever order the reads answered in. */
export function sortDifferences(ds: Difference[]): Difference[] {
  return ds.sort(
    (a, b) => Number(a.sonar_id) - Number(b.sonar_id) || a.sonar_id.localeCompare(b.sonar_id) || a.field.localeCompare(b.field),
  );
}
