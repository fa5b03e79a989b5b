/**
 * The leak check: search every file a run wrote (logs, reports, error tables, executed notebooks,
 * the SQLite ledger, snapshots, mapping tables) for the credentials that were in use, in the forms
 * they could take on the way out (as they are, URL-encoded, JSON-escaped; the Basic header is
 * registered as its own credential). Answers file and line of each hit and which credential it
 * was, never the value.
 *
 * Folders named `secrets` are skipped, and said so: that is where the workbook's secrets store
 * (lib/secrets) keeps the secrets it issues on purpose (git-ignored, mode 600). Those are
 * credentials too: `issuedSecrets` reads them so the search looks for them everywhere else.
 *
 * Subscribers' RADIUS passwords are Sonar's own data: a snapshot holds them (and its cleaned copy,
 * which the loader reads). A credential registered as `sonarHeld` is therefore not a leak inside a
 * Sonar copy, a folder with a snapshot manifest (`data/snapshots/<id>/`, `data/clean/<id>/`), a Sonar
 * backup database (lib/backup) or a dataset a Sonar sandbox serves (scripts/generate.ts's file,
 * `{"format":…}`); anywhere else it is. Every other
 * credential is a leak even there.
 *
 * Files are read as bytes, so binary files (the ledger) are searched as well; a line is counted by
 * newlines before the hit. One pass per file whatever the number of credentials: candidates are
 * found by their first four bytes, then compared whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { INFO_TABLE } from '../backup/store.js';
import type { IssuedCredential } from '../sandbox/credentials.js';

/** Shorter values match by chance (a key "k" is in every word): they are counted, not searched. */
export const MIN_SECRET_LENGTH = 8;

export interface Leak {
  file: string;
  line: number;
  /** Which credential, e.g. "Splynx API secret"; never its value. */
  label: string;
  form: 'as is' | 'URL-encoded' | 'JSON-escaped';
}

export interface ScanResult {
  files: number;
  bytes: number;
  /** Distinct values searched for. */
  searched: number;
  /** Values too short to search. */
  tooShort: number;
  /** Folders left out on purpose (the `secrets` folders). */
  excluded: string[];
  leaks: Leak[];
}

export interface ScanOptions {
  /** Files to leave out (the credentials registry itself). */
  skipFiles?: string[];
  /** Only files changed at or after this time (ms since the epoch). */
  since?: number;
  /** Folders not to enter, by name (default: `secrets`, node_modules, .git). */
  skipDirs?: string[];
}

interface Needle {
  bytes: Buffer;
  label: string;
  form: Leak['form'];
  /** A value Sonar itself holds (a RADIUS password): no leak inside a Sonar copy. */
  sonarHeld: boolean;
}

const isBackupDatabase = (head: Buffer) =>
  head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0' && head.subarray(0, 65536).includes(`CREATE TABLE ${INFO_TABLE} (`);

/** Whether a file is a copy of Sonar's own data: a Sonar sandbox dataset, or in a folder (up to the scan root) with a snapshot manifest. */
export function isSonarCopy(file: string, root: string, head: Buffer): boolean {
  if (head.subarray(0, 11).toString('utf8') === '{"format":"') return true;
  // A Sonar backup database (lib/backup): SQLite, its schema naming the backup's own info table;
  // its write-ahead log and journal go with it.
  const journal = /-(wal|journal)$/.exec(file);
  if (journal) {
    const db = file.slice(0, -journal[0].length);
    if (fs.existsSync(db)) return isBackupDatabase(fs.readFileSync(db).subarray(0, 65536));
  }
  if (isBackupDatabase(head)) return true;
  for (let dir = path.dirname(file); dir.startsWith(root) && dir.length >= root.length; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'manifest.json'))) return true;
    if (dir === path.dirname(dir)) break;
  }
  return false;
}

