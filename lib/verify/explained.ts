/**
 * Differences the analyst explained by accepting the error (lib/load/accepted.ts): a record the
 * load left `failed` whose error is in accepted-errors.csv is counted as explained, with its
 * reason, not as a difference. A failed record nobody accepted, or one failing now for another
 * reason than the one accepted, is still a difference.
 */
import { scrubSecrets } from '../config.js';
import type { AcceptedErrors } from '../load/accepted.js';
import type { LedgerView } from './ledger-view.js';
import type { Difference } from './types.js';

export interface ExplainedRow {
  entity: string;
  sonar_id: string;
  /** What the verification found (the record failed in the load). */
  found: string;
  /** Why it may stay: the accepted error's reason. */
  explained_by: string;
  error_id: string;
  reason: string;
}

/** The differences left once accepted errors are taken out, and those taken out. */
export function explainAccepted(
  differences: Difference[],
  accepted: AcceptedErrors,
  ledger: Pick<LedgerView, 'get'>,
  secrets: string[],
): { differences: Difference[]; explained: ExplainedRow[] } {
  if (!accepted.size) return { differences, explained: [] };
  const left: Difference[] = [];
  const explained: ExplainedRow[] = [];
  for (const d of differences) {
    const rec = d.check === 'ledger' ? ledger.get(d.entity, d.sonar_id) : undefined;
    // The ledger keeps a failed record's error as `category: message` (lib/load/entity.ts), unscrubbed.
    const error = rec?.state === 'failed' && rec.error ? scrubSecrets(rec.error, secrets) : null;
    const split = error?.indexOf(': ') ?? -1;
    const hit =
      error && split > 0
        ? accepted.of({ entity: d.entity, source_id: d.sonar_id, category: error.slice(0, split), message: error.slice(split + 2) })
        : undefined;
    if (!hit) left.push(d);
    else
      explained.push({
        entity: d.entity,
        sonar_id: d.sonar_id,
        found: d.found,
        explained_by: 'accepted error',
        error_id: hit.error_id,
        reason: hit.reason,
      });
  }
  return { differences: left, explained };
}
