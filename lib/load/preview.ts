/**
 * The preview of a dry run: per entity, what Sonar holds beside the Splynx payload it becomes, for
 * a sample of records and for every record that would fail, so the analyst sees what will be sent
 * before anything is. Written to `preview.csv` in the run folder (one row per field pair) and
 * shown in notebook 03.
 *
 * Fields are paired side by side: a payload field with the Sonar field of the same name, else the
 * one holding the same value (`login` ← `id`); what pairs with nothing has its own row. Credentials
 * never appear: a field named like one (SECRET_NAME: a RADIUS or portal password, a key, a token),
 * or a column a secret kind keeps (lib/secrets/kinds.ts), shows `***` on both sides, and every
 * configured secret is scrubbed from the file. Create-only fields (a first password) are not part
 * of a payload, so a preview never sees them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { scrubSecrets } from '../config.js';
import type { EntityModule, Row, TransformContext } from '../entities/types.js';
import { cellText, SECRET_NAME } from '../frames/show.js';
import { SECRET_KINDS } from '../secrets/kinds.js';
import { recordingContext, type Translation } from './recording-context.js';
import { defaultRunsDir } from '../run-id.js';

export const PREVIEW_FILE = 'preview.csv';
/** Records per entity shown as a sample, besides every one that would fail. */
export const PREVIEW_SAMPLE = 3;
export const PREVIEW_COLUMNS = [
  'entity',
  'sonar_id',
  'outcome',
  'sonar_field',
  'sonar_value',
  'splynx_field',
  'splynx_value',
  'note',
] as const;

export interface PreviewRow {
  entity: string;
  sonar_id: string;
  /** `sample`: a record that would load; `fails`: one that would not (its error in `note`). */
  outcome: 'sample' | 'fails';
  sonar_field: string;
  sonar_value: string;
  splynx_field: string;
  splynx_value: string;
  note: string;
}

/** Columns the secrets store keeps as secrets, whatever they are called. */
const SECRET_COLUMNS = new Set<string>(Object.values(SECRET_KINDS).map((k) => k.secret));

/** A value as the preview shows it: `***` for a credential. */
export function maskedValue(field: string, value: unknown): string {
  const name = field.split('.').pop() ?? field;
  if ((SECRET_NAME.test(name) || SECRET_COLUMNS.has(name)) && value !== null && value !== undefined && value !== '') return '***';
  return cellText(value, '');
}

/** A payload with nested objects as dotted fields (`additional_attributes.sonar_id`). */
export function flatten(payload: Row, prefix = ''): Array<[string, unknown]> {
  return Object.entries(payload).flatMap(([k, v]): Array<[string, unknown]> =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? flatten(v as Row, `${prefix}${k}.`) : [[`${prefix}${k}`, v]],
  );
}

