/**
 * Starts the Sonar and Splynx sandboxes together, seeded with a generated ISP or a fixture.
 * This is what `npm run sandbox`, the tests and the benchmark share.
 */
import { randomBytes } from 'node:crypto';
import { loadDataset, type SonarDataset } from './dataset.js';
import { FaultController, parseFaultSpec, NO_FAULTS } from './faults.js';
import { generateIsp } from './generator/index.js';
import { startSonarSandbox } from './sonar/server.js';
import { startSplynxSandbox } from './splynx/server.js';

export interface SandboxOptions {
  accounts?: number;
  seed?: number;
  dirtyRate?: number;
  /** A Sonar dataset file; when given, nothing is generated. */
  fixture?: string;
  /** An already built dataset (tests, benchmark); wins over fixture and generation. */
  dataset?: SonarDataset;
  latencyMs?: number;
  /** Fault spec, see faults.ts; keys may be scoped with `sonar:` or `splynx:`. */
  faults?: string;
  sonarPort?: number;
  splynxPort?: number;
  host?: string;
  sonarToken?: string;
  splynxKey?: string;
  splynxSecret?: string;
  /** Allow HTTP Basic for the API key (Splynx's "unsecure access" checkbox). */
  splynxUnsecureBasic?: boolean;
  splynxAdmin?: { login: string; password: string };
  /** What the Splynx API key may do (lib/sandbox/splynx/permissions.ts), e.g. `*;finance=view,edit,delete`. Default: everything. */
  splynxPermissions?: string;
  /** Splynx nonce counters: one per key (default) or one per channel. */
  splynxNonceCounter?: 'per-key' | 'per-channel';
  sonarRateLimitPerMinute?: number;
  sonarMaxRecordsPerPage?: number;
}

/** What a client needs to connect, as the `.env` keys the workbook reads. */
export interface SandboxSettings {
  SONAR_URL: string;
  SONAR_API_KEY: string;
  SPLYNX_URL: string;
  SPLYNX_API_KEY: string;
  SPLYNX_API_SECRET: string;
}

export type Sandboxes = Awaited<ReturnType<typeof startSandboxes>>;

const secret = (bytes: number) => randomBytes(bytes).toString('hex');

export async function startSandboxes(opts: SandboxOptions = {}) {
  const dataset =
    opts.dataset ??
    (opts.fixture
      ? loadDataset(opts.fixture)
      : generateIsp({ accounts: opts.accounts ?? 200, seed: opts.seed ?? 1, dirtyRate: opts.dirtyRate ?? 0 }));

  const base = { ...NO_FAULTS, latencyMs: opts.latencyMs ?? 0 };
  const sonarToken = opts.sonarToken ?? secret(20);
  const splynxKey = opts.splynxKey ?? secret(16);
  const splynxSecret = opts.splynxSecret ?? secret(16);

  const sonar = await startSonarSandbox({
    dataset,
    tokens: [sonarToken],
    port: opts.sonarPort ?? 0,
    host: opts.host,
    rateLimitPerMinute: opts.sonarRateLimitPerMinute,
    maxRecordsPerPage: opts.sonarMaxRecordsPerPage,
    faults: new FaultController(parseFaultSpec(opts.faults, 'sonar', base)),
  });
  const splynx = await startSplynxSandbox({
    apiKey: splynxKey,
    apiSecret: splynxSecret,
    unsecureBasic: opts.splynxUnsecureBasic ?? false,
    admin: opts.splynxAdmin,
    permissions: opts.splynxPermissions,
    nonceCounter: opts.splynxNonceCounter,
    port: opts.splynxPort ?? 0,
    host: opts.host,
    faults: new FaultController(parseFaultSpec(opts.faults, 'splynx', base)),
  }).catch(async (e) => {
    await sonar.close();
    throw e;
  });

  const settings: SandboxSettings = {
    SONAR_URL: sonar.url,
    SONAR_API_KEY: sonarToken,
    SPLYNX_URL: splynx.url,
    SPLYNX_API_KEY: splynxKey,
    SPLYNX_API_SECRET: splynxSecret,
  };
  return {
    sonar,
    splynx,
    dataset,
    settings,
    close: async () => {
      await Promise.all([sonar.close(), splynx.close()]);
    },
  };
}
