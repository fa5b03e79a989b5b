/**
 * Extraction under Sonar's budget: a whole snapshot of a generated Sonar that allows 400 requests
 * a minute per token (over a sliding window, answering 429 past it), through the real client and
 * snapshot code, with the client's own rate limiter at its default.
 *
 * Budget used is measured over whole minutes from the first request: the requests sent in the
 * first k full minutes of the run ÷ (400 × k). A run shorter than a minute has no whole minute and
 * cannot say whether the budget binds, which is why the extraction's snapshot is bigger than the
 * load's: 3,000 accounts make about 600 requests, a minute and a half's worth, so the first
 * minute is measured with work still queued behind it (about 75 s in all, at 400/min).
 */
import { startSandboxes } from '../sandbox/index.js';
import { SonarClient } from '../sonar/client.js';
import { takeSnapshot } from '../sonar/snapshot.js';
import { round } from './measure.js';

export const SONAR_BUDGET_PER_MINUTE = 400;
const MINUTE_MS = 60_000;

export interface ExtractArgs {
  accounts: number;
  seed: number;
  latencyMs: number;
  workDir: string;
}

export interface ExtractFigures {
  accounts: number;
  records: number;
  requests: number;
  wall_s: number;
  /** Whole minutes the budget was measured over (0: the run was shorter than a minute). */
  minutes_measured: number;
  /** Requests in those minutes ÷ what the budget allowed in them; null when none was measured. */
  budget_used: number | null;
  /** 429 answers the server sent (zero in a clean run). */
  http_429: number;
  retries: number;
}

/** Share of the budget used in the whole minutes since the first request. */
export function budgetUsed(sentAt: number[], perMinute = SONAR_BUDGET_PER_MINUTE): { minutes: number; used: number | null } {
  if (!sentAt.length) return { minutes: 0, used: null };
  const first = Math.min(...sentAt);
  const minutes = Math.floor((Math.max(...sentAt) - first) / MINUTE_MS);
  if (minutes < 1) return { minutes: 0, used: null };
  const inWindow = sentAt.filter((t) => t < first + minutes * MINUTE_MS).length;
  return { minutes, used: inWindow / (perMinute * minutes) };
}

export async function measureExtract(a: ExtractArgs): Promise<ExtractFigures> {
  const sandboxes = await startSandboxes({
    accounts: a.accounts,
    seed: a.seed,
    latencyMs: a.latencyMs,
    sonarRateLimitPerMinute: SONAR_BUDGET_PER_MINUTE,
  });
  try {
    const sentAt: number[] = [];
    const client = new SonarClient({
      url: sandboxes.settings.SONAR_URL,
      token: sandboxes.settings.SONAR_API_KEY,
      ratePerMinute: SONAR_BUDGET_PER_MINUTE,
      onRequest: () => sentAt.push(performance.now()),
    });
    const started = performance.now();
    const manifest = await takeSnapshot({ client, sonarUrl: sandboxes.settings.SONAR_URL, root: a.workDir, id: 'bench' });
    const wall = (performance.now() - started) / 1000;
    const stats = sandboxes.sonar.stats();
    const budget = budgetUsed(sentAt);
    return {
      accounts: a.accounts,
      records: Object.values(manifest.tables).reduce((n, t) => n + t.count, 0),
      requests: stats.requests,
      wall_s: round(wall, 1),
      minutes_measured: budget.minutes,
      budget_used: budget.used === null ? null : round(budget.used, 3),
      http_429: stats.byStatus['429'] ?? 0,
      retries: client.stats.retries,
    };
  } finally {
    await sandboxes.close();
  }
}
