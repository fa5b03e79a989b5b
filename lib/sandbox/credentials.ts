/**
 * Every credential the sandboxes accept or hand out (API keys and secrets, Sonar tokens, Splynx
 * access and refresh tokens, the seeded administrator's password), kept so a leak check can search
 * outputs for them afterwards: in memory for this process, and, when `SANDBOX_CREDENTIALS_FILE`
 * is set (npm test sets it), appended to that file (mode 600), which the check reads and never
 * scans. Rehearsal credentials only: a real Sonar or Splynx never passes through here.
 */
import fs from 'node:fs';

export interface IssuedCredential {
  label: string;
  value: string;
  /** Sonar's own data (a subscriber's RADIUS password): the leak check allows it in Sonar copies (snapshots) only. */
  sonarHeld?: boolean;
}

const issued: IssuedCredential[] = [];

export function registerCredential(label: string, value: string | undefined | null): void {
  if (!value) return;
  issued.push({ label, value });
  const file = process.env.SANDBOX_CREDENTIALS_FILE;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ label, value })}\n`, { mode: 0o600 });
}

/** Many at once (a dataset's subscriber passwords), in one append. */
export function registerCredentials(list: IssuedCredential[]): void {
  const kept = list.filter((c) => c.value);
  issued.push(...kept);
  const file = process.env.SANDBOX_CREDENTIALS_FILE;
  if (file && kept.length) fs.appendFileSync(file, kept.map((c) => `${JSON.stringify(c)}\n`).join(''), { mode: 0o600 });
}

/** The credentials this process's sandboxes have used so far. */
export function issuedCredentials(): IssuedCredential[] {
  return [...issued];
}

/** The credentials a registry file holds (one JSON object a line). */
export function readCredentialsFile(file: string): IssuedCredential[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IssuedCredential);
}
