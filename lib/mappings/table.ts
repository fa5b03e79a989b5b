/**
 * Mapping tables the analyst owns: `data/mappings/<name>.csv`, one row per Sonar value with the
 * Splynx value it becomes and why. The first run proposes every row from the data; the analyst
 * edits the file; later runs read it and only add rows for values they have not seen, so an edit
 * is never overwritten. A value with no row, or with a Splynx value outside the allowed set, is an
 * error, never a silent default.
 *
 * A table can carry further decisions per row (`columns`: the account-status table's service-side
 * billing decision), each with its own reason column. A file written before such a column existed
 * gets it proposed, row by row, the next time it is proposed; the analyst's other cells stay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export interface MappingRow {
  sonar_id: string;
  sonar_value: string;
  splynx_value: string;
  reason: string;
  records: string;
  /** Further columns of the table (`spec.columns`) and their `<column>_reason`. */
  [column: string]: string;
}

/** A further decision per row, beside `splynx_value`. */
export interface MappingColumn {
  name: string;
  /** What the value is, for messages: "service-side billing decision". */
  describes: string;
  allowed: readonly string[];
}

export interface MappingSpec {
  /** File stem, e.g. `account-status`. */
  name: string;
  /** What the Splynx side is, for messages: "customer status". */
  describes: string;
  /** Allowed Splynx values; undefined when the value is free (e.g. an id checked later). */
  allowed?: readonly string[];
  /** A free value must match this (e.g. `new` or a Splynx id), with `expects` saying so in messages. */
  pattern?: RegExp;
  expects?: string;
  /** Further decisions per row, each proposed with a reason (`<name>_reason`). */
  columns?: readonly MappingColumn[];
}

export class UnmappedError extends Error {
  override name = 'UnmappedError';
  constructor(
    readonly mapping: string,
    readonly sonarId: string,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

const reasonOf = (column: string) => `${column}_reason`;

export class MappingTable {
  private rows = new Map<string, MappingRow>();
  /** Rows proposed while this table was first being written (several entities share a table) are not "new since". */
  private readonly existedAtOpen: boolean;
  /** The further columns the file already had when opened: the others are proposed into its rows. */
  private readonly columnsInFile = new Set<string>();

  constructor(
    readonly spec: MappingSpec,
    readonly file: string,
  ) {
    this.existedAtOpen = fs.existsSync(file);
    if (this.existedAtOpen) {
      const text = fs.readFileSync(file, 'utf8');
      const parsed = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as MappingRow[];
      for (const r of parsed) this.rows.set(String(r.sonar_id), { ...r, sonar_id: String(r.sonar_id) });
      const header = (parse(text, { to_line: 1, trim: true }) as string[][])[0] ?? [];
      for (const c of spec.columns ?? []) if (header.includes(c.name)) this.columnsInFile.add(c.name);
    }
  }

  /** The file's columns: the five every table has, with the further ones (and their reasons) before `records`. */
  private columns(): string[] {
    const extra = (this.spec.columns ?? []).flatMap((c) => [c.name, reasonOf(c.name)]);
    return ['sonar_id', 'sonar_value', 'splynx_value', 'reason', ...extra, 'records'];
  }

  static open(dir: string, spec: MappingSpec): MappingTable {
    return new MappingTable(spec, path.join(dir, `${spec.name}.csv`));
  }

  get exists(): boolean {
    return fs.existsSync(this.file);
  }

  all(): MappingRow[] {
    return [...this.rows.values()];
  }

  /**
   * Adds a proposed row for every Sonar value the file does not have yet, refreshes the record
   * counts, and writes the file. Rows already in the file keep the analyst's `splynx_value`.
   */
  propose(proposals: MappingRow[]): { added: MappingRow[]; kept: number } {
    const added: MappingRow[] = [];
    for (const p of proposals) {
      const existing = this.rows.get(p.sonar_id);
      if (existing) {
        existing.records = p.records;
        // A column the file did not have yet is proposed into it; one the analyst has is theirs.
        for (const c of this.spec.columns ?? []) {
          if (this.columnsInFile.has(c.name) || existing[c.name]) continue;
          existing[c.name] = p[c.name] ?? '';
          existing[reasonOf(c.name)] = p[reasonOf(c.name)] ? `column added to the existing table: ${p[reasonOf(c.name)]}` : '';
        }
      } else {
        const row = { ...p, reason: this.existedAtOpen ? `new since the table was written: ${p.reason}` : p.reason };
        this.rows.set(p.sonar_id, row);
        added.push(row);
      }
    }
    this.save();
    return { added, kept: proposals.length - added.length };
  }

  save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, stringify(this.all(), { header: true, columns: this.columns() }));
    fs.renameSync(tmp, this.file);
  }

