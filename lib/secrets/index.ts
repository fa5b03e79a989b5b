/**
 * The one place the workbook keeps the secrets it issues (administrators' first passwords today;
 * subscribers' portal and RADIUS passwords through the same store later): CSV files in a folder
 * named `secrets` (`<DATA_DIR>/secrets/`, git-ignored), the folder 700 and each file 600, one file
 * per kind and run, each row synced to disk before the secret is sent anywhere. A secret goes
 * nowhere else: not the ledger, a report, a log or the error table.
 *
 * Nothing here prints. Rows are read back only as values to compare: a check that Splynx holds
 * what was issued, and the secrets scan (lib/chaos/secrets-scan.ts), which searches every other
 * file for them.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { projectPath } from '../paths.js';
import { SECRET_KINDS, type SecretKind } from './kinds.js';

export { SECRET_KINDS, type SecretKind } from './kinds.js';

/** The folder name secrets are kept under; the secrets scan leaves such folders out, by name. */
export const SECRETS_FOLDER = 'secrets';

export class SecretsStore {
  private dir = projectPath('data', SECRETS_FOLDER);
  private runId: string | null = null;
  private stamp: string | null = null;

  /**
   * Where the next secrets go: `dir` (a folder named `secrets`) and the run they belong to. A run
   * should call it with its own id; without one, files are named by the time of the first secret
   * this process keeps.
   */
  configure(opts: { dir?: string; runId?: string }): void {
    if (opts.dir) {
      const dir = path.resolve(opts.dir);
      if (path.basename(dir) !== SECRETS_FOLDER) throw new Error(`secrets are kept only in a folder named ${SECRETS_FOLDER}, not ${dir}`);
      this.dir = dir;
    }
    if (opts.runId !== undefined) this.runId = opts.runId.replace(/[^A-Za-z0-9._-]/g, '_') || null;
    this.stamp = null;
  }

  /** This run's file of a kind. */
  fileOf(kind: SecretKind): string {
    this.stamp ??= this.runId ?? new Date().toISOString().replace(/[:.]/g, '-');
    return path.join(this.dir, `${kind.name}-${this.stamp}.csv`);
  }

  /** Appends one row and syncs it to disk before it is sent anywhere. */
  record(kind: SecretKind, row: Record<string, string>): void {
    // A folder we make is 700 whatever the umask; one that exists keeps its mode (it may be shared), the file is 600 anyway.
    if (!fs.existsSync(this.dir)) {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(this.dir, 0o700);
    }
    const fd = fs.openSync(this.fileOf(kind), 'a', 0o600);
    try {
      fs.fchmodSync(fd, 0o600);
      const header = fs.fstatSync(fd).size === 0;
      fs.writeSync(fd, stringify([{ issued_at: new Date().toISOString(), ...row }], { header, columns: ['issued_at', ...kind.columns] }));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Every row of a kind kept in this store's folder, of every run, for a check; never for display. */
  read(kind: SecretKind): Array<Record<string, string>> {
    return filesOf(this.dir, kind).flatMap(readRows);
  }
}

/** The store the loader configures for each run and the entities write to. */
export const secrets = new SecretsStore();

const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%*+-=?@^_'];

/**
 * 20 characters from a 68-character alphabet (about 120 bits), at least one of each class so any
 * password policy accepts it, without look-alikes (0/O, 1/l/I) so it can be read out to someone.
 */
export function temporaryPassword(length = 20): string {
  const all = CLASSES.join('');
  const chars = CLASSES.map((c) => c[randomInt(c.length)]);
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** Every secret issued, of every kind, from the `secrets` folders under `roots`: what the secrets scan searches for. */
export function issuedSecrets(roots: string[]): Array<{ label: string; value: string }> {
  const out: Array<{ label: string; value: string }> = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
    if (path.basename(dir) !== SECRETS_FOLDER) return;
    for (const kind of Object.values(SECRET_KINDS) as SecretKind[])
      for (const r of filesOf(dir, kind).flatMap(readRows)) if (r[kind.secret]) out.push({ label: kind.label(r), value: r[kind.secret] });
  };
  for (const r of roots) walk(r);
  return out;
}

function filesOf(dir: string, kind: SecretKind): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${kind.name}-`) && f.endsWith('.csv'))
    .map((f) => path.join(dir, f));
}

const readRows = (file: string) =>
  parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
