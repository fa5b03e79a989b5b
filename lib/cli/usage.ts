/** The usage text of `scripts/migrate.ts`: the one place its commands and options are listed. */
export const USAGE = `usage: tsx scripts/migrate.ts <command> [options]
  rehearse [load options]        the whole workbook in order, one run: check, snapshot, clean, map, load, verify;
                                 stops before loading while a mapping row needs a decision; a time per step
  cutover --since SNAPSHOT_ID [--full-verify] [load options]
                                 cutover day: check, the delta since that snapshot, verify, the first-bill verdict,
                                 the checklist of what to do by hand in Splynx, a time per step; verify reads back
                                 only the accounts Sonar changed, unless --full-verify
  check                          test both connections (notebooks/00-setup)
  snapshot [options]             take a Sonar snapshot (notebooks/01-extract)
      --snapshot-id ID  --since ID  --accounts 1,2  --statuses A,B
      --activated-from YYYY-MM-DD  --activated-to YYYY-MM-DD  --limit N  --tables a,b
  clean [--snapshot-id ID] [--default-country CC]
                                 profile and clean a snapshot (notebooks/02-explore-clean)
  map [--snapshot-id ID]         propose the mapping tables, dry-run every phase (notebooks/03-map)
  single --customer-id ID        migrate one customer (notebooks 04–07)
  batch --customer-ids "1,2,3"   migrate these customers
  all [--status S] [--active-only|--include-inactive] [--limit N]
                                 migrate every customer (or those filtered)
      load options: --phases foundation,network,inventory,customers,finance,support  --dry-run
                    --stop-on-error (default) | --no-stop-on-error  --include-dependencies  --include-members
                    --snapshot-id ID  --log-level error|warn|info|debug  --verbose
                    --handover-date YYYY-MM-DD (the first day Splynx bills; default HANDOVER_DATE, else the snapshot's date)
  delta --since SNAPSHOT_ID [load options]
                                 cutover: snapshot what changed in Sonar since that snapshot, create what is
                                 new and update what changed in Splynx (load options as for all)
  explain --table T --id ID [--snapshot-id ID]
                                 one record's journey: snapshot, cleaning, mapping rows, payload, ledger, Splynx now
  register-external --entity E --sonar-id S --splynx-id T
                                 record that Sonar record S already exists in Splynx as T
  verify [--sample N] [--seed S] [--snapshot-id ID] [--entities a,b] [--changed-only]
                                 reconcile Splynx with Sonar: counts, fields, money, first bill (notebooks/08-verify);
                                 --changed-only: read one by one, and preview first bills, only for the accounts
                                 Sonar changed since the snapshot this one builds on (cutover's verify)
  rollback [--run RUN_ID] [--entity E] [--dry-run]
                                 delete from Splynx what the migration (or one run) created
  backup [options]               GraphQL-only backup of every Sonar list query (--help for options)`;

/** Bad usage: the problem, then the usage text, on stderr; answers exit code 2. */
export function usage(message: string): number {
  console.error(`migrate: ${message}\n${USAGE}`);
  return 2;
}
