// What a chart cell leaves in an executed notebook: one display output with the Vega-Lite spec,
// the SVG drawn from it and a text form. Shared by the tests that execute notebooks.
import assert from 'node:assert/strict';
import type { Notebook } from '../lib/replay/notebook.js';
import { VEGA_LITE_MIME } from '../lib/frames/charts/index.js';

export interface ChartOutput {
  cell: string;
  spec: { usermeta?: { chart?: string }; data?: { values?: unknown[] } };
  svg: string;
  text: string;
}

const joined = (v: unknown) => (Array.isArray(v) ? v.join('') : String(v ?? ''));

/** Every chart output of the notebook, by the chart's name (the spec's `usermeta.chart`). */
export function chartOutputs(nb: Notebook): Map<string, ChartOutput> {
  const out = new Map<string, ChartOutput>();
  for (const cell of nb.cells)
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== 'display_data' || !(VEGA_LITE_MIME in o.data)) continue;
      const spec = o.data[VEGA_LITE_MIME] as ChartOutput['spec'];
      out.set(spec.usermeta?.chart ?? '', {
        cell: cell.id ?? '',
        spec,
        svg: joined(o.data['image/svg+xml']),
        text: joined(o.data['text/plain']),
      });
    }
  return out;
}

/** Marks a chart drew: bars, line points and lines, or the text of a "nothing to draw" chart. */
export const markCount = (svg: string) => (svg.match(/aria-roledescription="(bar|line mark|point|text mark)"/g) ?? []).length;

/** The named charts are in the notebook, each with a spec, a non-empty SVG with marks, and its text; every chart cell has one. */
export function assertCharts(nb: Notebook, names: string[], how: string): Map<string, ChartOutput> {
  const charts = chartOutputs(nb);
  for (const name of names) {
    const c = charts.get(name);
    assert.ok(c, `${how}: no Vega-Lite output of chart ${name} (found ${[...charts.keys()].join(', ') || 'none'})`);
    assert.ok(Array.isArray(c.spec.data?.values), `${how}: ${name}'s spec carries its data`);
    assert.match(c.svg, /^<svg[\s\S]*<\/svg>$/, `${how}: ${name} has an SVG beside its spec`);
    assert.ok(markCount(c.svg) > 0, `${how}: ${name}'s SVG draws something`);
    assert.ok(c.text.length > 0, `${how}: ${name} has a text form`);
  }
  const chartCells = nb.cells.filter((cell) => cell.cell_type === 'code' && /\bawait chart\(/.test(joined(cell.source)));
  for (const cell of chartCells)
    assert.ok(
      [...charts.values()].some((c) => c.cell === cell.id),
      `${how}: chart cell ${cell.id} has no chart output`,
    );
  return charts;
}
