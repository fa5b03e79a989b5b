/**
 * `cutover`: the downtime window, measured on the product path. A generated ISP is rehearsed once
 * (latency 0, Sonar's limit lifted: its time is not the window), then a share of its accounts
 * change in Sonar as users would change them, then the cutover runs with Splynx at its latency
 * and Sonar at its 400 requests a minute. Each step's wall time is set against its bound: the
 * requests it made, at Sonar's rate and at Splynx's latency over the load's concurrency.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SnapshotManifest } from '../sonar/snapshot.js';
import { acceptErrors, acceptedErrorsFile } from '../load/accepted.js';
import type { RunReport } from '../load/run.js';
import { round } from './measure.js';
import { replayStepSeconds } from './replay-timings.js';
import { LIFTED_SONAR_LIMIT, rehearsalSteps, startProductWorld, type ProcessRss, type ProductWorld, type StepFigures } from './product.js';
import { cutoverChanges, type ChangeCounts } from './sonar-changes.js';

export interface CutoverArgs {
  accounts: number;
  seed: number;
  changeRate: number;
  latencyMs: number;
  concurrency: number;
  sonarPerMinute: number;
  workDir: string;
}

export interface CutoverStep extends StepFigures {
  bound_s: number;
}

/** Inside the cutover's own steps: where its time went, each part with its bound. */
export interface CutoverPart {
  part: 'check' | 'snapshot' | 'id listings' | 'clean' | 'load' | 'verify';
  wall_s: number;
  bound_s: number;
}

export interface CutoverFigures {
  accounts: number;
  changes: ChangeCounts;
  rehearsal: StepFigures[];
  steps: CutoverStep[];
  parts: CutoverPart[];
  wall_s: number;
  bound_s: number;
  /** Wall ÷ bound. */
  ratio: number;
  /** verify's exit code after the cutover: 0 when Splynx reconciles with Sonar. */
  verify_code: number;
  processes: ProcessRss[];
}

/**
 * When the `n`th request to Sonar can go at the earliest, in seconds, under a sliding window of
 * `perMinute` starting empty: the first `perMinute` at once, the next after a minute, and so on.
 */
export function sonarWait(n: number, perMinute: number): number {
  return n <= 0 ? 0 : Math.floor((n - 1) / perMinute) * 60;
}

/** The bound of a step that made its requests after `sonarBefore` others: Sonar's window, then Splynx's latency, `concurrency` at a time. */
export function stepBound(s: StepFigures, a: Pick<CutoverArgs, 'latencyMs' | 'concurrency' | 'sonarPerMinute'>, sonarBefore = 0): number {
  const sonar = sonarWait(sonarBefore + s.sonar_requests, a.sonarPerMinute) - sonarWait(sonarBefore, a.sonarPerMinute);
  return round(sonar + (s.splynx_requests * a.latencyMs) / 1000 / a.concurrency, 2);
}

const withoutLastLine = <T extends { lastLine: string }>({ lastLine: _l, ...f }: T) => f;

/** The newest complete snapshot in the world's data folder: the one the cutover starts from. */
function newestSnapshot(world: ProductWorld): string {
  const root = path.join(world.dataDir, 'snapshots');
  const complete = fs
    .readdirSync(root)
    .filter((id) => JSON.parse(fs.readFileSync(path.join(root, id, 'manifest.json'), 'utf8')).status === 'complete')
    .sort();
  if (!complete.length) throw new Error(`no complete snapshot in ${root}`);
  return complete[complete.length - 1];
}

/**
 * The cutover's time by part, from its run folders' replay logs and the incremental snapshot's
 * manifest (the id listings that find deletions). Sonar's requests are the snapshot's and the id
 * listings'; Splynx's are the load's, less what the check and verify made.
 */
function cutoverParts(world: ProductWorld, steps: Array<CutoverStep & { lastLine: string }>, a: CutoverArgs): CutoverPart[] {
  const seconds: Record<string, number> = {};
  for (const s of steps) for (const [k, v] of Object.entries(replayStepSeconds(s.lastLine))) seconds[k] = round((seconds[k] ?? 0) + v, 2);
  const snapshot = JSON.parse(
    fs.readFileSync(path.join(world.dataDir, 'snapshots', newestSnapshot(world), 'manifest.json'), 'utf8'),
  ) as SnapshotManifest;
  const checked: { ms: number; pages: number; requests?: number } = snapshot.deletion_check ?? { ms: 0, pages: 0 };
  // Several pages to a request since batched listings; a snapshot from before counted one a request.
  const listing = { ms: checked.ms, requests: checked.requests ?? checked.pages };
  // verify's own requests are its bound, when it ran as a step of its own.
  const verify = steps.find((s) => s.step === 'verify');
  const others = steps.filter((s) => s !== verify);
  const sonar = others.reduce((t, s) => t + s.sonar_requests, 0);
  const splynx = others.reduce((t, s) => t + s.splynx_requests, 0);
  const sonarS = (n: number, before = 0) => sonarWait(before + n, a.sonarPerMinute) - sonarWait(before, a.sonarPerMinute);
  const splynxS = (n: number) => round((n * a.latencyMs) / 1000 / a.concurrency, 2);
  const part = (p: CutoverPart['part'], wall: number | undefined, bound: number): CutoverPart[] =>
    wall === undefined ? [] : [{ part: p, wall_s: wall, bound_s: bound }];
  return [
    ...part('check', seconds.check, 0),
    ...part(
      'snapshot',
      seconds.snapshot === undefined ? undefined : round(seconds.snapshot - listing.ms / 1000, 2),
      sonarS(sonar - listing.requests),
    ),
    ...part(
      'id listings',
      snapshot.deletion_check ? round(listing.ms / 1000, 2) : undefined,
      sonarS(listing.requests, sonar - listing.requests),
    ),
    ...part('clean', seconds.clean, 0),
    ...part('load', seconds.load, splynxS(splynx)),
    ...part('verify', seconds.verify, verify ? verify.bound_s : 0),
  ];
}

