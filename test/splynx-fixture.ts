// One Splynx sandbox for a test file, over real HTTP: a fresh API key (long enough for the secrets
// scan after npm test to search every output for it), a client on it, and a temporary folder. It
// opens before the file's tests and closes, with the folder, after them. Also the small generated
// ISP, cleaned as notebook 02 cleans it, that most of these files load.
import { before, after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startSplynxSandbox, type SplynxSandbox } from '../lib/sandbox/splynx/server.js';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import { cleanSnapshot } from '../lib/clean/snapshot.js';
import { SplynxApi } from '../lib/splynx/client.js';
import type { Row } from '../lib/entities/index.js';

export interface SplynxFixture {
  readonly key: string;
  readonly secret: string;
  splynx: SplynxSandbox;
  api: SplynxApi;
  /** The file's temporary folder: ledgers, run folders, secrets. */
  dir: string;
}

/** `opened` runs once the sandbox is up (a file's own set-up: root hooks of a file do not wait for each other). */
export function splynxFixture(prefix: string, opened?: (f: SplynxFixture) => void): SplynxFixture {
  const f = {
    key: `test-key-${randomBytes(6).toString('hex')}`,
    secret: `test-secret-${randomBytes(6).toString('hex')}`,
  } as SplynxFixture;
  before(async () => {
    f.splynx = await startSplynxSandbox({ apiKey: f.key, apiSecret: f.secret });
    f.api = new SplynxApi({ url: f.splynx.url, key: f.key, secret: f.secret, retryBaseMs: 1 });
    f.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    opened?.(f);
  });
  after(async () => {
    await f.splynx.close();
    fs.rmSync(f.dir, { recursive: true, force: true });
  });
  return f;
}

/** A generated ISP's tables, cleaned (no Sonar in between: the generator's tables are what a snapshot reads). */
export function cleanIsp(accounts: number, seed: number): Record<string, Row[]> {
  return cleanSnapshot(generateIsp({ accounts, seed }).tables as unknown as Record<string, Row[]>).tables;
}
