/**
 * The analyst's own CSV files of rows (corrections, exclusions): read with each row's file and line,
 * so that a refusal can name the row, and written whole through a temporary file, so that a run
 * stopped half-way never leaves half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Rows of `file` with these columns (missing cells ''), trimmed except the `verbatim` ones, each with its `source`. */
export function readAnalystRows<C extends string>(
  file: string,
  columns: readonly C[],
  opts: { verbatim?: readonly C[] } = {},
): Array<Record<C, string> & { source: string }> {
  const records = parse(fs.readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    info: true,
    relax_column_count: true,
  }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  return records.map(({ record, info }) => ({
    ...(Object.fromEntries(
      columns.map((c) => {
        const v = String(record[c] ?? '');
        return [c, opts.verbatim?.includes(c) ? v : v.trim()];
      }),
    ) as Record<C, string>),
    source: `${path.basename(file)} line ${info.lines}`,
  }));
}

export function writeAnalystRows<C extends string>(
  file: string,
  columns: readonly C[],
  rows: ReadonlyArray<Partial<Record<C, unknown>>>,
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, stringify(rows as Array<Record<string, unknown>>, { header: true, columns: [...columns] }));
  fs.renameSync(tmp, file);
}