function needles(credentials: IssuedCredential[]): { list: Needle[]; searched: number; tooShort: number } {
  const seen = new Set<string>();
  const list: Needle[] = [];
  let tooShort = 0;
  // A value Sonar holds (registered so by the Sonar sandbox) is Sonar's wherever else it was registered (Splynx).
  const sonarHeld = new Map<string, boolean>();
  for (const c of credentials) sonarHeld.set(c.value, !!sonarHeld.get(c.value) || !!c.sonarHeld);
  for (const c of credentials) {
    if (seen.has(c.value)) continue;
    seen.add(c.value);
    if (c.value.length < MIN_SECRET_LENGTH) {
      tooShort++;
      continue;
    }
    const forms = new Map<string, Leak['form']>([[c.value, 'as is']]);
    if (!forms.has(encodeURIComponent(c.value))) forms.set(encodeURIComponent(c.value), 'URL-encoded');
    const json = JSON.stringify(c.value).slice(1, -1);
    if (!forms.has(json)) forms.set(json, 'JSON-escaped');
    for (const [v, form] of forms) list.push({ bytes: Buffer.from(v, 'utf8'), label: c.label, form, sonarHeld: !!sonarHeld.get(c.value) });
  }
  return { list, searched: seen.size - tooShort, tooShort };
}

const key4 = (b: Buffer, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

function files(root: string, opts: ScanOptions, excluded: string[]): string[] {
  if (!fs.existsSync(root)) return [];
  const skipDirs = new Set(opts.skipDirs ?? ['secrets', 'node_modules', '.git']);
  const skipFiles = new Set((opts.skipFiles ?? []).map((f) => path.resolve(f)));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (skipDirs.has(e.name)) excluded.push(p);
        else walk(p);
      } else if (e.isFile() && !skipFiles.has(path.resolve(p))) {
        if (opts.since === undefined || fs.statSync(p).mtimeMs >= opts.since) out.push(p);
      }
    }
  };
  if (fs.statSync(root).isDirectory()) {
    // A root that is itself a skipped folder (npm test scans each folder of data/, data/secrets among them).
    if (skipDirs.has(path.basename(root))) excluded.push(root);
    else walk(root);
  } else out.push(root);
  return out;
}

/** Searches every file under `roots` for the credentials. */
export function scanForSecrets(roots: string[], credentials: IssuedCredential[], opts: ScanOptions = {}): ScanResult {
  const { list, searched, tooShort } = needles(credentials);
  const byKey = new Map<number, Needle[]>();
  // The first two bytes of every needle, as a table: most positions of a file are ruled out by one lookup.
  const first2 = new Uint8Array(65536);
  for (const n of list) {
    const k = key4(n.bytes, 0);
    byKey.set(k, [...(byKey.get(k) ?? []), n]);
    first2[n.bytes[0] | (n.bytes[1] << 8)] = 1;
  }
  const excluded: string[] = [];
  const leaks: Leak[] = [];
  let count = 0;
  let bytes = 0;
  for (const [file, root] of roots.flatMap((r) => files(r, opts, excluded).map((f) => [f, path.resolve(r)] as const))) {
    let b: Buffer;
    try {
      b = fs.readFileSync(file);
    } catch {
      continue; // gone meanwhile (a test's own temporary file)
    }
    count++;
    bytes += b.length;
    if (!byKey.size) continue;
    const sonarCopy = isSonarCopy(path.resolve(file), root, b);
    let line = 1;
    let lineCountedTo = 0;
    for (let i = 0; i + 4 <= b.length; i++) {
      if (!first2[b[i] | (b[i + 1] << 8)]) continue;
      const hits = byKey.get(key4(b, i));
      if (!hits) continue;
      for (const n of hits) {
        if (n.sonarHeld && sonarCopy) continue;
        if (i + n.bytes.length > b.length || b.compare(n.bytes, 0, n.bytes.length, i, i + n.bytes.length) !== 0) continue;
        for (; lineCountedTo < i; lineCountedTo++) if (b[lineCountedTo] === 10) line++;
        leaks.push({ file, line, label: n.label, form: n.form });
      }
    }
  }
  return { files: count, bytes, searched, tooShort, excluded: [...new Set(excluded)], leaks };
}

/** One line per leak, file:line and which credential, for a report or a failing test. */
export function describeLeaks(result: ScanResult, base = process.cwd()): string[] {
  return result.leaks.map((l) => `${path.relative(base, l.file)}:${l.line}: ${l.label} (${l.form})`);
}
