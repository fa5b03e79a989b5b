/**
 * `npm run bench`: the load against the latency bound (sequential baseline and ours), extraction
 * under Sonar's 400/min, and the CPU-only path. Prints the tables and writes the same figures to
 * data/bench/<timestamp>.json. The logic lives in lib/bench; docs/proof.md ("Benchmark") explains each figure.
 *
 *   npm run bench -- [--accounts N] [--concurrency C] [--latency MS] [--skip-100k] [--skip-extract] …
 */
import path from 'node:path';
import { parseBenchArgs, renderReport, runBench, USAGE, UsageError } from '../lib/bench/index.js';

let opts;
try {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  opts = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`bench: ${e.message}\n${USAGE}`);
  process.exit(2);
}
const { result, file } = await runBench(opts);
console.log(renderReport(result));
console.log(`\nFigures written to ${path.relative(process.cwd(), file)}`);
