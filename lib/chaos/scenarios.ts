/**
 * The proofs under failure, as scenarios `scripts/chaos.ts` and the tests share. Each builds its
 * own world (sandboxes, data folder), runs the real headless commands in child processes, and
 * answers one result line: records, duplicates, missing, crashes survived, plus the detail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCleanedRecords } from '../frames/load.js';
import { Ledger } from '../ledger/index.js';
import { transformContext } from '../load/context.js';
import { MAPPING_SPECS, type Row } from '../entities/index.js';
import { crashAndResume, expectedEvents, type KillRecord } from './crash.js';
import { verifyDirty, type ClassResult } from './dirty.js';
import { baselineErrors, notebookEvidence } from './evidence.js';
import { issuedSecrets } from '../secrets/index.js';
import { describeLeaks, scanForSecrets } from './secrets-scan.js';
import { issuedCredentials } from '../sandbox/credentials.js';
import { ENTITIES } from '../entities/index.js';
import type { EntityTally } from './exactly-once.js';
import { createWorld, type World } from './world.js';

export interface ScenarioResult {
  scenario: string;
  /** Sonar records the migration took on (every entity). */
  records: number;
  loaded: number;
  /** In the error table, with a category and a suggestion. */
  reported: number;
  duplicates: number;
  missing: number;
  extra: number;
  /** SIGKILLs survived (crash-resume; 0 elsewhere: the faults scenario's faults are in `note` and `detail`). */
  crashes: number;
  ok: boolean;
  /** A few words on what was done (the faults injected, the kills). */
  note: string;
  /** What went wrong, when something did (first lines). */
  problems: string[];
  detail: Record<string, unknown>;
}

export interface ScenarioOptions {
  /** Where the scenario's world lives (its DATA_DIR). */
  dataDir: string;
  accounts: number;
  seed?: number;
  log?(line: string): void;
  /** Called with the world before it is closed (tests look at Splynx themselves). */
  inspect?(world: World): Promise<void>;
}

const t = (n: number) => n.toLocaleString('en-US');

/**
 * Settings every chaos child runs with, beyond the defaults: a 3 s request timeout (default 30 s)
 * so a hang costs seconds rather than half a minute, and a 100 ms retry base (default 500 ms).
 * Retry counts stay at their defaults: the proof is about the settings a cutover uses.
 */
export const CHAOS_SETTINGS = { REQUEST_TIMEOUT_MS: '3000', RETRY_BASE_MS: '100' };

function lastRunDir(stdoutLastLine: string, world: World): string {
  if (stdoutLastLine && fs.existsSync(path.join(stdoutLastLine, 'report.json'))) return stdoutLastLine;
  throw new Error(`${world.name}: the migration printed no run folder (last line "${stdoutLastLine}"); see ${world.log}`);
}

function resultOf(
  scenario: string,
  tallies: { entities: EntityTally[]; totals: Omit<EntityTally, 'entity'>; problems: string[] },
  crashes: number,
  note: string,
  detail: Record<string, unknown>,
  extraProblems: string[] = [],
): ScenarioResult {
  const t = tallies.totals;
  const problems = [...extraProblems, ...tallies.problems];
  return {
    scenario,
    records: t.expected,
    loaded: t.loaded,
    reported: t.reported,
    duplicates: t.duplicates,
    missing: t.missing,
    extra: t.extra,
    crashes,
    ok: t.duplicates === 0 && t.missing === 0 && t.extra === 0 && extraProblems.length === 0,
    note,
    problems: problems.slice(0, 50),
    detail: { ...detail, entities: tallies.entities.filter((e) => e.expected || e.duplicates || e.extra) },
  };
}

/**
 * crash-resume: `migrate.ts all --no-stop-on-error` killed `kills` times at random points and
 * resumed each time, then run to the end; exactly-once checked over every entity.
 */
