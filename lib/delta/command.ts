/**
 * `migrate.ts delta --since SNAPSHOT_ID [load options]` from the command line: checks the options,
 * replays the notebooks (01 with `since`, 02, then 04–07 as `all` does), and prints what the delta
 * did. What the delta is and how it decides what to send: lib/delta/index.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSettings } from '../config.js';
import { renderText } from '../frames/show.js';
import { Ledger } from '../ledger/index.js';
import { dataPath, projectPath } from '../paths.js';
import { replayNotebooks } from '../replay/cli.js';
import { claimRunId, configuredDataDir } from '../run-id.js';
import { newSnapshotId, readManifest, type SnapshotManifest } from '../sonar/snapshot.js';
import { runDirOf } from '../cli/run-folder.js';
import { usage } from '../cli/usage.js';
import { parseLoadArgs, printErrorRows, replayLoad, type LoadInvocation } from '../load/command.js';
import { splitErrors } from '../load/accepted.js';
import type { RunReport } from '../load/run.js';
import { ledgerPath } from '../load/session.js';
import { deltaSummary, type DeltaSummary } from './index.js';

/** A snapshot id not taken yet: the time, with a suffix if a snapshot of that second exists. */
export function freshSnapshotId(root: string): string {
  const id = newSnapshotId();
  if (!fs.existsSync(path.join(root, id))) return id;
  for (let n = 2; ; n++) if (!fs.existsSync(path.join(root, `${id}-${n}`))) return `${id}-${n}`;
}

/** Splits `--since ID` off the arguments; the rest are load options. */
export function splitSince(args: string[]): { since?: string; rest: string[] } {
  const rest: string[] = [];
  let since: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--since') since = args[++i];
    else if (args[i].startsWith('--since=')) since = args[i].slice('--since='.length);
    else rest.push(args[i]);
  }
  return { since, rest };
}

/** The options of delta (and cutover): the earlier snapshot, checked, and the load's; or the usage problem. */
export function parseDeltaArgs(
  command: string,
  args: string[],
): { since: string; root: string; inv: LoadInvocation } | { problem: string } {
  const { since, rest } = splitSince(args);
  if (!since || since.startsWith('-'))
    return { problem: `${command} needs --since with the id of an earlier snapshot (data/snapshots/<id>)` };
  if (rest.some((a) => a === '--snapshot-id' || a.startsWith('--snapshot-id=')))
    return { problem: `--snapshot-id does not go with ${command}: it takes a snapshot of its own` };
  const inv = parseLoadArgs('all', rest);
  if ('problem' in inv) return inv;
  const root = dataPath(configuredDataDir(), 'snapshots');
  let base: SnapshotManifest;
  try {
    base = readManifest(path.join(root, since));
  } catch {
    return { problem: `since: no snapshot "${since}" in ${root}` };
  }
  if (base.status !== 'complete')
    return { problem: `since: snapshot ${since} is not complete; finish it first (migrate.ts snapshot --snapshot-id ${since})` };
  if (base.selection)
    console.error(
      `migrate: snapshot ${since} holds only some accounts; the delta brings every account changed since, and the load migrates them`,
    );
  return { since, root, inv };
}

export async function deltaCommand(args: string[]): Promise<number> {
  const parsed = parseDeltaArgs('delta', args);
  if ('problem' in parsed) return usage(parsed.problem);
  const { since, root, inv } = parsed;
  const snapshotId = freshSnapshotId(root);
  const runId = claimRunId();
  // The connection check, the incremental snapshot and the cleaning of the whole picture.
  const prepared = await replayNotebooks(
    ['00-setup.ipynb', '01-extract.ipynb', '02-explore-clean.ipynb'].map((n) => projectPath('notebooks', n)),
    {
      runId,
      echo: inv.echo,
      params: [`snapshotId=${snapshotId}`, `since=${since}`],
    },
  );
  const runDir = runDirOf(runId);
  if (prepared.code !== 0) {
    console.error(
      `migrate: the delta stopped before loading (snapshot ${snapshotId}); run the same command again: an unfinished snapshot is not reused, a new one is taken`,
    );
    console.log(runDir);
    return prepared.code;
  }
  const code = await replayLoad(runId, { ...inv, params: [...inv.params, `snapshotId=${snapshotId}`] });
  return printDeltaSummary(runDir, path.join(root, snapshotId), code);
}

/** Prints what the delta did per entity, what Sonar deleted, then the run folder last (unless `folder` is false); answers the exit code. */
export function printDeltaSummary(runDir: string, snapshotDir: string, replayCode: number, { folder = true } = {}): number {
  const file = path.join(runDir, 'report.json');
  if (!fs.existsSync(file)) {
    console.error(`migrate: the delta wrote no report`);
    if (folder) console.log(runDir);
    return replayCode || 1;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
  let ledger: Ledger | null = null;
  try {
    ledger = new Ledger(ledgerPath(loadSettings()));
  } catch {
    ledger = null;
  }
  let summary: DeltaSummary;
  try {
    summary = deltaSummary(report, readManifest(snapshotDir), ledger);
  } finally {
    ledger?.close();
  }
  fs.writeFileSync(path.join(runDir, 'delta.json'), JSON.stringify(summary, null, 2));
  const changed = Object.entries(summary.changed_in_sonar)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  console.log(`Sonar records read since ${summary.since} (the changed ones, and a few at the boundary read again): ${changed || 'none'}`);
  console.log(
    renderText(summary.entities, {
      title: `${report.dry_run ? 'Dry run of the delta' : 'Delta'} ${report.run_id} (snapshot ${summary.snapshot} since ${summary.since})`,
      maxRows: 0,
    }),
  );
  const totals = summary.entities.reduce(
    (a, e) => ({ created: a.created + e.created, updated: a.updated + e.updated, unchanged: a.unchanged + e.unchanged }),
    { created: 0, updated: 0, unchanged: 0 },
  );
  console.log(`${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged (not written).`);
  const gone = summary.deleted_in_sonar.filter((d) => d.splynx_id);
  if (summary.deleted_in_sonar.length) {
    console.log(
      renderText(summary.deleted_in_sonar, {
        title: `Deleted in Sonar since ${summary.since} (the delta does not delete in Splynx)`,
        maxRows: 0,
      }),
    );
  }
  if (gone.length) console.log(`${gone.length} record(s) deleted in Sonar are still in Splynx: see the table above (also in delta.json).`);
  printErrorRows(report);
  if (report.stopped)
    console.log(
      `Stopped at the first error; fix it, then run the delta again (the ledger resumes), or load this snapshot again with: migrate.ts all --snapshot-id ${summary.snapshot}`,
    );
  else if (!report.dry_run) console.log(`The next delta starts from this one: migrate.ts delta --since ${summary.snapshot}`);
  if (folder) console.log(runDir);
  return replayCode || (splitErrors(report.errors).fresh.length ? 1 : 0);
}