/** The payload of a record, or why there is none (the transform or the schema refused it). */
export function payloadOf(mod: EntityModule, row: Row, ctx: TransformContext): { payload?: Row; error?: string } {
  try {
    return { payload: mod.payload.parse(mod.transform(row, ctx)) as Row };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** One record's field pairs. */
export function previewRecord(mod: EntityModule, row: Row, ctx: TransformContext, outcome: PreviewRow['outcome'], note = ''): PreviewRow[] {
  const seen = { mappings: [], translations: [] as Translation[] };
  const { payload, error } = payloadOf(mod, row, recordingContext(ctx, seen));
  const source = Object.entries(row).filter(([, v]) => v !== null && v !== undefined && v !== '');
  const used = new Set<string>();
  const spent = new Set<Translation>();
  const out: PreviewRow[] = [];
  const base = { entity: mod.name, sonar_id: String(row.id), outcome };
  const text = (v: unknown) => cellText(v, '').trim();
  for (const [field, value] of payload ? flatten(payload) : []) {
    const leaf = field.split('.').pop()!;
    const same = source.find(([k]) => k === leaf && !used.has(k));
    // A value the transform looked up (a mapping row, a reference through the ledger): the Sonar field that held its key.
    // Keys are ids: the field is one that refers (`account_status_id`, `company_id`), unused if one is left.
    let via: Translation | undefined;
    let translated: [string, unknown] | undefined;
    // Each lookup explains one field: in a dry run every reference is "0", so the order of the lookups tells them apart.
    for (const t of seen.translations.filter((t) => t.splynx_value === text(value) && !spent.has(t))) {
      const keys = source.filter(([k, v]) => k.endsWith('_id') && text(v) === t.sonar_value);
      translated = keys.find(([k]) => !used.has(k)) ?? keys[0];
      if (translated) {
        via = t;
        spent.add(t);
        break;
      }
    }
    // A value of a few characters ("1", "0") pairs by coincidence: only longer ones are matched, and the record's own id
    // where a Splynx field carries it (login, sonar_id). One Sonar field may feed several Splynx fields; an unused one is preferred.
    const carriesId = /(^|_)(login|sonar_id)$/.test(leaf);
    const matches = ([k, v]: [string, unknown]) =>
      text(v) !== '' && text(v) === text(value) && (k === 'id' ? carriesId : text(value).length >= 3);
    const equal = translated ? undefined : (source.find((f) => !used.has(f[0]) && matches(f)) ?? source.find(matches));
    const pair = same ?? translated ?? equal;
    if (pair) used.add(pair[0]);
    out.push({
      ...base,
      sonar_field: pair?.[0] ?? '',
      sonar_value: pair ? maskedValue(pair[0], pair[1]) : '',
      splynx_field: field,
      splynx_value: maskedValue(field, value),
      note: translated && !same ? `by ${via!.via}` : '',
    });
  }
  for (const [k, v] of source)
    if (!used.has(k)) out.push({ ...base, sonar_field: k, sonar_value: maskedValue(k, v), splynx_field: '', splynx_value: '', note: '' });
  const why = note || error || '';
  if (out.length && why) out[0].note = out[0].note ? `${why}; ${out[0].note}` : why;
  else out.push({ ...base, sonar_field: '', sonar_value: '', splynx_field: '', splynx_value: '', note: why });
  return out;
}

export interface PreviewInput {
  entities: EntityModule[];
  tables: Record<string, Row[]>;
  ctx: TransformContext;
  /** The dry run's error rows: every record among them is previewed. */
  errors: Array<{ entity: string; source_id: string; message: string }>;
  sample?: number;
}

/** The preview rows of the entities: a sample of each, then every record that would fail. */
export function buildPreview(p: PreviewInput): PreviewRow[] {
  const n = p.sample ?? PREVIEW_SAMPLE;
  const out: PreviewRow[] = [];
  for (const mod of p.entities) {
    const failing = new Map<string, string>();
    for (const e of p.errors) if (e.entity === mod.name && !failing.has(e.source_id)) failing.set(e.source_id, e.message);
    const selected = (p.tables[mod.source] ?? []).filter((r) => !failing.has(String(r.id)) && safeSelect(mod, r, p.ctx));
    for (const r of selected.slice(0, n)) out.push(...previewRecord(mod, r, p.ctx, 'sample'));
    for (const [id, message] of failing) {
      const r = p.ctx.byId(mod.source, id);
      if (r) out.push(...previewRecord(mod, r, p.ctx, 'fails', message));
      else
        out.push({
          entity: mod.name,
          sonar_id: id,
          outcome: 'fails',
          sonar_field: '',
          sonar_value: '',
          splynx_field: '',
          splynx_value: '',
          note: message,
        });
    }
  }
  return out;
}

function safeSelect(mod: EntityModule, r: Row, ctx: TransformContext): boolean {
  try {
    return mod.select?.(r, ctx) ?? true;
  } catch {
    return false;
  }
}

/** The preview rows of a run folder (none when it has no preview). */
export function readPreview(runDir: string): PreviewRow[] {
  const file = path.join(runDir, PREVIEW_FILE);
  return fs.existsSync(file) ? (parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as PreviewRow[]) : [];
}

/**
 * Writes `<runDir>/preview.csv`. A dry run spans notebooks (foundation, then customers): the rows
 * of entities this call did not preview stay. Answers the file's path.
 */
export function writePreview(runDir: string, p: PreviewInput & { secrets: string[] }): string {
  const rows = buildPreview(p);
  const mine = new Set(p.entities.map((e) => e.name));
  const all = [...readPreview(runDir).filter((r) => !mine.has(r.entity)), ...rows];
  const file = path.join(runDir, PREVIEW_FILE);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(file, scrubSecrets(stringify(all, { header: true, columns: [...PREVIEW_COLUMNS] }), p.secrets));
  return file;
}

/** Per entity: records sampled, records that would fail, and rows, for an overview table. */
export function previewOverview(rows: PreviewRow[]): Array<{ entity: string; sampled: number; would_fail: number; rows: number }> {
  const by = new Map<string, { sampled: Set<string>; failing: Set<string>; rows: number }>();
  for (const r of rows) {
    const e = by.get(r.entity) ?? { sampled: new Set(), failing: new Set(), rows: 0 };
    by.set(r.entity, e);
    (r.outcome === 'fails' ? e.failing : e.sampled).add(r.sonar_id);
    e.rows++;
  }
  return [...by].map(([entity, e]) => ({ entity, sampled: e.sampled.size, would_fail: e.failing.size, rows: e.rows }));
}

/** The preview of one entity (and `outcome`, if given), for a table in the notebook. */
export function previewOf(rows: PreviewRow[], entity: string, outcome?: PreviewRow['outcome']): PreviewRow[] {
  return rows.filter((r) => r.entity === entity && (!outcome || r.outcome === outcome));
}

/** The preview of a run of the configured data folder, by run id (notebook 03). */
export const readRunPreview = (runId: string, runsDir = defaultRunsDir()) => readPreview(path.join(runsDir, runId));