export async function crashResume(opts: ScenarioOptions & { kills: number; random?: () => number }): Promise<ScenarioResult> {
  const log = opts.log ?? (() => {});
  const world = await createWorld('crash-resume', {
    dataDir: opts.dataDir,
    accounts: opts.accounts,
    seed: opts.seed ?? 5,
    settings: CHAOS_SETTINGS,
  });
  try {
    await world.prepare();
    const tables = (await loadCleanedRecords(world.cleanedDir())) as Record<string, Row[]>;
    const ledger = new Ledger(world.ledgerFile());
    const ctx = transformContext({
      tables,
      ledger,
      timezone: 'UTC',
      mappingsDir: path.join(world.dataDir, 'mappings'),
      mappingSpecs: MAPPING_SPECS,
    });
    const expected = expectedEvents(tables, ctx);
    ledger.close();
    log(`crash-resume: ${opts.accounts} accounts prepared, about ${expected} ledger events to write; killing ${opts.kills} times`);
    const outcome = await crashAndResume({
      start: () => world.start('migrate.ts', ['all', '--no-stop-on-error', '--log-level', 'warn']),
      ledgerFile: world.ledgerFile(),
      kills: opts.kills,
      expectedEvents: expected,
      random: opts.random,
      onKill: (k: KillRecord) => log(`  kill ${k.n} (${k.how}) after ${k.afterMs} ms, ${k.events} ledger events into that run`),
    });
    const problems: string[] = [];
    if (outcome.final.code !== 0 && outcome.final.code !== 1)
      problems.push(`the final run exited ${outcome.final.code ?? outcome.final.signal}`);
    const check = await world.check(lastRunDir(outcome.final.lastLine, world));
    await opts.inspect?.(world);
    const timed = outcome.kills.filter((k) => k.how === 'timed').length;
    const note = `${outcome.kills.length} SIGKILLs (${outcome.kills.length - timed} after a random number of ledger writes, ${timed} at a random moment of start-up), ${t(check.report.errors.length)} in the error table`;
    return resultOf(
      'crash-resume',
      check,
      outcome.kills.length,
      note,
      {
        accounts: opts.accounts,
        kills: outcome.kills,
        finished_early: outcome.finishedEarly,
        ledger_events: outcome.eventsTotal,
        final_exit: outcome.final.code,
      },
      problems,
    );
  } finally {
    await world.close();
  }
}

/** The faults of the issue: on Splynx 5% 5xx, 2% 429, 1% hanging, 1% commit-then-drop; 429s on Sonar. */
const FAULT_CATEGORIES = new Set(['network', 'api', 'authentication']);

export const ISSUE_FAULTS = 'splynx:5xx=0.05,splynx:429=0.02,splynx:hang=0.01,splynx:commit-drop=0.01,splynx:hang-ms=60000,sonar:429=0.05';

/**
 * faults: the whole migration, snapshot included, with the sandboxes misbehaving from the first
 * request to the last; one run of each command, no resume. Ends with zero duplicates and zero losses.
 */
export async function faults(opts: ScenarioOptions & { spec?: string; settings?: Record<string, string> }): Promise<ScenarioResult> {
  const log = opts.log ?? (() => {});
  // Access tokens rather than signatures: one more credential in play (and in the secrets search),
  // and token requests meeting the same faults as everything else.
  const world = await createWorld('faults', {
    dataDir: opts.dataDir,
    accounts: opts.accounts,
    seed: opts.seed ?? 5,
    settings: { ...CHAOS_SETTINGS, SPLYNX_AUTH: 'token', ...opts.settings },
  });
  try {
    const spec = `${opts.spec ?? ISSUE_FAULTS},seed=${opts.seed ?? 5}`;
    world.faults(spec);
    log(`faults: ${opts.accounts} accounts, ${spec}`);
    await world.prepare();
    const load = await world.run('migrate.ts', ['all', '--no-stop-on-error', '--log-level', 'warn']);
    world.faults(null);
    const problems: string[] = [];
    if (load.code !== 0 && load.code !== 1) problems.push(`the migration exited ${load.code ?? load.signal}`);
    const check = await world.check(lastRunDir(load.lastLine, world));
    await opts.inspect?.(world);
    const splynx = world.sb.splynx.faults.injected;
    const sonar = world.sb.sonar.faults.injected;
    const injected = Object.values(splynx).reduce((a, b) => a + b, 0) + Object.values(sonar).reduce((a, b) => a + b, 0);
    const note = `${t(injected)} faults injected (Splynx ${t(splynx['5xx'])} 5xx, ${t(splynx['429'])} 429, ${t(splynx.hang)} hangs, ${t(splynx['commit-drop'])} commit-then-drop; Sonar ${t(sonar['429'])} 429), ${t(check.report.errors.length)} in the error table`;
    // The data is clean: a record refused for a network, API or credentials reason was lost to a fault.
    for (const e of check.report.errors.filter((e) => FAULT_CATEGORIES.has(e.category)))
      problems.push(`lost to a fault: ${e.entity} ${e.source_id} (${e.category}): ${e.message}`);
    return resultOf(
      'faults',
      check,
      0,
      note,
      { accounts: opts.accounts, spec, injected: { splynx, sonar }, exit: load.code, splynx_requests: world.sb.splynx.stats().requests },
      problems,
    );
  } finally {
    await world.close();
  }
}

/** Whether a run's notebooks all ran to the end (a crash stops the replay at a failed cell). */
function crashedCells(runDir: string): string[] {
  const log = path.join(runDir, 'replay.log');
  if (!fs.existsSync(log)) return [`no replay log in ${runDir}`];
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => / FAILED after |stopped at cell/.test(l));
}

/**
 * dirty: a generated ISP with every class of dirt, migrated through the notebooks (going on past
 * errors); each marked record cleaned, kept by a documented rule or reported with the right
 * category, no crash, nothing blocked by a dirty neighbour, and exactly-once over the rest.
 */
