/**
 * Parameters, papermill style: a notebook declares them with defaults in the cell tagged
 * `parameters`; an override is injected as a new cell right after it, which redeclares them
 * (tslab lets a later cell redeclare `let` and `const`). Values keep the type of the default.
 */
export interface Declared {
  name: string;
  type: 'string' | 'number' | 'boolean';
  defaultText: string;
}

const DECLARATION = /^\s*(?:let|const|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*([\w\s|'"[\]]+?))?\s*=\s*(.+?);?\s*(?:\/\/.*)?$/;

export function declaredParameters(source: string): Declared[] {
  return source.split('\n').flatMap((line) => {
    const m = DECLARATION.exec(line);
    if (!m) return [];
    const value = m[3].trim();
    const type =
      /^-?\d+(\.\d+)?$/.test(value) || m[2]?.trim() === 'number'
        ? 'number'
        : /^(true|false)$/.test(value) || m[2]?.trim() === 'boolean'
          ? 'boolean'
          : 'string';
    return [{ name: m[1], type, defaultText: value }];
  });
}

/** `KEY=VALUE` strings from the command line. */
export function parseParamArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`--param wants KEY=VALUE, got "${a}"`);
    out[a.slice(0, eq).trim()] = a.slice(eq + 1);
  }
  return out;
}

/** The source of the injected cell, or an error naming what does not fit. */
export function injectedSource(declared: Declared[], overrides: Record<string, string>): string {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const lines = ['// Parameters injected by scripts/replay.ts'];
  for (const [name, raw] of Object.entries(overrides)) {
    const d = byName.get(name);
    if (!d)
      throw new Error(`Unknown parameter "${name}". This notebook's parameters: ${declared.map((x) => x.name).join(', ') || '(none)'}`);
    let literal: string;
    if (d.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new Error(`Parameter ${name} must be a number, got "${raw}"`);
      literal = String(Number(raw));
    } else if (d.type === 'boolean') {
      if (!/^(true|false|1|0|yes|no)$/i.test(raw.trim())) throw new Error(`Parameter ${name} must be true or false, got "${raw}"`);
      literal = String(/^(true|1|yes)$/i.test(raw.trim()));
    } else literal = JSON.stringify(raw);
    lines.push(`let ${name} = ${literal};`);
  }
  return lines.join('\n');
}
