/**
 * Charts for the notebooks and report.html: Vega-Lite specs made from the workbook's own data,
 * drawn to SVG in Node. Import from `dist/lib/frames/charts/index.js` in a notebook:
 *
 * ```ts
 * await chart(accountStatusChart(frames));      // 02
 * await chart(qualityChart(frames));            // 02
 * await chart(errorChart(report));              // 03 (the dry run), 04–07
 * await chart(progressChart(session.ledger.file, report.run_id)); // 07
 * await chart(reconciliationChart({ rows: counts.rows, differences, money, runId })); // 08
 * ```
 */
export {
  chart,
  chartText,
  captionOf,
  CHART_CAPTIONS,
  chartRunDir,
  writeChartSvg,
  writeWhole,
  VEGA_LITE_MIME,
  RUN_DIR_ENV,
  type Chart,
  type ChartOptions,
} from './chart.js';
export { renderSvg, CHART_CONFIG, type VegaLiteSpec, type Rendered } from './render.js';
export { accountStatusChart, qualityChart, QUALITY_KINDS } from './snapshot.js';
export { errorChart, progressChart, loadProgress, entityPhases, ERROR_CATEGORIES, type ErrorsOf, type ProgressRow } from './run.js';
export { reconciliationChart, OUTCOMES, type ReconciliationInput } from './verify.js';
