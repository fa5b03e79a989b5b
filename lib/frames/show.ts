/**
 * `show()` a table and `progress()` a long step: an HTML table (and a progress bar updated in
 * place) in the notebook, a plain aligned text table (and throttled progress lines) anywhere else.
 * danfojs' own `print()` is an ASCII table cut at 10 rows; this is what the notebooks use instead.
 *
 * Cells are dirty data: every one is HTML-escaped, control characters are made visible, and
 * columns that hold credentials (a RADIUS `password`, say) are shown as `***`.
 */
import { format } from 'date-fns';
import type { Row } from '../clean/snapshot.js';
import { frameColumns, frameLength, frameRows, isFrame, type DataFrame } from './danfo.js';
import { displayBundle, inKernel, newDisplayId } from './kernel.js';

/**
 * A progress display's numbers (label, done, total, message, finished), sent beside its text and
 * HTML: a replay in a terminal draws them as a live bar (lib/replay/live-bar.ts) and keeps them out
 * of the executed notebook.
 */
export const PROGRESS_MIME = 'application/vnd.workbook.progress+json';

export interface ShowOptions {
  title?: string;
  /** Rows shown before "… N more rows" (default 20; 0 or Infinity shows all). */
  maxRows?: number;
  /** Which columns, in this order (default: all, in first-seen order). */
  columns?: string[];
  /** Longest cell in the text table, in terminal columns (default 40); longer ones end in "…". */
  maxCellWidth?: number;
}

/** A frame, an array of records (any interface: `Issue[]`, profile rows), or one object. */
export type Showable = DataFrame | readonly object[] | object;

/** Names of columns (or settings) whose values are credentials. */
export const SECRET_NAME = /(^|_)(password|passwd|pass|secret|token|api_?key|private_?key)($|_)/i;

interface Table {
  columns: string[];
  rows: (readonly unknown[])[];
  total: number;
}

/** The rows to show, as arrays in `columns` order, from a frame, records, or one object (shown as setting/value pairs). */
function tableOf(data: Showable, opts: ShowOptions): Table {
  const limit = opts.maxRows === undefined ? 20 : opts.maxRows <= 0 ? Infinity : opts.maxRows;
  if (isFrame(data)) {
    const all = frameColumns(data);
    const columns = opts.columns ?? all;
    const idx = columns.map((c) => all.indexOf(c));
    const rows = frameRows(data);
    return { columns, rows: rows.slice(0, limit).map((r) => idx.map((i) => (i < 0 ? undefined : r[i]))), total: frameLength(data) };
  }
  const records: readonly Row[] = Array.isArray(data)
    ? (data as readonly Row[])
    : Object.entries(data as Row).map(([key, value]) => ({
        key,
        value: SECRET_NAME.test(key) && value !== null && value !== undefined ? '***' : value,
      }));
  let columns = opts.columns;
  if (!columns) {
    const seen = new Set<string>();
    for (const r of records) for (const k of Object.keys(r ?? {})) seen.add(k);
    columns = [...seen];
  }
  const cols = columns;
  return { columns: cols, rows: records.slice(0, limit).map((r) => cols.map((c) => r?.[c])), total: records.length };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A cell as text: null as "null", dates as dates, control characters escaped so a row stays one line. */
export function cellText(v: unknown, column = ''): string {
  if (v === null || v === undefined) return v === null ? 'null' : '';
  if (SECRET_NAME.test(column)) return '***';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return 'Invalid Date';
    const local = v.getHours() === 0 && v.getMinutes() === 0 && v.getSeconds() === 0 && v.getMilliseconds() === 0;
    return local ? format(v, 'yyyy-MM-dd') : v.toISOString().replace('.000Z', 'Z');
  }
  if (Array.isArray(v)) return v.map((x) => cellText(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const isNumeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE =
  /^[\p{Extended_Pictographic}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]$/u;

/** How many terminal columns a string takes: CJK and emoji take two, combining marks none. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ZERO_WIDTH.test(ch) ? 0 : WIDE.test(ch) && ch.codePointAt(0)! > 0xff ? 2 : 1;
  return w;
}

function fitWidth(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

const pad = (s: string, width: number, right: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
};

const moreLine = (t: Table) =>
  t.total > t.rows.length ? `… ${t.total - t.rows.length} more row${t.total - t.rows.length === 1 ? '' : 's'} (${t.total} in all)` : '';

/** The table as aligned plain text, numbers right-aligned. */
export function renderText(data: Showable, opts: ShowOptions = {}): string {
  const t = tableOf(data, opts);
  const max = opts.maxCellWidth ?? 40;
  const lines: string[] = [];
  if (opts.title) lines.push(opts.title);
  if (!t.columns.length) return [...lines, t.total ? `(${t.total} rows, no columns)` : '(no rows)'].join('\n');
  const cells = t.rows.map((r) => r.map((v, i) => fitWidth(cellText(v, t.columns[i]), max)));
  const header = t.columns.map((c) => fitWidth(c, max));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i]))));
  const right = t.columns.map(
    (_, i) =>
      t.rows.length > 0 &&
      t.rows.every((r) => r[i] === null || r[i] === undefined || isNumeric(r[i])) &&
      t.rows.some((r) => isNumeric(r[i])),
  );
  const line = (row: string[]) =>
    row
      .map((s, i) => pad(s, widths[i], right[i]))
      .join('  ')
      .trimEnd();
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) lines.push(line(r));
  if (!t.rows.length) lines.push('(no rows)');
  const more = moreLine(t);
  if (more) lines.push(more);
  return lines.join('\n');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The table as HTML: every header and cell escaped, nulls greyed, whitespace kept visible. */
