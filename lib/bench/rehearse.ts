/**
 * The product path at scale: one rehearsal of a generated ISP (latency 0, Sonar's limit lifted)
 * through the real notebooks and replay, as a user runs it, with its wall time and the peak RSS
 * of every process in the tree, the sandboxes' included.
 */
import { round } from './measure.js';
import { rehearsalSteps, startProductWorld, type ProcessRss, type StepFigures } from './product.js';

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
}

export async function measureRehearse(a: RehearseArgs, log: (line: string) => void = (l) => console.error(l)): Promise<RehearseFigures> {
  const world = await startProductWorld(
    { accounts: a.accounts, seed: a.seed, dirtyRate: 0, sonarRateLimitPerMinute: 1_000_000, latencyMs: 0 },
    a.workDir,
    log,
  );
  const steps: StepFigures[] = [];
  try {
    for (const s of rehearsalSteps()) {
      const { lastLine: _l, ...f } = await world.step(`rehearse ${s.name}`, s.script, s.args);
      steps.push(f);
      if (f.code !== 0) break;
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
    ok: steps.length === rehearsalSteps().length && steps.every((s) => s.code === 0),
  };
}
