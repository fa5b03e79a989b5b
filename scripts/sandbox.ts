/**
 * Starts a local Sonar and Splynx for rehearsal, tests and benchmarks.
 *
 *   npx tsx scripts/sandbox.ts [--accounts N] [--seed S] [--dirty RATE] [--fixture FILE]
 *     [--latency-ms L] [--faults SPEC] [--sonar-port P] [--splynx-port Q] [--host H]
 *     [--unsecure-basic] [--sonar-rate-limit N] [--sonar-max-per-page N]
 *     [--splynx-permissions SPEC] [--splynx-nonce-counter per-key|per-channel]
 *
 * When both are up it prints the connection settings as KEY=value lines on stdout (ready to
 * paste into .env) and a human summary on stderr. SIGTERM or Ctrl-C stops it cleanly.
 * Credentials are random on each start unless SANDBOX_SONAR_TOKEN, SANDBOX_SPLYNX_KEY and
 * SANDBOX_SPLYNX_SECRET are set, so a long-running sandbox can keep a fixed .env.
 */
import { parseArgs } from 'node:util';
import { startSandboxes } from '../lib/sandbox/index.js';
import { summarize } from '../lib/sandbox/generator/index.js';
import { parsePermissionSpec } from '../lib/sandbox/splynx/permissions.js';

const USAGE = `usage: tsx scripts/sandbox.ts [--accounts N] [--seed S] [--dirty RATE] [--fixture FILE]
  [--latency-ms L] [--faults SPEC] [--sonar-port P] [--splynx-port Q] [--host H]
  [--unsecure-basic] [--sonar-rate-limit N] [--sonar-max-per-page N]
  [--splynx-permissions SPEC] [--splynx-nonce-counter per-key|per-channel]
faults SPEC: e.g. "5xx=0.05,429=0.02,hang=0.01,drop=0.01,commit-drop=0.01" (prefix a key with sonar: or splynx: to scope it)
splynx-permissions SPEC: what the API key may do, e.g. "*;finance=view,edit,delete" (everything but adding in Finance);
  modules customers, tariffs, finance, networking, inventory, support, administration, config, scheduling, crm, voice;
  actions view, add, edit, delete; default everything`;

function fail(message: string): never {
  console.error(`sandbox: ${message}\n${USAGE}`);
  process.exit(2);
}

function num(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number between ${min} and ${max}, got "${value}"`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      accounts: { type: 'string' },
      seed: { type: 'string' },
      dirty: { type: 'string' },
      fixture: { type: 'string' },
      'latency-ms': { type: 'string' },
      faults: { type: 'string' },
      'sonar-port': { type: 'string' },
      'splynx-port': { type: 'string' },
      host: { type: 'string' },
      'unsecure-basic': { type: 'boolean' },
      'sonar-rate-limit': { type: 'string' },
      'sonar-max-per-page': { type: 'string' },
      'splynx-permissions': { type: 'string' },
      'splynx-nonce-counter': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (e) {
  fail((e as Error).message);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const nonceCounter = parsed['splynx-nonce-counter'];
if (nonceCounter !== undefined && nonceCounter !== 'per-key' && nonceCounter !== 'per-channel')
  fail(`--splynx-nonce-counter must be per-key or per-channel, got "${nonceCounter}"`);
if (parsed['splynx-permissions'] !== undefined) {
  try {
    parsePermissionSpec(parsed['splynx-permissions']);
  } catch (e) {
    fail((e as Error).message);
  }
}

try {
  const sandboxes = await startSandboxes({
    accounts: num('accounts', parsed.accounts, 1, 1_000_000),
    seed: num('seed', parsed.seed, 0),
    dirtyRate: num('dirty', parsed.dirty, 0, 1),
    fixture: parsed.fixture,
    latencyMs: num('latency-ms', parsed['latency-ms'], 0),
    faults: parsed.faults,
    sonarPort: num('sonar-port', parsed['sonar-port'], 0, 65535) ?? 8801,
    splynxPort: num('splynx-port', parsed['splynx-port'], 0, 65535) ?? 8802,
    host: parsed.host,
    splynxUnsecureBasic: parsed['unsecure-basic'] ?? false,
    sonarRateLimitPerMinute: num('sonar-rate-limit', parsed['sonar-rate-limit'], 1),
    sonarMaxRecordsPerPage: num('sonar-max-per-page', parsed['sonar-max-per-page'], 1),
    splynxPermissions: parsed['splynx-permissions'],
    splynxNonceCounter: nonceCounter as 'per-key' | 'per-channel' | undefined,
    sonarToken: process.env.SANDBOX_SONAR_TOKEN,
    splynxKey: process.env.SANDBOX_SPLYNX_KEY,
    splynxSecret: process.env.SANDBOX_SPLYNX_SECRET,
  });

  const summary = summarize(sandboxes.dataset);
  console.error(`Sonar sandbox:  ${sandboxes.sonar.url}/api/graphql`);
  console.error(`Splynx sandbox: ${sandboxes.splynx.url}/api/2.0/`);
  if (parsed['splynx-permissions']) console.error(`Splynx API key permissions: ${parsed['splynx-permissions']}`);
  console.error(
    `Dataset: ${summary.tables.accounts ?? 0} accounts, ${Object.values(summary.tables).reduce((a, b) => a + b, 0)} records, ` +
      `${Object.values(summary.dirty).reduce((a, b) => a + b, 0)} dirty on purpose`,
  );
  for (const [key, value] of Object.entries(sandboxes.settings)) console.log(`${key}=${value}`);
  console.error('Ready. Stop with Ctrl-C or SIGTERM.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping sandboxes`);
    await sandboxes.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE')
    fail(`port already in use (${err.message}); pick others with --sonar-port/--splynx-port, or 0 for any free port`);
  fail(err.message);
}