export async function dirty(opts: ScenarioOptions & { rate?: number }): Promise<ScenarioResult & { classes: ClassResult[] }> {
  const log = opts.log ?? (() => {});
  const rate = opts.rate ?? 0.05;
  const seed = opts.seed ?? 5;
  const world = await createWorld('dirty', {
    dataDir: opts.dataDir,
    accounts: opts.accounts,
    seed,
    dirtyRate: rate,
    settings: CHAOS_SETTINGS,
  });
  try {
    log(
      `dirty: ${opts.accounts} accounts, ${world.sb.dataset.dirty.length} dirty marks in ${new Set(world.sb.dataset.dirty.map((m) => m.class)).size} classes`,
    );
    await world.prepare();
    const load = await world.run('migrate.ts', ['all', '--no-stop-on-error', '--log-level', 'warn']);
    const runDir = lastRunDir(load.lastLine, world);
    const check = await world.check(runDir);
    await opts.inspect?.(world);
    // The same ISP without dirt, in this process: what fails there fails for reasons of its own.
    const baseline = await baselineErrors({ accounts: opts.accounts, seed, dir: path.join(opts.dataDir, 'baseline') });
    const tables = (await loadCleanedRecords(world.cleanedDir())) as Record<string, Row[]>;
    const ledger = new Ledger(world.ledgerFile());
    let verdict: ReturnType<typeof verifyDirty>;
    try {
      const ev = await notebookEvidence({
        dataset: world.sb.dataset,
        cleanedDir: world.cleanedDir(),
        cleaned: tables,
        ledger,
        report: check.report,
        api: world.api,
        baseline,
        mappingsDir: path.join(world.dataDir, 'mappings'),
      });
      verdict = verifyDirty(ev);
    } finally {
      ledger.close();
    }
    const problems = [
      ...(load.code !== 0 && load.code !== 1 ? [`the migration exited ${load.code ?? load.signal}`] : []),
      ...crashedCells(runDir).map((l) => `crashed: ${l}`),
      ...ENTITIES.filter((e) => !(e.name in check.report.entities)).map((e) => `entity ${e.name} never ran (the run stopped early)`),
      ...verdict.classes.filter((c) => c.marks === 0).map((c) => `the generator made no ${c.class}: raise --dirty-accounts`),
      ...verdict.classes.filter((c) => c.unexplained).flatMap((c) => c.examples.map((e) => `${c.class}: ${e}`)),
      ...verdict.blocked.map((b) => `clean record blocked: ${b}`),
    ];
    const marks = verdict.classes.reduce((a, c) => a + c.marks, 0);
    const by = (k: 'cleaned' | 'kept' | 'reported') => verdict.classes.reduce((a, c) => a + c[k], 0);
    const note = `${t(marks)} dirty marks in ${verdict.classes.filter((c) => c.marks).length} classes: ${t(by('cleaned'))} cleaned, ${t(by('kept'))} kept by rule, ${t(by('reported'))} reported, ${verdict.classes.reduce((a, c) => a + c.unexplained, 0)} unexplained; ${verdict.blocked.length} clean records blocked`;
    return {
      ...resultOf('dirty', check, 0, note, { accounts: opts.accounts, rate, classes: verdict.classes, blocked: verdict.blocked }, problems),
      classes: verdict.classes,
    };
  } finally {
    await world.close();
  }
}

/**
 * secrets: every file the scenarios above wrote (logs, reports, error tables, executed notebooks,
 * ledgers, snapshots) searched for every credential their sandboxes used and every temporary
 * administrator password issued; the `secrets` folders, where those passwords live on purpose, excepted.
 */
export function secrets(opts: { dir: string; log?(line: string): void }): ScenarioResult {
  const credentials = [...issuedCredentials(), ...issuedSecrets([opts.dir])];
  const scan = scanForSecrets([opts.dir], credentials, { skipFiles: [path.join(opts.dir, 'chaos.json')] });
  const leaks = describeLeaks(scan);
  const note = `${t(scan.files)} files (${(scan.bytes / 1e6).toFixed(1)} MB) searched for ${scan.searched} credentials; ${leaks.length} found; left out on purpose: ${scan.excluded.length} secrets folder${scan.excluded.length === 1 ? '' : 's'}`;
  return {
    scenario: 'secrets',
    records: scan.files,
    loaded: 0,
    reported: 0,
    duplicates: 0,
    missing: 0,
    extra: 0,
    crashes: 0,
    ok: leaks.length === 0 && scan.searched > 0,
    note,
    problems: scan.searched ? leaks : ['no credentials to search for: run the other scenarios first'],
    detail: {
      files: scan.files,
      bytes: scan.bytes,
      credentials: scan.searched,
      too_short: scan.tooShort,
      excluded: scan.excluded,
      leaks,
      labels: [...new Set(credentials.map((c) => c.label.replace(/ of administrator .*/, ' of an administrator')))],
    },
  };
}
