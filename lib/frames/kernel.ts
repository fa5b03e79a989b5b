/**
 * Rich output in the tslab kernel, or nothing outside it.
 *
 * tslab's public `display.html()` throws `Error("Not ready")` unless a cell is running in the
 * kernel: it checks `lastWriteDisplayData` of its `jupyter` module, which the kernel (and the
 * headless replay, lib/replay/runner.ts) set for each cell. We look for that same module among
 * the modules already loaded instead of importing tslab: outside a kernel nothing has loaded it,
 * so a script or a test never pays for tslab's TypeScript compiler just to print a table.
 *
 * Writing through `lastWriteDisplayData` (as `display.raw` does) lets one output carry both
 * `text/html`, which Jupyter shows, and `text/plain`, which the replay echoes to the terminal and
 * text-only viewers fall back on; the public API sends one MIME type per output. A JSON MIME type
 * (a chart's Vega-Lite spec) goes as the object itself, as Jupyter expects.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

type WriteDisplayData = (
  data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

interface JupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

const require = createRequire(import.meta.url);
const SUFFIX = path.join('tslab', 'dist', 'jupyter.js');
let known: JupyterModule | undefined;

/** tslab's `jupyter` module if this process has loaded it (it is loaded in a kernel, and by the replay). */
function jupyterModule(): JupyterModule | undefined {
  if (known) return known;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (file.endsWith(SUFFIX) && mod?.exports && 'lastWriteDisplayData' in mod.exports) return (known = mod.exports as JupyterModule);
  }
  return undefined;
}

/** True while a cell runs in the tslab kernel (or the replay), where rich output can be displayed. */
export function inKernel(): boolean {
  return typeof jupyterModule()?.lastWriteDisplayData === 'function';
}

/**
 * Sends one display output with several MIME types. With `displayId`, later calls with the same
 * id and `update: true` replace it in place. False when there is no kernel to send it to.
 */
export function displayBundle(bundle: Record<string, unknown>, opts: { displayId?: string; update?: boolean } = {}): boolean {
  const write = jupyterModule()?.lastWriteDisplayData;
  if (typeof write !== 'function') return false;
  write({ data: bundle, metadata: {}, transient: opts.displayId ? { display_id: opts.displayId } : {} }, !!opts.update);
  return true;
}

export function newDisplayId(): string {
  return randomBytes(8).toString('hex');
}
