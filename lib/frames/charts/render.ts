/**
 * A Vega-Lite spec to SVG, in Node, without a browser: vega-lite compiles the spec to Vega, and
 * Vega's headless view draws it as an SVG string. Both are loaded on the first chart only, so a
 * script that never draws one never pays for them (as danfojs in lib/frames).
 *
 * Specs are plain JSON objects with their data inline (`data.values`): the same object goes to
 * JupyterLab, which draws it itself, and to the SVG beside it.
 */

/** A Vega-Lite v5 spec, as JSON. */
export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** One look for every chart: readable at notebook width, on white (an SVG file opened alone has no page behind it). */
export const CHART_CONFIG = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  padding: 8,
  view: { stroke: null },
  axis: { labelFontSize: 11, labelLimit: 240, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
  title: { fontSize: 13, anchor: 'start', offset: 8 },
  bar: { discreteBandSize: 14 },
};

interface Renderer {
  compile(spec: VegaLiteSpec, logger: WarningLog): object;
  svg(vgSpec: object): Promise<string>;
}

let renderer: Promise<Renderer> | undefined;

function loadRenderer(): Promise<Renderer> {
  return (renderer ??= (async () => {
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    return {
      compile: (spec, logger) => vegaLite.compile(spec as never, { logger: logger as never }).spec,
      svg: (vgSpec) => new vega.View(vega.parse(vgSpec as never), { renderer: 'none' }).toSVG(),
    };
  })());
}

/** vega-lite's logger, keeping its warnings instead of printing them into a notebook's output. */
class WarningLog {
  readonly warnings: string[] = [];
  #level = 2;
  level(n?: number) {
    if (n === undefined) return this.#level;
    this.#level = n;
    return this;
  }
  warn(...args: unknown[]) {
    this.warnings.push(args.map(String).join(' '));
    return this;
  }
  info() {
    return this;
  }
  debug() {
    return this;
  }
  error(...args: unknown[]) {
    throw new Error(`vega-lite: ${args.map(String).join(' ')}`);
  }
}

export interface Rendered {
  svg: string;
  /** What vega-lite found wrong with the spec (a channel it ignored, a scale it could not use). */
  warnings: string[];
}

/**
 * The spec drawn as SVG. `idPrefix` makes the ids inside it (clip paths, gradients) its own, so
 * that several charts inlined in one HTML page do not take each other's.
 */
export async function renderSvg(spec: VegaLiteSpec, idPrefix = 'chart'): Promise<Rendered> {
  const r = await loadRenderer();
  const log = new WarningLog();
  const svg = await r.svg(r.compile(spec, log));
  return { svg: prefixIds(svg, idPrefix), warnings: log.warnings };
}

function prefixIds(svg: string, prefix: string): string {
  const p = prefix.replace(/[^A-Za-z0-9_-]/g, '-');
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${p}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${p}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${p}-$1"`);
}
