/**
 * The run's structured log, `<run folder>/log.jsonl`: one JSON line per record outcome and per
 * retry, for a support engineer. Every line carries the run id, the entity, the Sonar id, the
 * Sonar account the record belongs to, the Splynx id when there is one, and for a failure its
 * stable error id (lib/load/errors.ts) and category. `grep '"account":"17"' log.jsonl` is one
 * customer's whole story: its customer record, services, notes, invoices, and every retry on the way.
 *
 * No secret goes in: messages are scrubbed with the run's secret list, and no payload is logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { errorId, type ErrorRow } from './errors.js';

export const RUN_LOG = 'log.jsonl';

/** The record a request is made for: set around each record by the loader, read by the retry hook. */
export interface RecordScope {
  entity: string;
  sonarId: string;
  account: string | null;
}
const scope = new AsyncLocalStorage<RecordScope>();

/** Runs `f` as the work of one record, so that retries on the way are logged against it. */
export const forRecord = <T>(s: RecordScope, f: () => Promise<T>): Promise<T> => scope.run(s, f);

export type Outcome = 'created' | 'updated' | 'skipped' | 'adopted' | 'failed' | 'pending' | 'unchanged-not-updatable';

export interface OutcomeLine {
  entity: string;
  sonarId: string;
  account: string | null;
  outcome: Outcome;
  splynxId?: string | null;
  /** The error row of a failed (or pending) record, before scrubbing. */
  error?: ErrorRow;
  dryRun?: boolean;
}

export class RunLog {
  private readonly fd: number;
  private buffer: string[] = [];

  constructor(
    readonly file: string,
    private readonly runId: string,
    private readonly scrub: (s: string) => string,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Appended: one run spans several notebooks (foundation, …, customers), each its own load.
    this.fd = fs.openSync(file, 'a');
  }

  outcome(o: OutcomeLine): void {
    const e = o.error ? { ...o.error, message: this.scrub(o.error.message) } : null;
    this.write({
      event: 'record',
      outcome: o.outcome,
      entity: o.entity,
      sonar_id: o.sonarId,
      account: o.account,
      splynx_id: o.splynxId ?? null,
      ...(o.dryRun ? { dry_run: true } : {}),
      ...(e ? { error_id: errorId(e), category: e.category, message: e.message, suggestion: e.suggestion } : {}),
    });
  }

  /** A request sent again (a timeout, a 429, a refused nonce, a renewed token), against the record it was for. */
  retry(r: { method: string; path: string; attempt: number; reason: string; status?: number; category?: string }): void {
    const s = scope.getStore();
    this.write({
      event: 'retry',
      entity: s?.entity ?? null,
      sonar_id: s?.sonarId ?? null,
      account: s?.account ?? null,
      method: r.method,
      path: r.path,
      attempt: r.attempt,
      status: r.status ?? null,
      category: r.category ?? null,
      reason: this.scrub(r.reason),
    });
  }

  /** A line of the run's own (the permission preflight's refusals), with its error ids. */
  errorRows(rows: ErrorRow[]): void {
    for (const row of rows) this.outcome({ entity: row.entity, sonarId: row.source_id, account: null, outcome: 'failed', error: row });
  }

  private write(fields: Record<string, unknown>): void {
    this.buffer.push(JSON.stringify({ ts: new Date().toISOString(), run_id: this.runId, ...fields }));
    // Written in groups: a line per record would be a system call per record on a long load.
    if (this.buffer.length >= 200) this.flush();
  }

  flush(): void {
    if (!this.buffer.length) return;
    fs.writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
