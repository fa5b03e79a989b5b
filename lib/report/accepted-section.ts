/**
 * report.html's section of accepted errors (lib/load/accepted.ts): the error rows the analyst
 * accepted, each with its reason, and the accepted errors resolved (their record now loads). New
 * errors stay in the Errors section.
 */
import { escapeHtml, renderHtml } from '../frames/show.js';
import { splitErrors } from '../load/accepted.js';
import type { ReportSection } from './html.js';

/** Rows shown per table; every one is in errors.csv and report.json. */
const SHOWN = 200;

export const acceptedSection: ReportSection = {
  id: 'accepted',
  title: 'Accepted errors',
  render({ run }) {
    const r = run.report;
    if (!r) return null;
    const { accepted } = splitErrors(r.errors);
    const resolved = r.resolved ?? [];
    if (!accepted.length && !resolved.length) return null;
    const parts = [
      `<p class="count" data-accepted="${accepted.length}" data-resolved="${resolved.length}">${accepted.length} accepted error row${accepted.length === 1 ? '' : 's'}: ` +
        `reviewed and accepted (in accepted-errors.csv); they do not stop a run.</p>`,
    ];
    if (accepted.length)
      parts.push(
        renderHtml(accepted.slice(0, SHOWN), {
          columns: ['error_id', 'entity', 'source_id', 'category', 'message', 'accepted'],
          maxRows: 0,
        }),
      );
    if (resolved.length)
      parts.push(
        `<h3>Resolved</h3><p class="count">${resolved.length} accepted error${resolved.length === 1 ? '' : 's'} whose record now loads: ` +
          `${escapeHtml('the row in accepted-errors.csv can go')}.</p>`,
        renderHtml(resolved.slice(0, SHOWN), { columns: ['error_id', 'entity', 'source_id', 'category', 'message', 'reason'], maxRows: 0 }),
      );
    return parts.join('\n');
  },
};
