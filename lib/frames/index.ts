/**
 * Dataframes, display and profiles for the notebooks.
 *
 * - load.ts: a snapshot into typed danfojs DataFrames (`loadSnapshot`, `toFrame`), and a cleaned
 *   dataset out to `data/clean/<id>/` and back (`writeCleaned`, `loadCleaned`).
 * - columns.ts: the declared type of every column (ids, zips and phones stay text).
 * - show.ts: `show()` tables and `progress()` bars, HTML in the notebook, text headless.
 * - profile.ts: nulls, duplicates, invalid values, overlong fields, orphans, value counts, and
 *   `issuesForReview` gathering them.
 */
export * from './columns.js';
export { toCell, fromCell, isoDate, isoInstant, type Cell, type TypeProblem } from './convert.js';
export { isFrame, frameColumns, frameDtypes, frameLength, type DataFrame } from './danfo.js';
export * from './load.js';
export * from './show.js';
export { inKernel } from './kernel.js';
export * from './profile/index.js';
export { TableView } from './view.js';
