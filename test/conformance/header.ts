/**
 * An entity module's field-mapping header: the markdown table in the comment that opens the
 * module (`| Sonar | Splynx | note |`), found through docs/field-mapping.md's index.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EntityModule } from '../../lib/entities/index.js';
import { projectPath } from '../../lib/paths.js';

export const FIELD_MAPPING_INDEX = projectPath('docs', 'field-mapping.md');

/** The index's rows: entity → module file (project-relative). */
export function mappingIndex(file = FIELD_MAPPING_INDEX): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\| `([a-z0-9_]+)` \|[^|]*\| \[`([^`]+)`\]/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** The text of the header table's Splynx column, or null when the module opens with no such table. */
export function splynxColumn(moduleFile: string): string | null {
  const src = fs.readFileSync(projectPath(moduleFile), 'utf8');
  const comment = /^\/\*\*([\s\S]*?)\*\//.exec(src)?.[1] ?? '';
  const rows = comment
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) => l.split('|').slice(1, -1));
  if (rows.length < 2) return null;
  const col = rows[0].findIndex((h) => /splynx/i.test(h));
  if (col < 0) return null;
  return rows
    .slice(1)
    .map((r) => r[col] ?? '')
    .join('\n');
}

/** The payload's top-level fields (zod object shapes). */
export function payloadFields(mod: EntityModule): string[] {
  return Object.keys((mod.payload as unknown as { shape?: Record<string, unknown> }).shape ?? {});
}

/** Payload fields the module's header table does not name; null when there is no table to look in. */
export function unnamedFields(mod: EntityModule, moduleFile: string): string[] | null {
  const column = splynxColumn(moduleFile);
  if (column === null) return null;
  return payloadFields(mod).filter((f) => !new RegExp(`(^|[^A-Za-z0-9_])${f}([^A-Za-z0-9_]|$)`).test(column));
}

export const moduleExists = (moduleFile: string) => fs.existsSync(path.resolve(projectPath(), moduleFile));
