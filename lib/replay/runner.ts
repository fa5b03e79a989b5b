/**
 * Runs a notebook's own code cells headlessly, in this process, through tslab's own converter,
 * executor and Jupyter handler: the same TypeScript compilation, top-level await, shared scope
 * and display calls as in the kernel, so the notebook is the single source of each step.
 * Writes the executed copy (outputs and all) and a log to `data/runs/<run-id>/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { scrubSecrets, readEnvFile, SECRET_KEYS } from '../config.js';
import { projectPath } from '../paths.js';
import { parametersCellIndex, readNotebook, sourceOf, toLines, writeNotebook, type Cell, type Output } from './notebook.js';
import { declaredParameters, injectedSource } from './params.js';
import { claimRunId, defaultRunsDir } from '../run-id.js';
import { LiveBars, PROGRESS_MIME, type ProgressState } from './live-bar.js';

/** notebooks/08-verify.ipynb takes its run id from here. */
export { newRunId } from '../run-id.js';

export interface ReplayOptions {
  notebook: string;
  params?: Record<string, string>;
  runId?: string;
  /** Folder for runs; default `<DATA_DIR>/runs`. */
  runsDir?: string;
  /** Echo cell outputs to this process's stdout/stderr as they come (the CLI does). */
  echo?: boolean;
  /** Draw progress displays as live bars (default: when stdout is a terminal). */
  liveBars?: boolean;
  /** Where echoed stdout and the bars go (default this process's stdout). */
  terminal?: { write(text: string): unknown; columns?: number };
}

export interface CellReport {
  index: number;
  status: 'ok' | 'failed' | 'not-run';
  ms: number;
  firstLine: string;
}

export interface ReplayResult {
  ok: boolean;
  runId: string;
  executed: string;
  log: string;
  cells: CellReport[];
  failed?: { index: number; message: string };
}

interface TslabHandler {
  handleExecute(
    req: { code: string },
    writeStream: (name: 'stdout' | 'stderr', text: string) => void,
    writeDisplayData: (
      data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } },
      update: boolean,
    ) => void,
  ): Promise<{ status: 'ok' | 'error' | 'abort'; execution_count?: number }>;
}

/** Set while a notebook replays: its run folder, where cells that write files of the run (charts) put them. */
export const RUN_DIR_ENV = 'WORKBOOK_RUN_DIR';

/** Secrets as they are configured, read leniently: a replay must scrub even when settings are invalid. */
export function configuredSecrets(): string[] {
  const file = readEnvFile(projectPath('.env'));
  return SECRET_KEYS.flatMap((k) => [process.env[k], file[k]]).filter((v): v is string => !!v && v.length >= 4);
}

/**
 * A notebook's kernel: tslab's handler, and a close that stops its converters' TypeScript watch programs.
 * They watch the folders module lookups failed in (up to the project's parents); one left open after its
 * notebook schedules a rebuild on the next change there that nothing ever runs, and tslab throws on the
 * second ("Unexpected pending rebuildTimer"), outside any cell: it ended whole rehearsals.
 */
function tslabKernel(rootDir: string): { handler: TslabHandler; close(): void } {
  // tslab is CommonJS and documents no API for this; these are the modules its kernel wires together.
  const req = createRequire(import.meta.url);
  const { createConverter } = req('tslab/dist/converter.js');
  const { createExecutor } = req('tslab/dist/executor.js');
  const { JupyterHandlerImpl } = req('tslab/dist/jupyter.js');
  const convs = { node: createConverter({ isJS: false, isBrowser: false }), browser: createConverter({ isJS: false, isBrowser: true }) };
  const executor = createExecutor(rootDir, convs, console);
  return {
    handler: new JupyterHandlerImpl(executor, false) as TslabHandler,
    close: () => {
      convs.node.close();
      convs.browser.close();
    },
  };
}

