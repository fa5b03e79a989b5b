/**
 * Just enough of nbformat 4 to read a notebook, run its code cells and write the executed copy
 * the way Jupyter would have saved it.
 */
import fs from 'node:fs';

export type Output =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string[] }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: unknown }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  source: string | string[];
  metadata: Record<string, unknown> & { tags?: string[] };
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export const sourceOf = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

/** nbformat stores multi-line strings as a list of lines, each keeping its newline. */
export const toLines = (text: string) => text.split(/(?<=\n)/).filter((l) => l.length > 0);

export function readNotebook(file: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
  } catch (e) {
    throw new Error(`Cannot read notebook ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(nb.cells) || nb.nbformat !== 4) throw new Error(`${file} is not an nbformat 4 notebook`);
  return nb;
}

export function writeNotebook(file: string, nb: Notebook): void {
  fs.writeFileSync(file, JSON.stringify(nb, null, 1) + '\n');
}

/** The cell tagged `parameters`, as papermill finds it. */
export function parametersCellIndex(nb: Notebook): number {
  return nb.cells.findIndex((c) => c.cell_type === 'code' && c.metadata.tags?.includes('parameters'));
}
