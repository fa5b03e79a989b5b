/**
 * Both sandboxes for a product-path measurement, in a process of their own: a generated ISP in
 * Sonar, an empty Splynx. Latency and Sonar's rate limit are changed later through their control
 * routes, so one world serves the rehearsal (fast) and the cutover (at the real limits).
 */
import { startSandboxes, type SandboxSettings } from '../sandbox/index.js';

export interface SandboxesArgs {
  accounts: number;
  seed: number;
  dirtyRate: number;
  sonarRateLimitPerMinute: number;
  latencyMs: number;
}

export interface SandboxesInfo {
  settings: SandboxSettings;
  sonar: string;
  splynx: string;
}

export async function startSandboxesServer(a: SandboxesArgs) {
  const sb = await startSandboxes({
    accounts: a.accounts,
    seed: a.seed,
    dirtyRate: a.dirtyRate,
    sonarRateLimitPerMinute: a.sonarRateLimitPerMinute,
    latencyMs: a.latencyMs,
  });
  const info: SandboxesInfo = { settings: sb.settings, sonar: sb.sonar.url, splynx: sb.splynx.url };
  return { info, close: () => sb.close() };
}
