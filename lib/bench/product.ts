/**
 * The product path, measured: the commands a user runs (`scripts/migrate.ts`, `scripts/replay.ts`,
 * which replay the real notebooks), each in a process of its own, against both sandboxes in a
 * process of their own. Every Node process in the tree reports its own peak RSS (rss-probe.mjs),
 * and each step counts the requests it made of each sandbox, for the step's bound.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../paths.js';
import { startTaskServer } from './child.js';
import { round } from './measure.js';
import type { SandboxesArgs, SandboxesInfo } from './sandboxes-server.js';

const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

export interface ProcessRss {
  pid: number;
  argv: string;
  peak_rss_mb: number;
}

export interface StepFigures {
  step: string;
  wall_s: number;
  code: number;
  /** Requests each sandbox answered during the step. */
  sonar_requests: number;
  splynx_requests: number;
  /** The highest peak RSS among the step's processes. */
  peak_rss_mb: number | null;
}

export interface ProductWorld {
  info: SandboxesInfo;
  dataDir: string;
  /** Runs `scripts/<script>` with `args`; answers its figures and its stdout's last line (a run folder). */
  step(name: string, script: string, args: string[]): Promise<StepFigures & { lastLine: string }>;
  /** A control route of one sandbox, e.g. `('sonar', 'PUT', 'rate-limit', {per_minute: 400})`. */
  control(which: 'sonar' | 'splynx', method: string, route: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Every process's peak RSS so far (the sandboxes' once stopped). */
  processes(): ProcessRss[];
  stop(): Promise<void>;
}

const readRss = (file: string): ProcessRss[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ProcessRss)
    : [];

export async function startProductWorld(args: SandboxesArgs, workDir: string, log: (line: string) => void): Promise<ProductWorld> {
  fs.mkdirSync(workDir, { recursive: true });
  const rssFile = path.join(workDir, 'rss.jsonl');
  const env = {
    ...process.env,
    BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${PROBE}`].filter(Boolean).join(' '),
  };
  const server = await startTaskServer<SandboxesInfo>('sandboxes', args, env);
  const info = server.info;
  const dataDir = path.join(workDir, 'data');

  const control: ProductWorld['control'] = async (which, method, route, body) => {
    const base = which === 'sonar' ? info.sonar : info.splynx;
    const res = await fetch(`${base}/__sandbox/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${which} ${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const requests = async () => ({
    sonar: Number((await control('sonar', 'GET', 'stats')).requests),
    splynx: Number((await control('splynx', 'GET', 'stats')).requests),
  });

  const step: ProductWorld['step'] = async (name, script, scriptArgs) => {
    const before = await requests();
    const known = new Set(readRss(rssFile).map((p) => p.pid));
    const started = performance.now();
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', script), ...scriptArgs], {
        cwd: PROJECT_ROOT,
        env: { ...env, ...info.settings, DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      // Only the tail of stderr is kept, for the message of a failed step.
      child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
      child.on('close', (c) => {
        if (c !== 0) log(`bench: ${name} exited ${c}:\n${err}`);
        resolve({ code: c ?? 1, stdout: out });
      });
    });
    const wall_s = round((performance.now() - started) / 1000, 2);
    const after = await requests();
    const mine = readRss(rssFile).filter((p) => !known.has(p.pid));
    const figures = {
      step: name,
      wall_s,
      code,
      sonar_requests: after.sonar - before.sonar,
      splynx_requests: after.splynx - before.splynx,
      peak_rss_mb: mine.length ? Math.max(...mine.map((p) => p.peak_rss_mb)) : null,
      lastLine: stdout.trim().split('\n').pop() ?? '',
    };
    log(
      `bench: ${name}: ${wall_s} s, exit ${code}, ${figures.sonar_requests} Sonar and ${figures.splynx_requests} Splynx requests, peak RSS ${figures.peak_rss_mb} MB`,
    );
    return figures;
  };

  return {
    info,
    dataDir,
    step,
    control,
    processes: () => readRss(rssFile),
    stop: () => server.stop(),
  };
}

/** The workbook's own one-command rehearsal when this checkout has it, else its steps one by one. */
export function rehearsalSteps(): Array<{ name: string; script: string; args: string[] }> {
  const usage = fs.readFileSync(path.join(PROJECT_ROOT, 'lib', 'cli', 'usage.ts'), 'utf8');
  if (/^ {2}rehearse\b/m.test(usage)) return [{ name: 'rehearse', script: 'migrate.ts', args: ['rehearse', '--no-stop-on-error'] }];
  return [
    { name: 'snapshot', script: 'migrate.ts', args: ['snapshot'] },
    { name: 'clean', script: 'replay.ts', args: ['notebooks/02-explore-clean.ipynb'] },
    { name: 'map', script: 'replay.ts', args: ['notebooks/03-map.ipynb'] },
    { name: 'load', script: 'migrate.ts', args: ['all', '--no-stop-on-error', '--log-level', 'warn'] },
    { name: 'verify', script: 'migrate.ts', args: ['verify'] },
  ];
}
