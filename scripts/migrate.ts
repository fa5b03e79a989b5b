/**
 * The migration's command line, for cutover and CI. Every command that does migration work is a
 * thin front end over the replay: it runs the analyst's own notebooks, so the headless path
 * cannot drift from the interactive one.
 *
 *   npx tsx scripts/migrate.ts rehearse [load options]
 *   npx tsx scripts/migrate.ts cutover --since SNAPSHOT_ID [load options]
 *   npx tsx scripts/migrate.ts check
 *   npx tsx scripts/migrate.ts snapshot [--snapshot-id ID] [--since ID] [--accounts 1,2] [--statuses A,B] …
 *   npx tsx scripts/migrate.ts clean [--snapshot-id ID] [--default-country CC]
 *   npx tsx scripts/migrate.ts map [--snapshot-id ID]
 *   npx tsx scripts/migrate.ts single --customer-id ID [options]
 *   npx tsx scripts/migrate.ts batch --customer-ids "1,2,3" [options]
 *   npx tsx scripts/migrate.ts all [--status S] [--active-only|--include-inactive] [--limit N] [options]
 *   npx tsx scripts/migrate.ts delta --since SNAPSHOT_ID [load options]
 *   npx tsx scripts/migrate.ts register-external --entity E --sonar-id S --splynx-id T
 *   npx tsx scripts/migrate.ts verify [--sample N] [--seed S] [--snapshot-id ID] [--entities a,b]
 *   npx tsx scripts/migrate.ts rollback [--run RUN_ID] [--entity E] [--dry-run]
 *   npx tsx scripts/migrate.ts backup [--help for its options]
 */
import { migrate } from '../lib/cli/migrate.js';

process.exit(await migrate(process.argv.slice(2)));