/** The workbook's own cutover command when this checkout has it, else the delta, then verify. */
function cutoverSteps(since: string): Array<{ name: string; script: string; args: string[] }> {
  const usage = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'cli', 'usage.ts'), 'utf8');
  if (/^ {2}cutover\b/m.test(usage)) return [{ name: 'cutover', script: 'migrate.ts', args: ['cutover', '--since', since] }];
  return [
    { name: 'delta', script: 'migrate.ts', args: ['delta', '--since', since, '--log-level', 'warn'] },
    { name: 'verify', script: 'migrate.ts', args: ['verify'] },
  ];
}

/**
 * The review loop's last step before cutover: the rehearsal's error rows (a clean ISP still has some
 * by design, such as gear Sonar lists as lost) accepted with a reason, so that the cutover, under
 * --stop-on-error, stops only on a new error, as a team's would.
 */
function acceptRehearsalErrors(world: ProductWorld): number {
  const runs = path.join(world.dataDir, 'runs');
  const errors = fs
    .readdirSync(runs)
    .map((d) => path.join(runs, d, 'report.json'))
    .filter((f) => fs.existsSync(f))
    .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as RunReport)
    .filter((r) => !r.dry_run)
    .flatMap((r) => r.errors);
  if (!errors.length) return 0;
  return acceptErrors(errors, 'bench: reviewed in the rehearsal, may stay', { file: acceptedErrorsFile(world.dataDir) }).added;
}

export async function measureCutover(a: CutoverArgs, log: (line: string) => void = (l) => console.error(l)): Promise<CutoverFigures> {
  const world = await startProductWorld(
    { accounts: a.accounts, seed: a.seed, dirtyRate: 0, sonarRateLimitPerMinute: 1_000_000, latencyMs: 0 },
    a.workDir,
    log,
  );
  try {
    const rehearsal: Array<StepFigures & { lastLine: string }> = [];
    for (const s of rehearsalSteps()) {
      const f = await world.step(`rehearsal ${s.name}`, s.script, s.args, LIFTED_SONAR_LIMIT);
      rehearsal.push(f);
      // verify may find differences; anything else failing leaves nothing to cut over.
      if (f.code !== 0 && s.name !== 'verify' && !(s.name === 'rehearse' && f.code === 1)) throw new Error(`rehearsal ${s.name} failed`);
    }
    const accepted = acceptRehearsalErrors(world);
    if (accepted) log(`bench: cutover: the rehearsal's ${accepted} error rows accepted, as the review loop does before cutover`);
    const since = newestSnapshot(world);
    const changes = await cutoverChanges(world, path.join(world.dataDir, 'snapshots', since), a.changeRate, a.seed);
    log(`bench: cutover: changed in Sonar since ${since}: ${JSON.stringify(changes)}`);

    await world.control('splynx', 'PUT', 'faults', { latencyMs: a.latencyMs });
    await world.control('sonar', 'PUT', 'rate-limit', { per_minute: a.sonarPerMinute });
    const steps: Array<CutoverStep & { lastLine: string }> = [];
    let sonarSoFar = 0;
    for (const s of cutoverSteps(since)) {
      const f = await world.step(s.name, s.script, s.args);
      steps.push({ ...f, bound_s: stepBound(f, a, sonarSoFar) });
      sonarSoFar += f.sonar_requests;
    }
    const wall_s = round(
      steps.reduce((t, s) => t + s.wall_s, 0),
      2,
    );
    const bound_s = round(
      steps.reduce((t, s) => t + s.bound_s, 0),
      2,
    );
    const parts = cutoverParts(world, steps, a);
    const verify = steps.find((s) => s.step === 'verify' || s.step === 'cutover');
    return {
      accounts: a.accounts,
      changes,
      rehearsal: rehearsal.map(withoutLastLine),
      steps: steps.map(withoutLastLine),
      parts,
      wall_s,
      bound_s,
      ratio: bound_s > 0 ? round(wall_s / bound_s, 2) : 0,
      verify_code: verify?.code ?? 1,
      processes: world.processes(),
    };
  } finally {
    await world.stop();
  }
}
