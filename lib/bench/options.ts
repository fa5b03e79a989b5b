/**
 * The benchmark's command line: `npm run bench -- [flags]`. Defaults are the issue's: 1,000
 * generated accounts, concurrency 8, 50 ms a request.
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Accounts of the generated ISP the load is measured on. */
  accounts: number;
  seed: number;
  /** Requests in flight for "ours"; the baseline is always 1. */
  concurrency: number;
  /** Latency the sandboxes add to every request, in milliseconds. */
  latencyMs: number;
  /** Accounts of the snapshot the extraction is measured on (see extract.ts for why it is bigger). */
  extractAccounts: number;
  /** Account counts of the CPU-only path; 100,000 is left out with `--skip-100k`. */
  cpuAccounts: number[];
  skipBaseline: boolean;
  skipLoad: boolean;
  skipExtract: boolean;
  skipCpu: boolean;
  /** Accounts of the ISP whose cutover is measured (1% of them changed); 0 leaves it out. */
  cutoverAccounts: number;
  /** Accounts of the product-path rehearsal, run only with `--rehearse-100k` (or `--rehearse-accounts`). */
  rehearseAccounts: number | null;
  /** Where `<timestamp>.json` goes; default data/bench. */
  outDir?: string;
}

export const USAGE = `usage: npm run bench -- [--accounts N] [--concurrency C] [--latency MS] [--seed S]
  [--extract-accounts N] [--cpu-accounts N,M] [--skip-100k] [--skip-baseline] [--skip-load]
  [--skip-extract] [--skip-cpu] [--cutover-accounts N] [--skip-cutover]
  [--rehearse-100k] [--rehearse-accounts N] [--out DIR]

  --accounts N          generated accounts for the load (default 1000)
  --concurrency C       requests in flight for our load (default 8); the baseline is 1
  --latency MS          latency added to every sandbox request (default 50)
  --extract-accounts N  accounts of the snapshot extracted under Sonar's 400/min (default 3000)
  --cpu-accounts N,M    account counts of the CPU-only path (default 10000,100000)
  --skip-100k           leave 100,000 out of the CPU-only path
  --skip-baseline       no sequential baseline (no speed-up figure)
  --cutover-accounts N  the ISP whose cutover is measured, 1% of it changed (default 10000)
  --skip-cutover        leave the cutover measurement out
  --rehearse-100k       also rehearse a 100,000-account ISP on the product path (about half an hour)
  --rehearse-accounts N the same at another size
  --skip-load | --skip-extract | --skip-cpu   leave that measurement out
  --out DIR             where the JSON goes (default data/bench)`;

export class UsageError extends Error {}

const positive = (name: string, v: string | undefined, def: number, min = 1): number => {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, got "${v}"`);
  return n;
};

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        accounts: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        latency: { type: 'string' },
        'extract-accounts': { type: 'string' },
        'cpu-accounts': { type: 'string' },
        'skip-100k': { type: 'boolean' },
        'skip-baseline': { type: 'boolean' },
        'skip-load': { type: 'boolean' },
        'skip-extract': { type: 'boolean' },
        'skip-cpu': { type: 'boolean' },
        'cutover-accounts': { type: 'string' },
        'skip-cutover': { type: 'boolean' },
        'rehearse-100k': { type: 'boolean' },
        'rehearse-accounts': { type: 'string' },
        out: { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const cpu = (values['cpu-accounts'] ?? '10000,100000').split(',').map((s) => positive('cpu-accounts', s.trim(), 0));
  return {
    accounts: positive('accounts', values.accounts, 1000),
    seed: positive('seed', values.seed, 7, 0),
    concurrency: positive('concurrency', values.concurrency, 8),
    latencyMs: positive('latency', values.latency, 50, 0),
    extractAccounts: positive('extract-accounts', values['extract-accounts'], 3000),
    cpuAccounts: values['skip-100k'] ? cpu.filter((n) => n < 100_000) : cpu,
    skipBaseline: !!values['skip-baseline'],
    skipLoad: !!values['skip-load'],
    skipExtract: !!values['skip-extract'],
    skipCpu: !!values['skip-cpu'],
    cutoverAccounts: values['skip-cutover'] ? 0 : positive('cutover-accounts', values['cutover-accounts'], 10_000),
    rehearseAccounts:
      values['rehearse-accounts'] !== undefined
        ? positive('rehearse-accounts', values['rehearse-accounts'], 100_000)
        : values['rehearse-100k']
          ? 100_000
          : null,
    outDir: values.out,
  };
}
