/**
 * What a backup prints: progress lines for stderr (so stdout stays a clean summary that can be
 * piped or diffed), and the final per-table summary for stdout.
 */
import type { BackupEvent, BackupResult } from './backup.js';
import type { Discovery } from './discover.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A progress line for an event, or null for events not worth a line. */
export function progressLine(e: BackupEvent): string | null {
  switch (e.type) {
    case 'discovered': {
      const d = e.discovery;
      const lines = [
        `backup: ${d.rootQueries} root queries: ${plural(d.tables.length, 'table')} to back up, ${d.skipped.length} skipped${d.excluded.length ? `, ${d.excluded.length} excluded` : ''}${e.resumed ? ' (resuming)' : ''}`,
      ];
      if (d.linkConnections.length) {
        lines.push(
          `backup: note: ${plural(d.linkConnections.length, 'nested connection')} link records only through a join and are not in the backup (${d.linkConnections.slice(0, 3).join(', ')}${d.linkConnections.length > 3 ? ', …' : ''}); their records are, in their own tables`,
        );
      }
      return lines.join('\n');
    }
    case 'table-start':
      return e.fromPage > 1 ? `  ${e.table}: resuming at page ${e.fromPage}` : null;
    case 'page':
      // A line per page would flood the terminal on a big table; every tenth and the last will do.
      return e.totalPages > 1 && (e.page % 10 === 0 || e.page === e.totalPages) ? `  ${e.table}: page ${e.page}/${e.totalPages}` : null;
    case 'table-end':
      if (e.alreadyDone) return `  ${e.table}: done in an earlier run (${plural(e.records, 'record')}), not fetched again`;
      if (e.status === 'failed') return `  ${e.table}: FAILED after ${plural(e.pages, 'page')}: ${e.error}`;
      return `  ${e.table}: ${plural(e.records, 'record')}, ${plural(e.pages, 'page')}, ${e.status}${e.restarted ? ` (started again: ${e.restarted})` : ''}`;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The final summary: one row per table, then skipped queries and failures with their reasons. */
export function summaryText(r: BackupResult): string {
  const rows = [['table', 'records', 'pages', 'status'], ...r.tables.map((t) => [t.table, String(t.records), String(t.pages), t.status])];
  const out = [table(rows)];
  if (r.skipped.length) {
    out.push('', `skipped (${r.skipped.length}):`, ...r.skipped.map((s) => `  ${s.table}: ${s.reason}`));
  }
  const failed = r.tables.filter((t) => t.status === 'failed');
  if (failed.length) out.push('', `failed (${failed.length}):`, ...failed.map((t) => `  ${t.table}: ${t.error}`));
  const records = r.tables.reduce((n, t) => n + t.records, 0);
  const done = r.tables.filter((t) => t.status === 'done').length;
  out.push(
    '',
    `backup ${r.id}: ${r.status}, ${plural(records, 'record')} in ${done}/${plural(r.tables.length, 'table')}, ${(r.ms / 1000).toFixed(1)} s → ${r.location}`,
  );
  return out.join('\n');
}

/** `--list`: what a backup would take, without taking it. */
export function discoveryText(d: Discovery): string {
  const out = [
    `${plural(d.tables.length, 'table')} to back up:`,
    ...d.tables.map((t) => `  ${t.table} (${t.entityType}${t.query.sorted ? '' : ', unsorted'})`),
  ];
  if (d.skipped.length) out.push(`skipped (${d.skipped.length}):`, ...d.skipped.map((s) => `  ${s.table}: ${s.reason}`));
  if (d.excluded.length) out.push(`excluded: ${d.excluded.join(', ')}`);
  if (d.linkConnections.length)
    out.push(
      `links held only in nested connections, not backed up (${d.linkConnections.length}):`,
      ...d.linkConnections.map((l) => `  ${l}`),
    );
  return out.join('\n');
}