export function renderHtml(data: Showable, opts: ShowOptions = {}): string {
  const t = tableOf(data, opts);
  const td = (v: unknown, column: string) => {
    const text = escapeHtml(cellText(v, column));
    if (v === null || v === undefined) return `<td style="color:#999;font-style:italic">${text}</td>`;
    return isNumeric(v) ? `<td style="text-align:right">${text}</td>` : `<td style="text-align:left;white-space:pre">${text}</td>`;
  };
  const out = ['<table class="frames-show">'];
  if (opts.title) out.push(`<caption style="text-align:left;font-weight:bold">${escapeHtml(opts.title)}</caption>`);
  out.push(`<thead><tr>${t.columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join('')}</tr></thead>`);
  out.push('<tbody>');
  for (const r of t.rows) out.push(`<tr>${r.map((v, i) => td(v, t.columns[i])).join('')}</tr>`);
  if (!t.rows.length) out.push(`<tr><td colspan="${Math.max(1, t.columns.length)}" style="color:#999">(no rows)</td></tr>`);
  out.push('</tbody></table>');
  const more = moreLine(t);
  if (more) out.push(`<p style="color:#666">${escapeHtml(more)}</p>`);
  return out.join('\n');
}

/**
 * Shows a frame, an array of records, or one object: an HTML table in the notebook, a text
 * table on stdout anywhere else.
 */
export function show(data: Showable, opts: ShowOptions = {}): void {
  if (inKernel()) displayBundle({ 'text/html': renderHtml(data, opts), 'text/plain': renderText(data, opts) });
  else process.stdout.write(`${renderText(data, opts)}\n\n`);
}

export interface Progress {
  /** `done` of `total` units (total unknown: leave it out), with an optional note such as the current table. */
  update(done: number, total?: number, message?: string): void;
  /** The final line, always shown. */
  done(message?: string): void;
}

export interface ProgressOptions {
  /** Least time between two headless lines (default 2000 ms) or two notebook updates (default 200 ms). */
  intervalMs?: number;
  /** Where headless lines go (default stdout). */
  write?: (line: string) => void;
  /** Force headless behaviour even in a kernel. */
  headless?: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A progress display. In the notebook, one bar updated in place; headless, a line at most every
 * `intervalMs` (and one when done), so a long run leaves a readable log rather than thousands of lines.
 */
export function progress(label: string, opts: ProgressOptions = {}): Progress {
  const kernel = !opts.headless && inKernel();
  const interval = opts.intervalMs ?? (kernel ? 200 : 2000);
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const id = newDisplayId();
  const started = Date.now();
  let last = -Infinity;
  let shown = false;
  let finished = false;

  const text = (done: number, total: number | undefined, message: string | undefined) => {
    const pct = total ? ` (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
    return `${label}: ${done}${total !== undefined ? `/${total}` : ''}${pct}${message ? ` · ${message}` : ''} · ${seconds(Date.now() - started)}`;
  };
  let lastState: { done: number; total?: number; message?: string } = { done: 0 };
  const emit = (line: string, bar: { done: number; total?: number; message?: string } | null) => {
    if (bar) lastState = bar;
    if (kernel) {
      const meter = bar
        ? bar.total
          ? `<progress value="${bar.done}" max="${bar.total}" style="width:20em"></progress> `
          : '<progress style="width:20em"></progress> '
        : '';
      // The numbers as well, for a replay in a terminal to draw a live bar (lib/replay/live-bar.ts).
      const numbers = { label, ...lastState, ...(bar ? {} : { finished: true }) };
      const ok = displayBundle(
        { 'text/html': `<div>${meter}${escapeHtml(line)}</div>`, 'text/plain': line, [PROGRESS_MIME]: numbers },
        { displayId: id, update: shown },
      );
      if (ok) {
        shown = true;
        return;
      }
    }
    write(line);
  };
  return {
    update(done, total, message) {
      if (finished) return;
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      emit(text(done, total, message), { done, total, message });
    },
    done(message) {
      if (finished) return;
      finished = true;
      emit(`${label}: done in ${seconds(Date.now() - started)}${message ? ` · ${message}` : ''}`, null);
    },
  };
}
