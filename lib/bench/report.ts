/**
 * The benchmark's figures: one JSON document (data/bench/<timestamp>.json) and the same figures as
 * text tables, with each target of issue 6 marked met or not.
 */
import os from 'node:os';
import { renderText } from '../frames/show.js';
import type { CpuFigures } from './cpu.js';
import type { CutoverFigures } from './cutover.js';
import type { RehearseFigures } from './rehearse.js';
import type { ExtractFigures } from './extract.js';
import type { LoadFigures } from './load.js';
import type { BenchOptions } from './options.js';

export interface BenchResult {
  timestamp: string;
  machine: { cpus: number; node: string; platform: string; loadavg_at_start: number[] };
  options: BenchOptions;
  /** Ours (the configured concurrency): ideal ÷ wall. */
  efficiency: number | null;
  /** Baseline wall ÷ ours wall, same data, each against a fresh Splynx. */
  speedup: number | null;
  requests: number | null;
  wall_s: number | null;
  ideal_s: number | null;
  records_per_s: number | null;
  /** Peak RSS of the process that ran our load. */
  peak_rss_mb: number | null;
  extract_budget_used: number | null;
  extract_429s: number | null;
  /** Accounts per second of the CPU-only path at the largest size measured (see `cpu` for each). */
  cpu_accounts_per_s: number | null;
  /** Peak RSS of the CPU-only path at the largest size measured. */
  cpu_peak_rss_mb: number | null;
  /** The cutover's wall time and its bound, in seconds (cutover.ts). */
  cutover_wall_s: number | null;
  cutover_bound_s: number | null;
  /** The product-path rehearsal (named for its usual size; `rehearse.accounts` says which). */
  rehearse_100k_wall_s: number | null;
  rehearse_100k_peak_rss_mb: number | null;
  load: { baseline: LoadFigures | null; ours: LoadFigures | null };
  extract: ExtractFigures | null;
  /** By account count. */
  cpu: Record<string, CpuFigures>;
  cutover: CutoverFigures | null;
  rehearse: RehearseFigures | null;
  targets: Target[];
}

export interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