export async function replayNotebook(opts: ReplayOptions): Promise<ReplayResult> {
  const notebookPath = path.resolve(opts.notebook);
  const nb = readNotebook(notebookPath);
  const runsDir = opts.runsDir ?? defaultRunsDir();
  const runId = opts.runId ?? claimRunId(runsDir);
  const runDir = path.join(runsDir, runId);
  fs.mkdirSync(runDir, { recursive: true });
  const name = path.basename(notebookPath);
  const executed = path.join(runDir, name);
  const logFile = path.join(runDir, 'replay.log');
  const secrets = configuredSecrets();
  const scrub = (t: string) => scrubSecrets(t, secrets);
  const log = (line: string) => fs.appendFileSync(logFile, scrub(`${new Date().toISOString()} ${name} ${line}\n`));

  // Parameters: validate before running anything, then inject a cell after the `parameters` cell.
  const pIndex = parametersCellIndex(nb);
  if (opts.params && Object.keys(opts.params).length) {
    if (pIndex < 0) throw new Error(`${name} has no cell tagged "parameters", so it takes no parameters`);
    const injected: Cell = {
      cell_type: 'code',
      metadata: { tags: ['injected-parameters'] },
      source: toLines(injectedSource(declaredParameters(sourceOf(nb.cells[pIndex])), opts.params)),
      outputs: [],
      execution_count: null,
    };
    nb.cells.splice(pIndex + 1, 0, injected);
  }
  log(`start run ${runId}${opts.params ? ` params ${scrub(JSON.stringify(opts.params))}` : ''}`);

  const notebookDir = path.dirname(notebookPath);
  const previousCwd = process.cwd();
  const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const cells: CellReport[] = [];
  let failed: ReplayResult['failed'];
  // In a terminal, progress displays are live bars; otherwise periodic plain lines.
  const terminal = opts.terminal ?? { write: (t: string) => original.out(t), columns: process.stdout.columns };
  const bars = opts.echo && (opts.liveBars ?? process.stdout.isTTY) ? new LiveBars(terminal) : null;
  // Jupyter starts the kernel in the notebook's folder; relative paths in cells must mean the same here.
  process.chdir(notebookDir);
  const previousRunDir = process.env[RUN_DIR_ENV];
  process.env[RUN_DIR_ENV] = runDir;
  let kernel: ReturnType<typeof tslabKernel> | undefined;
  try {
    kernel = tslabKernel(notebookDir);
    const handler = kernel.handler;
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const source = sourceOf(cell);
      const firstLine = source.split('\n').find((l) => l.trim()) ?? '';
      if (failed || !source.trim()) {
        cell.outputs = [];
        cell.execution_count = null;
        cell.metadata.replay = { status: failed ? 'not-run' : 'ok' };
        cells.push({ index, status: failed ? 'not-run' : 'ok', ms: 0, firstLine });
        continue;
      }
      const outputs: Output[] = [];
      const displays = new Map<string, number>();
      let stderrText = '';
      const writeStream = (streamName: 'stdout' | 'stderr', text: string) => {
        const clean = scrub(text);
        if (streamName === 'stderr') stderrText += clean;
        const last = outputs[outputs.length - 1];
        if (last?.output_type === 'stream' && last.name === streamName) last.text.push(...toLines(clean));
        else outputs.push({ output_type: 'stream', name: streamName, text: toLines(clean) });
        if (opts.echo) (streamName === 'stdout' ? terminal.write : original.err)(clean);
      };
      const writeDisplay = (
        d: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } },
        update: boolean,
      ) => {
        // A JSON output (a chart's Vega-Lite spec) is scrubbed as its text, like every other one.
        const numbers = d.data[PROGRESS_MIME] as ProgressState | undefined;
        const data = Object.fromEntries(
          Object.entries(d.data)
            .filter(([k]) => k !== PROGRESS_MIME)
            .map(([k, v]) => [k, typeof v === 'string' ? scrub(v) : v === undefined ? v : JSON.parse(scrub(JSON.stringify(v)))]),
        );
        const out: Output = { output_type: 'display_data', data, metadata: d.metadata ?? {} };
        const id = d.transient?.display_id;
        // An update replaces the display in place, as Jupyter would show it.
        if (update && id && displays.has(id)) outputs[displays.get(id)!] = out;
        else {
          if (id) displays.set(id, outputs.length);
          outputs.push(out);
        }
        const text = typeof data['text/plain'] === 'string' ? data['text/plain'] : null;
        if (bars && numbers) {
          bars.show(id ?? `anon-${outputs.length}`, { ...numbers, message: numbers.message && scrub(numbers.message) });
          if (numbers.finished && text !== null) terminal.write(`${text}\n`);
          return;
        }
        // Echo new displays at once; an updating one (a progress bar) at most every 2 s, and its last state when the cell ends.
        if (opts.echo && text !== null) {
          const key = id ?? `anon-${outputs.length}`;
          const seen = echoed.get(key);
          if (!update || !seen || Date.now() - seen.at >= 2000) {
            terminal.write(`${text}\n`);
            echoed.set(key, { at: Date.now(), text });
            pendingEcho.delete(key);
          } else pendingEcho.set(key, text);
        }
      };
      const echoed = new Map<string, { at: number; text: string }>();
      const pendingEcho = new Map<string, string>();
      const started = Date.now();
      let status: string;
      try {
        ({ status } = await handler.handleExecute({ code: source }, writeStream, writeDisplay));
      } finally {
        bars?.stopAll();
        process.stdout.write = original.out;
        process.stderr.write = original.err;
      }
      for (const [key, text] of pendingEcho) if (echoed.get(key)?.text !== text) terminal.write(`${text}\n`);
      const ms = Date.now() - started;
      cell.execution_count = cells.filter((c) => c.status !== 'not-run').length + 1;
      if (status !== 'ok') {
        const message = errorLine(stderrText) || `cell ended with status ${status}`;
        outputs.push({ output_type: 'error', ename: 'CellError', evalue: message, traceback: toLines(stderrText || message) });
        failed = { index, message };
        cell.metadata.replay = { status: 'failed', ms };
        cells.push({ index, status: 'failed', ms, firstLine });
        log(`cell ${index + 1} FAILED after ${ms} ms: ${firstLine.slice(0, 80)} -> ${message}`);
      } else {
        cell.metadata.replay = { status: 'ok', ms };
        cells.push({ index, status: 'ok', ms, firstLine });
        // The process's memory after each cell: at scale, which step of which notebook holds the most.
        log(`cell ${index + 1} ok ${ms} ms, rss ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MB: ${firstLine.slice(0, 80)}`);
      }
      cell.outputs = outputs;
    }
  } finally {
    kernel?.close();
    process.chdir(previousCwd);
    if (previousRunDir === undefined) delete process.env[RUN_DIR_ENV];
    else process.env[RUN_DIR_ENV] = previousRunDir;
  }
  nb.metadata.replay = { run_id: runId, finished_at: new Date().toISOString(), ok: !failed, params: opts.params ?? {} };
  writeNotebook(executed, nb);
  log(failed ? `stopped at cell ${failed.index + 1}` : 'finished');
  return { ok: !failed, runId, executed, log: logFile, cells, failed };
}

/** The line that says what went wrong: a thrown error's "Name: message", or a type error tslab printed. */
function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const thrown = lines.find((l) => /^([A-Z]\w*)?Error\b.*?:/.test(l) || /^\w+Error \[/.test(l));
  const typeError = lines.find((l) => /^\d+:\d+ - /.test(l));
  return (thrown ?? typeError ?? lines.slice(0, 2).join(' ')).slice(0, 500);
}
