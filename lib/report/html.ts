/**
 * report.html: one page per run folder that anyone can open without Jupyter, offline. Everything
 * is inline (CSS, the charts as SVG); nothing is fetched and no script runs; the only links are to
 * the files beside it (errors.csv, verify.csv, the executed notebooks).
 *
 * The page is a list of sections (SECTIONS), each drawn from the run folder or left out when the
 * run has nothing for it: a verify run has no load summary, a load no verdict. A new part of the
 * review (accepted errors, exclusions) is a new section here, reading its own file of the folder.
 *
 * No secret reaches the page: every value is HTML-escaped, columns named like credentials show
 * `***` (lib/frames/show.ts), a verify difference on such a field shows `***` for both values, and
 * the finished page is scrubbed of every configured secret.
 */
import { scrubSecrets } from '../config.js';
import { cellText, escapeHtml, renderHtml, SECRET_NAME } from '../frames/show.js';
import { summaryRows } from '../load/run.js';
import { DIFFERENCE_COLUMNS, EXPLAINED_COLUMNS, summaryLine } from '../verify/report.js';
import type { RunFolder } from './folder.js';
import { acceptedSection } from './accepted-section.js';

/** Error rows and differences shown on the page; all of them are in errors.csv and verify.csv. */
export const MAX_ROWS = 200;

export interface ReportChart {
  name: string;
  title: string;
  svg: string;
  /** What to look for in it. */
  caption: string;
}

export interface ReportContext {
  run: RunFolder;
  /** Charts drawn for this page, in order. */
  charts: ReportChart[];
}

export interface ReportSection {
  id: string;
  title: string;
  /** The section's body, or null to leave it out. */
  render(ctx: ReportContext): string | null;
}

const n = (x: number) => x.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;
const link = (run: RunFolder, file: string, text = file) =>
  run.files.includes(file) ? `<a href="${encodeURIComponent(file)}">${escapeHtml(text)}</a>` : escapeHtml(text);

const summary: ReportSection = {
  id: 'summary',
  title: 'Summary',
  render({ run }) {
    const r = run.report;
    if (!r) return null;
    const rows = summaryRows(r);
    const total = rows.reduce(
      (a, e) => ({
        selected: a.selected + e.selected,
        created: a.created + e.created,
        updated: a.updated + e.updated,
        skipped: a.skipped + e.skipped,
        adopted: a.adopted + e.adopted,
        failed: a.failed + e.failed,
      }),
      { selected: 0, created: 0, updated: 0, skipped: 0, adopted: 0, failed: 0 },
    );
    const verb = r.dry_run ? 'would be ' : '';
    return [
      `<p class="totals">${plural(total.selected, 'record')} selected in ${plural(rows.length, 'entity', 'entities')}: ` +
        `${n(total.created)} ${verb}created, ${n(total.updated)} ${verb}updated, ${n(total.skipped)} unchanged (skipped), ` +
        `${n(total.adopted)} adopted, <strong>${n(total.failed)} failed</strong>.</p>`,
      renderHtml(rows, { maxRows: 0 }),
    ].join('\n');
  },
};

const charts: ReportSection = {
  id: 'charts',
  title: 'Charts',
  render({ charts }) {
    if (!charts.length) return null;
    return charts
      .map(
        (c) =>
          `<figure class="chart" id="chart-${escapeHtml(c.name)}" data-chart="${escapeHtml(c.name)}">\n${c.svg}\n` +
          `<figcaption>${escapeHtml(c.caption)}</figcaption>\n</figure>`,
      )
      .join('\n');
  },
};

const errors: ReportSection = {
  id: 'errors',
  title: 'Errors',
  render({ run }) {
    const r = run.report;
    if (!r) return null;
    // Accepted errors have their own section (accepted-section.ts): this one holds the new ones.
    const all = r.errors.filter((e) => !e.accepted);
    const accepted = r.errors.length - all.length;
    const besides = accepted ? ` (besides ${plural(accepted, 'accepted error')}, listed under Accepted errors)` : '';
    // "new" is said only when there are accepted ones to tell them from.
    const kind = accepted ? 'new error row' : 'error row';
    const other = accepted ? 'other ' : '';
    if (!all.length)
      return `<p class="count" data-new-errors="0">No ${kind}s${besides}: ${r.dry_run ? `every ${other}record would load` : `every ${other}selected record loaded`}.</p>`;
    const shown = Math.min(all.length, MAX_ROWS);
    return [
      `<p class="count" data-new-errors="${all.length}">${plural(all.length, kind)}${besides}${shown < all.length ? `, the first ${n(shown)} shown` : ''}; ` +
        `every one is in ${link(run, 'errors.csv')}.${r.stopped ? ` The run stopped at the first ${accepted ? 'new ' : ''}error.` : ''}</p>`,
      renderHtml(all.slice(0, shown), {
        columns: ['error_id', 'entity', 'source_id', 'category', 'message', 'fields', 'suggestion'],
        maxRows: 0,
      }),
    ].join('\n');
  },
};

