/**
 * Profiles of a snapshot for the analyst: each returns plain rows to `show()`, and
 * `issuesForReview` gathers them into the one review table (entity, source_id, field, category,
 * problem, suggested_fix), the same shape as `cleanSnapshot`'s issues.
 *
 * They take frames (`loadSnapshot`) or records (`loadRecords`, `cleanSnapshot(...).tables`), and
 * judge values with lib/clean's own rules, so a profile of the cleaned data shows what is left.
 * Orphans are only meaningful on a full snapshot (or one with its selected accounts' members):
 * an incremental one holds changes only, and every reference out of it looks dangling.
 */
export type { Issue, IssueCategory } from '../../clean/snapshot.js';
export type { FieldList } from './common.js';
export * from './counts.js';
export * from './duplicates.js';
export * from './values.js';
export * from './lengths.js';
export * from './references.js';
export * from './review.js';
