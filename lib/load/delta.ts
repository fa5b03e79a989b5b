/**
 * The cutover delta: `migrate.ts delta --since SNAPSHOT_ID [load options]`.
 *
 * Between the rehearsal and cutover day Sonar keeps changing. The delta takes an incremental
 * snapshot of what was updated since the rehearsal's snapshot, cleans it as part of the whole
 * picture (lib/frames/load.ts lays it over the snapshots it builds on), and runs the load
 * notebooks on that picture. Nothing here decides what to send: the ledger's payload hashes do.
 * A record whose payload did not change is skipped (no write), a changed one is updated (PUT), a
 * new one is created (POST), through the same exactly-once loader as the first run.
 *
 * Like every migrating command, it only replays the analyst's notebooks (01 with `since`, 02,
 * then 04–07 as `all` does), so the interactive and the headless paths are the same code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSettings, readEnvFile } from '../config.js';
import { renderText } from '../frames/show.js';
import { Ledger } from '../ledger/index.js';
import { dataPath, projectPath } from '../paths.js';
import { replayNotebooks } from '../replay/cli.js';
import { claimRunId } from '../replay/runner.js';
import { newSnapshotId, readManifest, type SnapshotManifest } from '../sonar/snapshot.js';
import { parseLoadArgs, replayLoad, USAGE } from './commands.js';
import type { RunReport } from './run.js';
import { ledgerPath } from './session.js';

/** The Splynx entities a deleted Sonar record of a checked table may have become. */
const DELETED_AS: Record<string, string[]> = {
  accounts: ['customers'],
  account_services: ['internet_services', 'recurring_services', 'voice_services', 'billing_coverage'],
};

export interface DeltaEntityRow {
  entity: string;
  created: number;
  updated: number;
  /** The loader's `skipped`: same payload as last sent (or not updatable), so nothing was written. */
  unchanged: number;
  adopted: number;
  failed: number;
}

export interface DeletedRow {
  table: string;
  sonar_id: string;
  entity: string;
  splynx_id: string;
  what_to_do: string;
}

export interface DeltaSummary {
  since: string;
  snapshot: string;
  run_id: string;
  /** Records the incremental snapshot read, per table (changed ones, and a few at the boundary). */
  changed_in_sonar: Record<string, number>;
  entities: DeltaEntityRow[];
  deleted_in_sonar: DeletedRow[];
  errors: number;
}

function dataDir(): string {
  return process.env.DATA_DIR ?? readEnvFile(projectPath('.env')).DATA_DIR ?? 'data';
}

function usage(message: string): number {
  console.error(`migrate: ${message}\n${USAGE}`);
  return 2;
}

/** A snapshot id not taken yet: the time, with a suffix if a snapshot of that second exists. */
function freshSnapshotId(root: string): string {
  const id = newSnapshotId();
  if (!fs.existsSync(path.join(root, id))) return id;
  for (let n = 2; ; n++) if (!fs.existsSync(path.join(root, `${id}-${n}`))) return `${id}-${n}`;
}

/** The per-entity counts of a run, with the deletions the snapshot found and what Splynx holds for them. */
export function deltaSummary(report: RunReport, manifest: SnapshotManifest, ledger: Ledger | null): DeltaSummary {
  const deleted: DeletedRow[] = [];
  for (const [table, ids] of Object.entries(manifest.deleted ?? {})) {
    for (const id of ids) {
      const hits = (DELETED_AS[table] ?? []).map((e) => ({ entity: e, rec: ledger?.get(e, id) })).filter((h) => h.rec?.splynx_id);
      if (!hits.length) deleted.push({ table, sonar_id: id, entity: '', splynx_id: '', what_to_do: 'never migrated: nothing to do' });
      for (const h of hits) {
        deleted.push({
          table,
          sonar_id: id,
          entity: h.entity,
          splynx_id: h.rec!.splynx_id!,
          what_to_do: `still in Splynx: delete or disable ${h.entity} ${h.rec!.splynx_id} there if it should go too`,
        });
      }
    }
  }
  return {
    since: manifest.since ?? '',
    snapshot: manifest.id,
    run_id: report.run_id,
    changed_in_sonar: Object.fromEntries(
      Object.entries(manifest.tables)
        .filter(([, t]) => t.count > 0)
        .map(([t, p]) => [t, p.count]),
    ),
    entities: Object.entries(report.entities).map(([entity, c]) => ({
      entity,
      created: c.created,
      updated: c.updated,
      unchanged: c.skipped,
      adopted: c.adopted,
      failed: c.failed,
    })),
    deleted_in_sonar: deleted,
    errors: report.errors.length,
  };
}

/** Splits `--since ID` off the arguments; the rest are load options. */
function splitSince(args: string[]): { since?: string; rest: string[] } {
  const rest: string[] = [];
  let since: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--since') since = args[++i];
    else if (args[i].startsWith('--since=')) since = args[i].slice('--since='.length);
    else rest.push(args[i]);
  }
  return { since, rest };
}

export async function deltaCommand(args: string[]): Promise<number> {
  const { since, rest } = splitSince(args);
  if (!since || since.startsWith('-')) return usage('delta needs --since with the id of an earlier snapshot (data/snapshots/<id>)');
  if (rest.some((a) => a === '--snapshot-id' || a.startsWith('--snapshot-id=')))
    return usage('--snapshot-id does not go with delta: it takes a snapshot of its own');
  const inv = parseLoadArgs('all', rest);
  if ('problem' in inv) return usage(inv.problem);

  const root = dataPath(dataDir(), 'snapshots');
  let base: SnapshotManifest;
  try {
    base = readManifest(path.join(root, since));
  } catch {
    return usage(`since: no snapshot "${since}" in ${root}`);
  }
  if (base.status !== 'complete')
    return usage(`since: snapshot ${since} is not complete; finish it first (migrate.ts snapshot --snapshot-id ${since})`);
  if (base.selection)
    console.error(
      `migrate: snapshot ${since} holds only some accounts; the delta brings every account changed since, and the load migrates them`,
    );

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
  const runDir = dataPath(dataDir(), 'runs', runId);
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

/** Prints what the delta did per entity, what Sonar deleted, then the run folder last; answers the exit code. */
function printDeltaSummary(runDir: string, snapshotDir: string, replayCode: number): number {
  const file = path.join(runDir, 'report.json');
  if (!fs.existsSync(file)) {
    console.error(`migrate: the delta wrote no report`);
    console.log(runDir);
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
  const byCategory = report.errors.reduce<Record<string, number>>((m, e) => ((m[e.category] = (m[e.category] ?? 0) + 1), m), {});
  console.log(
    report.errors.length
      ? `${report.errors.length} errors (${Object.entries(byCategory)
          .map(([c, n]) => `${n} ${c}`)
          .join(', ')}): see errors.csv`
      : 'No errors.',
  );
  if (report.stopped)
    console.log(
      `Stopped at the first error; fix it, then run the delta again (the ledger resumes), or load this snapshot again with: migrate.ts all --snapshot-id ${summary.snapshot}`,
    );
  else if (!report.dry_run) console.log(`The next delta starts from this one: migrate.ts delta --since ${summary.snapshot}`);
  console.log(runDir);
  return replayCode || (report.errors.length ? 1 : 0);
}
