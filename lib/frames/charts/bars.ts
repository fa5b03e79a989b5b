/**
 * The few chart shapes the workbook draws, as Vega-Lite specs: stacked horizontal bars (a count
 * per entity or table, split by kind, its total at the end of each bar), step lines over time,
 * and a one-line chart for "nothing to draw", so a chart cell always has a chart.
 */
import type { Chart } from './chart.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './render.js';

export const WIDTH = 440;

/** The fields every spec starts with. */
export function base(name: string, title: string, values: object[]): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, usermeta: { chart: name }, title, config: CHART_CONFIG, data: { values } };
}

/** A chart with only a sentence in it. */
export function emptyChart(name: string, title: string, sentence: string, runId?: string): Chart {
  return {
    name,
    title,
    runId,
    rows: [],
    empty: sentence,
    spec: {
      ...base(name, title, [{ text: sentence }]),
      width: WIDTH,
      height: 24,
      mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 12, color: '#555', x: 0 },
      encoding: { text: { field: 'text', type: 'nominal' } },
    },
  };
}

export interface StackedBars {
  name: string;
  title: string;
  rows: Array<Record<string, string | number>>;
  /** The bar's label (entity, table). */
  y: { field: string; title: string };
  /** The count. */
  x: { field: string; title: string };
  /** What each bar is split by, in the order (and colours) given. */
  color: { field: string; domain: readonly string[]; range: readonly string[] };
  runId?: string;
  /** The sentence when there are no rows. */
  empty: string;
}

/** Horizontal bars, longest first, split by `color` in its domain's order, each with its total. */
export function stackedBars(o: StackedBars): Chart {
  if (!o.rows.length) return emptyChart(o.name, o.title, o.empty, o.runId);
  const scale = presentScale(o.color.domain, o.color.range, new Set(o.rows.map((r) => String(r[o.color.field]))));
  const totals = new Map<string, number>();
  for (const r of o.rows) totals.set(String(r[o.y.field]), (totals.get(String(r[o.y.field])) ?? 0) + Number(r[o.x.field]));
  // Longest bar first, as an explicit order: a layered, colour-sorted chart cannot sort by a sum itself.
  const order = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const y = { field: o.y.field, type: 'nominal', title: null, sort: order };
  return {
    name: o.name,
    title: o.title,
    rows: o.rows,
    runId: o.runId,
    spec: {
      ...base(o.name, o.title, o.rows),
      width: WIDTH,
      height: { step: 20 },
      encoding: { y },
      layer: [
        {
          transform: [
            { calculate: `indexof(${JSON.stringify(scale.domain)}, datum[${JSON.stringify(o.color.field)}])`, as: '_rank' },
            {
              calculate: `datum[${JSON.stringify(o.y.field)}] + ': ' + datum[${JSON.stringify(o.x.field)}] + ' ' + datum[${JSON.stringify(o.color.field)}]`,
              as: '_label',
            },
          ],
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: o.x.field,
              type: 'quantitative',
              aggregate: 'sum',
              title: o.x.title,
              axis: countAxis(Math.max(...totals.values())),
            },
            // Stacked in the domain's order, so a kind keeps its place in every bar; the rank stays out of the SVG's labels.
            order: { field: '_rank', type: 'quantitative' },
            description: { field: '_label', type: 'nominal' },
            color: {
              field: o.color.field,
              type: 'nominal',
              scale,
              legend: { title: null, orient: 'bottom', columns: 6 },
            },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' },
          encoding: {
            x: { field: o.x.field, type: 'quantitative', aggregate: 'sum' },
            text: { field: o.x.field, type: 'quantitative', aggregate: 'sum' },
          },
        },
      ],
    },
  };
}

/** The part of a fixed colour scale that the data uses: the legend lists only what is drawn, and each kind keeps its colour. */
export function presentScale(
  domain: readonly string[],
  range: readonly string[],
  present: Set<string>,
): { domain: string[]; range: string[] } {
  const keep = domain.map((k, i) => [k, range[i]] as const).filter(([k]) => present.has(k));
  const extra = [...present].filter((k) => !domain.includes(k)).sort();
  return { domain: [...keep.map(([k]) => k), ...extra], range: [...keep.map(([, c]) => c), ...extra.map(() => '#bab0ac')] };
}

/** An axis of whole counts: no tick between 0 and 1 (Vega's tickMinStep is not kept by the headless renderer). */
export function countAxis(max: number): Record<string, unknown> {
  return { format: 'd', tickCount: Math.max(1, Math.min(8, Math.ceil(max))) };
}
