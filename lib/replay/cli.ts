/**
 * The command-line face of the replay, shared by scripts/replay.ts and scripts/migrate.ts: build
 * lib if it changed, run each notebook in turn under one run id, report in plain words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from '../build.js';
import { parametersCellIndex, readNotebook, sourceOf } from './notebook.js';
import { declaredParameters, parseParamArgs } from './params.js';
import { claimRunId } from '../run-id.js';
import { replayNotebook } from './runner.js';

export async function runNotebooks(notebooks: string[], opts: { params?: string[]; runId?: string } = {}): Promise<number> {
  return (await replayNotebooks(notebooks, opts)).code;
}

/** Like runNotebooks, also answering the run id (for commands that read the run folder after). */
export async function replayNotebooks(
  notebooks: string[],
  opts: { params?: string[]; runId?: string; echo?: boolean } = {},
): Promise<{ code: number; runId: string }> {
  let params: Record<string, string>;
  try {
    params = parseParamArgs(opts.params ?? []);
    for (const nb of notebooks) if (!fs.existsSync(nb)) throw new Error(`No notebook at ${nb}`);
    const known = new Set(notebooks.flatMap(declaredIn));
    const unknown = Object.keys(params).filter((k) => !known.has(k));
    if (unknown.length)
      throw new Error(`Unknown parameter ${unknown.join(', ')}. The notebooks take: ${[...known].join(', ') || '(none)'}`);
    ensureBuilt();
  } catch (e) {
    console.error(`replay: ${(e as Error).message}`);
    return { code: 2, runId: '' };
  }
  const runId = opts.runId ?? claimRunId();
  for (const nb of notebooks) {
    console.error(`== ${path.basename(nb)} (run ${runId})`);
    try {
      // A notebook only takes the parameters it declares; the others are for the next notebook.
      // A notebook that writes into the run folder (the load notebooks) gets this run's id unless told otherwise.
      const own = paramsFor(nb, params);
      if (declaredIn(nb).includes('runId') && !('runId' in own)) own.runId = runId;
      const result = await replayNotebook({ notebook: nb, params: own, runId, echo: opts.echo ?? true });
      if (!result.ok) {
        console.error(`replay: ${path.basename(nb)} stopped at cell ${result.failed!.index + 1}: ${result.failed!.message}`);
        console.error(
          `replay: executed copy ${path.relative(process.cwd(), result.executed)}, log ${path.relative(process.cwd(), result.log)}`,
        );
        return { code: 1, runId };
      }
      console.error(
        `replay: ${path.basename(nb)} ran ${result.cells.filter((c) => c.status === 'ok').length} cells; executed copy ${path.relative(process.cwd(), result.executed)}`,
      );
    } catch (e) {
      console.error(`replay: ${(e as Error).message}`);
      return { code: 2, runId };
    }
  }
  return { code: 0, runId };
}

function declaredIn(notebook: string): string[] {
  const nb = readNotebook(notebook);
  const i = parametersCellIndex(nb);
  return i < 0 ? [] : declaredParameters(sourceOf(nb.cells[i])).map((d) => d.name);
}

function paramsFor(notebook: string, params: Record<string, string>): Record<string, string> {
  const names = new Set(declaredIn(notebook));
  return Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k)));
}
