/**
 * Proof under failure, as one call: the scenarios in order, one line each, and the JSON beside
 * them. `scripts/chaos.ts` is its command line; the tests call the scenarios one by one, smaller.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crashResume, dirty, faults, secrets, type ScenarioResult } from './scenarios.js';

export const SCENARIOS = ['crash-resume', 'faults', 'dirty', 'secrets'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ChaosOptions {
  /** Folder of this chaos run: one data folder per scenario, and chaos.json. */
  dir: string;
  scenarios: ScenarioName[];
  accounts: number;
  kills: number;
  faultsAccounts: number;
  dirtyAccounts: number;
  seed: number;
  log?(line: string): void;
  onResult?(r: ScenarioResult): void;
}

const COLUMNS = [
  ['scenario', 14],
  ['records', 8],
  ['duplicates', 10],
  ['missing', 8],
  ['crashes survived', 16],
] as const;

export const HEADER = COLUMNS.map(([name, width], i) => (i === 0 ? name.padEnd(width) : name.padStart(width))).join('  ');

/** One line of the table: scenario, records, duplicates, missing, crashes survived (and the verdict). */
export function formatLine(r: ScenarioResult): string {
  const cells = [r.scenario, r.records, r.duplicates, r.missing, r.crashes];
  return `${COLUMNS.map(([, width], i) => (i === 0 ? String(cells[i]).padEnd(width) : String(cells[i]).padStart(width))).join('  ')}  ${r.ok ? 'ok' : 'FAILED'}  ${r.note}`;
}

export async function runChaos(opts: ChaosOptions): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const write = () =>
    fs.writeFileSync(
      path.join(opts.dir, 'chaos.json'),
      JSON.stringify({ options: { ...opts, log: undefined, onResult: undefined }, results }, null, 2),
    );
  const done = (r: ScenarioResult) => {
    results.push(r);
    opts.onResult?.(r);
    write();
  };
  for (const name of SCENARIOS.filter((s) => opts.scenarios.includes(s))) {
    const dataDir = path.join(opts.dir, name);
    if (name === 'crash-resume')
      done(await crashResume({ dataDir, accounts: opts.accounts, kills: opts.kills, seed: opts.seed, log: opts.log }));
    if (name === 'faults') done(await faults({ dataDir, accounts: opts.faultsAccounts, seed: opts.seed, log: opts.log }));
    if (name === 'dirty') done(await dirty({ dataDir, accounts: opts.dirtyAccounts, seed: opts.seed, log: opts.log }));
    // Last: it searches what the others wrote.
    if (name === 'secrets') done(secrets({ dir: opts.dir, log: opts.log }));
  }
  return results;
}

export type { ScenarioResult };
