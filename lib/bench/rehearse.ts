/**
 * The product path at scale: one rehearsal of a generated ISP (latency 0, Sonar's limit lifted)
 * through the real notebooks and replay, as a user runs it, with its wall time and the peak RSS
 * of every process in the tree, the sandboxes' included, and how fast it wrote to Splynx: the
 * records/s of the first and the last tenth of its writes (write-rates.ts), to see whether the
 * load stays flat as Splynx fills. The one way the bench runs the real notebooks at scale
 * (`--rehearse-100k`, `--rehearsal-20k`, `--rehearse-accounts N`).
 */
import os from 'node:os';
import { round } from './measure.js';
import { LIFTED_SONAR_LIMIT, rehearsalSteps, startProductWorld, type ProcessRss, type StepFigures } from './product.js';
import { replayStepSeconds } from './replay-timings.js';
import { writeRates, type WriteRates } from './write-rates.js';

export interface RehearseArgs {
  accounts: number;
  seed: number;
  workDir: string;
}

export interface RehearseFigures {
  accounts: number;
  steps: StepFigures[];
  wall_s: number;
  /** The highest peak RSS of any process, and each process's own. */
  peak_rss_mb: number;
  processes: ProcessRss[];
  ok: boolean;
  /** How fast the load wrote to Splynx, its error rows included. */
  rates: WriteRates;
  /** The machine's load average (1 minute) before and after: other work on it slows the figures. */
  loadavg: [number, number];
}

/** A step ran to its end: the load exits 1 when records went to the error table, and the rehearsal goes on to verify. */
const finished = (step: string, code: number) => code === 0 || ((step === 'load' || step === 'rehearse') && code === 1);

export async function measureRehearse(a: RehearseArgs, log: (line: string) => void = (l) => console.error(l)): Promise<RehearseFigures> {
  const world = await startProductWorld(
    { accounts: a.accounts, seed: a.seed, dirtyRate: 0, sonarRateLimitPerMinute: 1_000_000, latencyMs: 0 },
    a.workDir,
    log,
  );
  const loadavgStart = round(os.loadavg()[0], 2);
  const steps: StepFigures[] = [];
  // The load's step: `load`, or the one-command rehearsal when this checkout has it.
  let load: { wall_s: number; runDir: string } | null = null;
  try {
    for (const s of rehearsalSteps()) {
      const { lastLine, ...f } = await world.step(`rehearse ${s.name}`, s.script, s.args, LIFTED_SONAR_LIMIT);
      steps.push(f);
      if (s.name === 'load') load = { wall_s: f.wall_s, runDir: lastLine };
      // One command for the whole rehearsal: the load's share is read from its run folder's replay log.
      if (s.name === 'rehearse') load = { wall_s: replayStepSeconds(lastLine).load ?? f.wall_s, runDir: lastLine };
      if (!finished(s.name, f.code)) break;
    }
  } finally {
    await world.stop();
  }
  const processes = world.processes();
  return {
    accounts: a.accounts,
    steps,
    wall_s: round(
      steps.reduce((t, s) => t + s.wall_s, 0),
      2,
    ),
    peak_rss_mb: Math.max(0, ...processes.map((p) => p.peak_rss_mb)),
    processes,
    ok: steps.length === rehearsalSteps().length && steps.every((s) => finished(s.step.replace(/^rehearse /, ''), s.code)),
    rates: writeRates(world.dataDir, load?.wall_s ?? 0, load?.runDir),
    loadavg: [loadavgStart, round(os.loadavg()[0], 2)],
  };
}