const verify: ReportSection = {
  id: 'verify',
  title: 'Verify',
  render({ run }) {
    const v = run.verify;
    if (!v) return null;
    const diffs = v.differences.map((d) =>
      SECRET_NAME.test(d.field.split('.').pop() ?? '') ? { ...d, expected: '***', found: '***' } : d,
    );
    const shown = Math.min(diffs.length, MAX_ROWS);
    return [
      `<p class="meta">Snapshot ${escapeHtml(v.snapshot_id)}; ${v.sample ? `a sample of ${n(v.sample)} records per entity (seed ${v.seed})` : 'every record read back'}.</p>`,
      renderHtml(v.verdicts, { maxRows: 0 }),
      ...(v.explained?.length
        ? [
            `<h3>Explained</h3><p class="count" data-explained="${v.explained.length}">${plural(v.explained.length, 'failed record')} whose error was accepted, with the reasons: not differences.</p>`,
            renderHtml(v.explained.slice(0, MAX_ROWS), { columns: [...EXPLAINED_COLUMNS], maxRows: 0 }),
          ]
        : []),
      ...(diffs.length
        ? [
            `<h3>Differences</h3><p class="count">${plural(diffs.length, 'difference')}${shown < diffs.length ? `, the first ${n(shown)} shown` : ''}; ` +
              `every one is in ${link(run, 'verify.csv')}.</p>`,
            renderHtml(diffs.slice(0, shown), { columns: [...DIFFERENCE_COLUMNS], maxRows: 0 }),
          ]
        : []),
    ].join('\n');
  },
};

const files: ReportSection = {
  id: 'files',
  title: 'Files of this run',
  render({ run }) {
    const listed = run.files.filter((f) => f !== 'report.html');
    if (!listed.length) return null;
    return `<ul class="files">${listed.map((f) => `<li>${link(run, f)}</li>`).join('')}</ul>`;
  },
};

/** The page's sections, in order. */
export const SECTIONS: ReportSection[] = [summary, charts, errors, acceptedSection, verify, files];

const CSS = `
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #222; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #555; margin: 2px 0; } .status, .verdict { font-weight: bold; padding: 6px 10px; border-radius: 4px; display: inline-block; }
.ok { background: #e7f4e4; color: #1d5e17; } .differs, .stopped { background: #fdecea; color: #8a1c12; } .dry { background: #eef3fa; color: #1f4b7a; }
nav { margin: 10px 0; } nav a { margin-right: 14px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; } caption { margin-bottom: 4px; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 3px 8px; vertical-align: top; } th { background: #f6f6f6; }
td { max-width: 420px; overflow-wrap: break-word; white-space: normal !important; }
figure.chart { margin: 12px 0 22px; } figure.chart svg { max-width: 100%; height: auto; } figcaption { color: #555; font-size: 13px; max-width: 760px; }
ul.files { columns: 2; } footer { margin-top: 36px; color: #777; font-size: 12px; }
`;

function header(run: RunFolder): string {
  const r = run.report;
  const v = run.verify;
  const kind = [r ? (r.dry_run ? 'Dry run' : 'Load') : null, v ? 'Verify' : null].filter(Boolean).join(' and ') || 'Run';
  const lines = [`<h1>${escapeHtml(kind)} ${escapeHtml(run.runId)}</h1>`];
  if (r) {
    lines.push(
      `<p class="meta">Phases ${escapeHtml(r.phases.join(', '))}; started ${escapeHtml(cellText(r.started_at))}, finished ${escapeHtml(cellText(r.finished_at))}.</p>`,
    );
    const failed = Object.values(r.entities).reduce((a, e) => a + e.failed, 0);
    const state = r.stopped ? 'stopped' : r.dry_run ? 'dry' : failed ? 'differs' : 'ok';
    const text = r.stopped
      ? 'Stopped at the first error: fix it and run the same command again (the ledger resumes).'
      : r.dry_run
        ? 'Dry run: nothing was written to Splynx or the ledger.'
        : failed
          ? `Finished, with ${plural(failed, 'record')} failed.`
          : 'Finished: every selected record loaded.';
    lines.push(`<p class="status ${state}" data-status="${state}">${escapeHtml(text)}</p>`);
  }
  if (v)
    lines.push(
      `<p class="meta">Verified ${escapeHtml(cellText(v.finished_at))} against snapshot ${escapeHtml(v.snapshot_id)}.</p>`,
      `<p class="verdict ${v.reconciled ? 'ok' : 'differs'}" data-verdict="${v.reconciled ? 'reconciled' : 'not-reconciled'}">${escapeHtml(summaryLine(v))}</p>`,
    );
  return lines.join('\n');
}

/** The whole page as one string, scrubbed of `secrets`. */
export function renderReportHtml(ctx: ReportContext, opts: { secrets?: string[]; writtenAt?: Date } = {}): string {
  const parts = SECTIONS.map((s) => ({ s, body: s.render(ctx) })).filter((p): p is { s: ReportSection; body: string } => p.body !== null);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Run ${escapeHtml(ctx.run.runId)} · Sonar → Splynx migration</title>
<style>${CSS}</style>
</head>
<body>
<header>
${header(ctx.run)}
<nav>${parts.map(({ s }) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('')}</nav>
</header>
<main>
${parts.map(({ s, body }) => `<section id="${s.id}">\n<h2>${escapeHtml(s.title)}</h2>\n${body}\n</section>`).join('\n')}
</main>
<footer>Written ${escapeHtml((opts.writtenAt ?? new Date()).toISOString())} from the files of this run folder by lib/report. Credentials are never shown: they are masked as ***.</footer>
</body>
</html>
`;
  return scrubSecrets(html, opts.secrets ?? []);
}
