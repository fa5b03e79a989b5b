/**
 * GraphQL-only backup of a Sonar instance: every list query found by introspection, paged into a
 * SQLite file or a PostgreSQL schema, resumable. See backup.ts for the flow, selection.ts for
 * what a record holds at each depth, store.ts for the layout.
 */
export {
  runBackup,
  newBackupId,
  toRows,
  BackupUsageError,
  BACKUP_FORMAT,
  type BackupOptions,
  type BackupResult,
  type BackupEvent,
  type TableSummary,
} from './backup.js';
export { backupCommand, USAGE as BACKUP_USAGE, type CommandIo } from './command.js';
export { discoverTables, DiscoveryError, META_TABLES, type Discovery, type TablePlan, type SkippedQuery } from './discover.js';
export { introspectSchema } from './introspect.js';
export { selectionFor, isConnection } from './selection.js';
export { SqliteBackupStore } from './sqlite-store.js';
export { PostgresBackupStore } from './postgres-store.js';
export { redactUrl } from './redact.js';
export type { BackupStore, TableProgress, TableStatus, StoredRow } from './store.js';