export function machine(): BenchResult['machine'] {
  return {
    cpus: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadavg_at_start: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
}

const CPU_TARGET_ACCOUNTS = 100_000;

export function targets(r: Omit<BenchResult, 'targets'>): Target[] {
  const ours = r.load.ours;
  const big = r.cpu[String(CPU_TARGET_ACCOUNTS)];
  const check = (target: string, value: number | null | undefined, ok: (v: number) => boolean, show: (v: number) => string): Target =>
    value === null || value === undefined ? { target, value: 'not measured', met: null } : { target, value: show(value), met: ok(value) };
  const at8 =
    !ours || (ours.concurrency === 8 && r.options.latencyMs === 50)
      ? ''
      : ` (measured at concurrency ${ours.concurrency}, ${r.options.latencyMs} ms)`;
  return [
    check(
      `load efficiency ≥ 0.85 at concurrency 8, 50 ms${at8}`,
      r.efficiency,
      (v) => v >= 0.85,
      (v) => v.toFixed(3),
    ),
    check(
      `speed-up ≥ 6.5× over the sequential baseline${at8}`,
      r.speedup,
      (v) => v >= 6.5,
      (v) => `${v.toFixed(2)}×`,
    ),
    check(
      'extraction uses ≥ 90% of the 400/min budget',
      r.extract_budget_used,
      (v) => v >= 0.9,
      (v) => `${(v * 100).toFixed(1)}%`,
    ),
    check('extraction gets zero 429s', r.extract_429s, (v) => v === 0, String),
    check(
      'CPU-only path ≥ 5,000 accounts/s at 100,000 accounts',
      big?.accounts_per_s,
      (v) => v >= 5000,
      (v) => `${v}/s`,
    ),
    check(
      'peak RSS ≤ 1.5 GB at 100,000 accounts',
      big?.peak_rss_mb,
      (v) => v <= 1536,
      (v) => `${v} MB`,
    ),
    ...cutoverTargets(r.cutover),
    ...rehearseTargets(r.rehearse),
    // The generated ISP has a few records Splynx cannot take (a static IP on an account with no
    // internet service): both runs must end the same, record for record.
    sameOutcome(r.load.baseline, ours),
  ];
}

const CUTOVER_TARGET_ACCOUNTS = 10_000;
const REHEARSE_TARGET_ACCOUNTS = 100_000;

function cutoverTargets(c: CutoverFigures | null): Target[] {
  const at = c && c.accounts !== CUTOVER_TARGET_ACCOUNTS ? ` (measured at ${c.accounts} accounts)` : '';
  if (!c) return [{ target: 'cutover of 10,000 accounts, 1% changed, ≤ 2 minutes', value: 'not measured', met: null }];
  return [
    { target: `cutover of 10,000 accounts, 1% changed, ≤ 2 minutes${at}`, value: `${c.wall_s} s`, met: c.wall_s <= 120 },
    { target: `cutover ≤ 1.5× its bound${at}`, value: `${c.ratio}× (bound ${c.bound_s} s)`, met: c.ratio <= 1.5 },
  ];
}

function rehearseTargets(h: RehearseFigures | null): Target[] {
  if (!h) return [];
  const at = h.accounts !== REHEARSE_TARGET_ACCOUNTS ? ` (measured at ${h.accounts} accounts)` : '';
  return [
    { target: `rehearsal of 100,000 accounts ≤ 30 minutes${at}`, value: `${h.wall_s} s`, met: h.ok && h.wall_s <= 1800 },
    { target: `every process's peak RSS ≤ 2 GB in that rehearsal${at}`, value: `${h.peak_rss_mb} MB`, met: h.peak_rss_mb <= 2048 },
  ];
}

function sameOutcome(baseline: LoadFigures | null, ours: LoadFigures | null): Target {
  const target = 'ours loads the same records as the baseline (records, error rows)';
  if (!baseline || !ours) return { target, value: 'not measured', met: null };
  return {
    target,
    value: `${ours.records}/${baseline.records} records, ${ours.errors}/${baseline.errors} error rows`,
    met: ours.records === baseline.records && ours.errors === baseline.errors,
  };
}

export function renderReport(r: BenchResult): string {
  const out: string[] = [];
  const loads = [r.load.baseline, r.load.ours].filter((x): x is LoadFigures => !!x);
  if (loads.length) {
    out.push(
      renderText(
        loads.map((l) => ({
          run: l.label,
          concurrency: l.concurrency,
          requests: l.requests,
          wall_s: l.wall_s,
          ideal_s: l.ideal_s,
          efficiency: l.efficiency,
          'records/s': l.records_per_s,
          records: l.records,
          errors: l.errors,
          retries: l.retries,
          '429s': l.http_429,
          peak_rss_mb: l.peak_rss_mb,
        })),
        {
          title: `Load: ${r.options.accounts} accounts, ${r.options.latencyMs} ms a request${r.speedup !== null ? `, speed-up ${r.speedup.toFixed(2)}×` : ''}`,
          maxRows: 0,
        },
      ),
    );
  }
  if (r.extract) {
    const e = r.extract;
    out.push(
      renderText(
        [
          {
            accounts: e.accounts,
            records: e.records,
            requests: e.requests,
            wall_s: e.wall_s,
            minutes_measured: e.minutes_measured,
            budget_used: e.budget_used === null ? 'n/a' : `${(e.budget_used * 100).toFixed(1)}%`,
            '429s': e.http_429,
            retries: e.retries,
          },
        ],
        {
          title: 'Extraction under 400 requests/min',
          maxRows: 0,
        },
      ),
    );
  }
  const cpu = Object.values(r.cpu);
  if (cpu.length) {
    out.push(
      renderText(
        cpu.map((c) => ({
          accounts: c.accounts,
          snapshot_records: c.snapshot_records,
          loaded_records: c.loaded_records,
          read_s: c.seconds.read,
          clean_s: c.seconds.clean,
          load_s: c.seconds.load,
          total_s: c.seconds.total,
          'accounts/s': c.accounts_per_s,
          'records/s': c.records_per_s,
          peak_rss_mb: c.peak_rss_mb,
        })),
        { title: 'CPU-only path (snapshot → records → clean → transform → validate → ledger, no network)', maxRows: 0 },
      ),
    );
  }
  if (r.cutover) {
    const c = r.cutover;
    out.push(
      renderText(
        c.parts.map((p) => ({ part: p.part, wall_s: p.wall_s, bound_s: p.bound_s })),
        {
          title: `Cutover: ${c.accounts} accounts, changed in Sonar ${Object.entries(c.changes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}; ${c.wall_s} s in all, bound ${c.bound_s} s (${c.ratio}×), verify exit ${c.verify_code}`,
          maxRows: 0,
        },
      ),
    );
  }
  if (r.rehearse) {
    const h = r.rehearse;
    out.push(
      renderText(
        [
          ...h.steps.map((s) => ({ step: s.step, wall_s: s.wall_s, exit: s.code, peak_rss_mb: s.peak_rss_mb ?? '-' })),
          ...h.processes.map((p) => ({ step: `process: ${p.argv}`, wall_s: '', exit: '', peak_rss_mb: p.peak_rss_mb })),
        ],
        { title: `Product-path rehearsal: ${h.accounts} accounts, ${h.wall_s} s`, maxRows: 0, maxCellWidth: 80 },
      ),
    );
  }
  out.push(
    renderText(
      r.targets.map((t) => ({ target: t.target, value: t.value, met: t.met === null ? '-' : t.met ? 'yes' : 'NO' })),
      { title: 'Targets', maxRows: 0, maxCellWidth: 80 },
    ),
  );
  return out.join('\n\n');
}