  /** Rows whose Splynx value (or a further column's) is empty or not allowed, with a message each. */
  problems(): Array<{ row: MappingRow; message: string }> {
    return this.all().flatMap((row) => {
      const out: Array<{ row: MappingRow; message: string }> = [];
      const v = row.splynx_value.trim();
      if (!v) out.push({ row, message: `${this.spec.name}: Sonar "${row.sonar_value}" (${row.sonar_id}) has no ${this.spec.describes}` });
      else if (!this.accepts(v))
        out.push({ row, message: `${this.spec.name}: "${v}" is not a ${this.spec.describes} (${this.expected()})` });
      for (const c of this.spec.columns ?? []) {
        const x = String(row[c.name] ?? '').trim();
        if (!x)
          out.push({ row, message: `${this.spec.name}: Sonar "${row.sonar_value}" (${row.sonar_id}) has no ${c.describes} (${c.name})` });
        else if (!c.allowed.includes(x))
          out.push({ row, message: `${this.spec.name}: "${x}" is not a ${c.describes} (${c.name}; allowed: ${c.allowed.join(', ')})` });
      }
      return out;
    });
  }

  /** The Splynx value for a Sonar id, or an UnmappedError that says which file to edit. */
  lookup(sonarId: unknown): string {
    const id = String(sonarId ?? '');
    const row = this.rows.get(id);
    const where = path.relative(process.cwd(), this.file) || this.file;
    if (!row)
      throw new UnmappedError(
        this.spec.name,
        id,
        this.file,
        `No ${this.spec.describes} for Sonar ${this.spec.name} ${id}: add a row to ${where}`,
      );
    const v = row.splynx_value.trim();
    if (!v || !this.accepts(v)) {
      throw new UnmappedError(
        this.spec.name,
        id,
        this.file,
        `Sonar ${this.spec.name} "${row.sonar_value}" maps to "${v}", which is not a ${this.spec.describes}: fix ${where}`,
      );
    }
    return v;
  }

  /** A further column's value for a Sonar id (`spec.columns`), or an UnmappedError that says which file to edit. */
  lookupColumn(sonarId: unknown, column: string): string {
    const c = (this.spec.columns ?? []).find((x) => x.name === column);
    if (!c) throw new Error(`mapping table ${this.spec.name} has no column ${column}`);
    const id = String(sonarId ?? '');
    const row = this.rows.get(id);
    const where = path.relative(process.cwd(), this.file) || this.file;
    if (!row)
      throw new UnmappedError(this.spec.name, id, this.file, `No ${c.describes} for Sonar ${this.spec.name} ${id}: add a row to ${where}`);
    const v = String(row[column] ?? '').trim();
    if (!c.allowed.includes(v))
      throw new UnmappedError(
        this.spec.name,
        id,
        this.file,
        `Sonar ${this.spec.name} "${row.sonar_value}" has ${v ? `"${v}" as` : 'no'} ${c.describes} (column ${column}; allowed: ${c.allowed.join(', ')}): fix ${where}`,
      );
    return v;
  }

  private accepts(v: string): boolean {
    return (!this.spec.allowed || this.spec.allowed.includes(v)) && (!this.spec.pattern || this.spec.pattern.test(v));
  }

  private expected(): string {
    return this.spec.allowed ? `allowed: ${this.spec.allowed.join(', ')}` : `expected: ${this.spec.expects ?? this.spec.pattern}`;
  }
}
