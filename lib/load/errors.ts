/**
 * Every record that does not reach Splynx becomes one error row: which record, what kind of
 * failure, what was said, and what to do about it. No secret ever goes in (messages are scrubbed
 * by the caller's secret list before they are written anywhere).
 */
import { createHash } from 'node:crypto';
import { ZodError } from 'zod';
import { UnmappedError } from '../mappings/table.js';
import { SplynxError } from '../splynx/client.js';
import { DanglingReference, MissingDependency, TransformError } from '../entities/types.js';

export type ErrorCategory = 'network' | 'authentication' | 'validation' | 'transformation' | 'api' | 'data';

/** What identifies an error row (read back from a file, its category is a plain string). */
type Identified = { entity: string; source_id: string; category: string; message: string };

export interface ErrorRow {
  entity: string;
  source_id: string;
  category: ErrorCategory;
  message: string;
  /** Splynx's 422 field errors, `field: message; …`. */
  fields: string;
  suggestion: string;
}

export function classify(entity: string, sourceId: string, e: unknown): ErrorRow {
  const row = (category: ErrorCategory, message: string, suggestion: string, fields = ''): ErrorRow => ({
    entity,
    source_id: String(sourceId),
    category,
    message,
    fields,
    suggestion,
  });
  if (e instanceof MissingDependency) {
    return row(
      'data',
      e.message,
      `Migrate ${e.entity} ${e.sonarId} first (or run with --include-dependencies), or register it with register-external if it exists in Splynx`,
    );
  }
  if (e instanceof DanglingReference)
    return row('data', e.message, `Correct ${e.field} in Sonar (or remove the ${e.table} record), take a new snapshot, then run again`);
  if (e instanceof UnmappedError) return row('data', e.message, `Edit ${e.file} and run again`);
  if (e instanceof TransformError)
    return row(e.category, e.message, e.suggestion ?? 'Fix the record in Sonar, or adjust the mapping table');
  if (e instanceof ZodError) {
    const fields = e.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
    return row(
      'validation',
      `payload does not fit Splynx: ${fields}`,
      'Fix the value in Sonar or in the cleaning step; the record was not sent',
      fields,
    );
  }
  if (e instanceof SplynxError) {
    const fields = (e.details.fields ?? []).map((f) => `${f.field}: ${f.message}`).join('; ');
    switch (e.category) {
      case 'validation':
        return row('validation', e.message, 'Splynx refused these fields: fix them in Sonar or in the mapping, then run again', fields);
      case 'authentication':
        return row('authentication', e.message, "Check SPLYNX_API_KEY, SPLYNX_API_SECRET and the key's permissions, then resume");
      case 'network':
        return row('network', e.message, 'Splynx did not answer in time: run again, the ledger resumes where it stopped');
      default:
        return row('api', e.message, 'Splynx refused the request; check the message, fix the cause and run again');
    }
  }
  return row('api', (e as Error)?.message ?? String(e), 'Unexpected error: report it with the run folder');
}

/**
 * What makes two error rows "the same error" across runs: the record, the kind, and what was said.
 * Accepted errors are matched on it, and the stable error id is made from it, so that an id quoted
 * in a rehearsal finds the same row on cutover day.
 */
export function errorIdentity(row: Identified): string {
  return [row.entity, row.source_id, row.category, row.message].join('\u241f');
}

/** A short, stable id for an error row (`E-` and 10 hex digits), for the error table and the run log. */
export function errorId(row: Identified): string {
  return `E-${createHash('sha256').update(errorIdentity(row)).digest('hex').slice(0, 10)}`;
}
