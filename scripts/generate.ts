/**
 * Writes a synthetic ISP as a Sonar dataset file, for `scripts/sandbox.ts --fixture FILE`.
 *
 *   npx tsx scripts/generate.ts --accounts N --out FILE [--seed S] [--dirty RATE] [--reference-time ISO]
 *
 * Prints the record count per table and the dirty marks per class.
 */
import { parseArgs } from 'node:util';
import { saveDataset } from '../lib/sandbox/dataset.js';
import { DEFAULT_REFERENCE_TIME, formatSummary, generateIsp, summarize } from '../lib/sandbox/generator/index.js';

const USAGE = 'usage: tsx scripts/generate.ts --accounts N --out FILE [--seed S] [--dirty RATE] [--reference-time ISO]';

function fail(message: string): never {
  console.error(`generate: ${message}\n${USAGE}`);
  process.exit(2);
}

function num(name: string, value: string | undefined, fallback: number, min: number, max: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

let values;
try {
  values = parseArgs({
    options: {
      accounts: { type: 'string' },
      seed: { type: 'string' },
      dirty: { type: 'string' },
      out: { type: 'string' },
      'reference-time': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (e) {
  fail((e as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.accounts) fail('--accounts is required');
if (!values.out) fail('--out is required');

const accounts = num('accounts', values.accounts, 0, 1, 10_000_000, true);
const seed = num('seed', values.seed, 1, -(2 ** 31), 2 ** 31 - 1, true);
const dirtyRate = num('dirty', values.dirty, 0, 0, 1, false);
const referenceTime = values['reference-time'] ?? DEFAULT_REFERENCE_TIME;
if (Number.isNaN(Date.parse(referenceTime))) fail(`--reference-time must be an ISO 8601 instant, got "${referenceTime}"`);

const started = performance.now();
const dataset = generateIsp({ accounts, seed, dirtyRate, referenceTime });
const generated = performance.now();
await saveDataset(dataset, values.out);
const written = performance.now();

console.log(`Synthetic ISP: ${accounts} accounts, seed ${seed}, dirty rate ${dirtyRate}, reference time ${referenceTime}`);
console.log(formatSummary(summarize(dataset)));
console.log(
  `Generated in ${((generated - started) / 1000).toFixed(1)} s, wrote ${values.out} in ${((written - generated) / 1000).toFixed(1)} s`,
);
