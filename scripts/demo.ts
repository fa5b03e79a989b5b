/**
 * `npm run demo`: the whole migration of a generated ISP, headless, against fresh local sandboxes.
 * Starts a Sonar and a Splynx, then runs the analyst's notebooks exactly as cutover would: the
 * connection check, a snapshot, cleaning, mapping proposals with a dry run (and its preview), and
 * every load phase (going on past dirty records, which end in the error table); then the
 * rehearsal's errors are accepted and the load replayed under --stop-on-error as at cutover,
 * which goes past them; then verify (08-verify), where they are explained.
 * Prints the summaries, ends with the first-bill verdict, and leaves the data folder to look at.
 *
 *   npm run demo [-- --accounts N] [--seed S] [--dirty RATE] [--review]
 *
 * With `--review`, the analyst's corrections and exclusions of an earlier rehearsal are recorded
 * first (scripts/demo-review.ts), and their outcomes are printed at the end.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCommand } from '../lib/load/command.js';
import { projectPath } from '../lib/paths.js';
import { replayNotebooks } from '../lib/replay/cli.js';
import { defaultRunsDir, newRunId } from '../lib/run-id.js';
import { startSandboxes } from '../lib/sandbox/index.js';
import { verifyCommand, verifyFirstBillLines } from '../lib/verify/command.js';
import { readVerifyFile } from '../lib/verify/report.js';
import fs from 'node:fs';
import { acceptErrors } from '../lib/load/accepted.js';
import type { RunReport } from '../lib/load/run.js';
import { recordDemoDecisions } from './demo-review.js';
import { reviewFigures } from './demo-figures.js';

const { values } = parseArgs({
  options: { accounts: { type: 'string' }, seed: { type: 'string' }, dirty: { type: 'string' }, review: { type: 'boolean' } },
});
const accounts = Number(values.accounts ?? 300);
const dirty = Number(values.dirty ?? 0.03);
if (!Number.isInteger(accounts) || accounts < 1 || !(dirty >= 0 && dirty <= 1)) {
  console.error('usage: npm run demo [-- --accounts N] [--seed S] [--dirty RATE] [--review]');
  process.exit(2);
}

const sandboxes = await startSandboxes({ accounts, seed: Number(values.seed ?? 7), dirtyRate: dirty });
// A demo has its own data folder: its ledger belongs to these fresh sandboxes and no others.
const dataDir = projectPath('data', 'demo', newRunId());
Object.assign(process.env, sandboxes.settings, { DATA_DIR: dataDir, SPLYNX_AUTH: 'signature' });
console.error(
  `Demo: ${accounts} generated accounts (${Math.round(dirty * 100)}% dirty on purpose), data in ${path.relative(process.cwd(), dataDir)}`,
);

/**
 * The review loop's last step, as a team would take it after a rehearsal: the rehearsal's errors
 * accepted (here all of them, with one reason; an analyst picks them one by one in 07), then the
 * cutover replay under --stop-on-error, which must go past them. Answers the replay's exit code.
 */
async function acceptAndReplay(): Promise<number> {
  const runs = defaultRunsDir();
  const rehearsal = fs
    .readdirSync(runs)
    .filter((d) => fs.existsSync(path.join(runs, d, 'report.json')))
    .sort()
    .pop();
  const report = rehearsal ? (JSON.parse(fs.readFileSync(path.join(runs, rehearsal, 'report.json'), 'utf8')) as RunReport) : null;
  if (!report || report.dry_run) return 0;
  const { added, file } = acceptErrors(report.errors, 'demo: the dirty records were reviewed and may stay out');
  console.error(
    `Demo: ${added} rehearsal errors accepted in ${path.relative(process.cwd(), file)}; the cutover replay stops only on new ones`,
  );
  return loadCommand('all', ['--log-level', 'warn']);
}

let code = 1;
try {
  const decisions = values.review ? await recordDemoDecisions(sandboxes, dataDir) : null;
  if (decisions) console.error(`Demo: the analyst's decisions of a rehearsal recorded (${decisions.refusedAtOnce.length} refused at once)`);
  const prepare = await replayNotebooks(
    ['00-setup', '01-extract', '02-explore-clean', '03-map'].map((n) => projectPath('notebooks', `${n}.ipynb`)),
    { echo: false },
  );
  if (prepare.code !== 0) {
    console.error(`Demo: preparing failed; see ${path.join(dataDir, 'runs', prepare.runId)}`);
    code = prepare.code;
  } else {
    console.error('Demo: snapshot taken, cleaned and mapped; loading every phase');
    code = await loadCommand('all', ['--no-stop-on-error', '--log-level', 'warn']);
    // Dirty records in the error table are the point of the demo, not a failure of it.
    if (code === 1) code = 0;
    if (code === 0) code = await acceptAndReplay();
    if (code === 0) {
      console.error('Demo: loaded; verifying (counts, fields, money, the first bill)');
      const verified = await verifyCommand([]);
      const newest = fs
        .readdirSync(defaultRunsDir())
        .filter((d) => fs.existsSync(path.join(defaultRunsDir(), d, 'verify.json')))
        .sort()
        .pop();
      const result = newest ? readVerifyFile(path.join(defaultRunsDir(), newest)) : null;
      console.log('');
      for (const line of result ? verifyFirstBillLines(result) : ['First bill: verify wrote no verify.json (see its run folder)'])
        console.log(line);
      // Dirt makes differences on purpose; an ISP generated clean must reconcile.
      if (dirty === 0 && verified !== 0) code = 1;
      if (decisions) for (const line of reviewFigures(dataDir, decisions)) console.log(line);
    }
  }
} finally {
  await sandboxes.close();
}
process.exit(code);
