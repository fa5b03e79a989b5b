/**
 * How far ahead of the clock a long signed load pushes the key's nonce, and what that does to
 * another integration on the same key: the whole migration of a generated ISP (every phase,
 * through the real loader and client) into a fresh Splynx sandbox, once per auth method. Right
 * after each load, a client signing as the blueprint's example does (a fresh centisecond nonce)
 * asks for one page: a 401 means it is locked out until the clock catches up with our lead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanSnapshot } from '../clean/snapshot.js';
import type { Row } from '../entities/index.js';
import { Ledger } from '../ledger/index.js';
import { runMigration } from '../load/run.js';
import { generateIsp } from '../sandbox/generator/index.js';
import { blueprintExampleGet } from '../sandbox/splynx/client.js';
import { startSplynxSandbox } from '../sandbox/splynx/server.js';
import type { SplynxAuthMethod } from '../splynx/client.js';
import { SplynxApi } from '../splynx/client.js';
import { centiseconds } from '../splynx/nonce.js';
import { round } from './measure.js';

export interface DriftFigures {
  auth: SplynxAuthMethod;
  accounts: number;
  concurrency: number;
  requests: number;
  /** Nonces our client drew (header signatures, token requests). */
  nonces: number;
  elapsed_cs: number;
  /** How far the nonce was ahead of the clock when the load ended, and at most during it. */
  lead_at_end_s: number;
  max_lead_s: number;
  requests_per_s: number;
  /** The blueprint-style client right after the load: its HTTP status, and how long until it would be let in. */
  blueprint_client_status: number;
  blueprint_locked_out_s: number;
}

export async function measureNonceDrift(opts: {
  accounts: number;
  auth: SplynxAuthMethod;
  concurrency?: number;
  seed?: number;
}): Promise<DriftFigures> {
  const concurrency = opts.concurrency ?? 8;
  const key = `drift-${opts.auth}-key`;
  const secret = `drift-${opts.auth}-secret`;
  const tables = cleanSnapshot(
    generateIsp({ accounts: opts.accounts, seed: opts.seed ?? 1 }).tables as unknown as Record<string, Row[]>,
  ).tables;
  const splynx = await startSplynxSandbox({ apiKey: key, apiSecret: secret });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nonce-drift-'));
  const ledger = new Ledger(path.join(dir, 'ledger.sqlite'));
  try {
    const api = new SplynxApi({ url: splynx.url, key, secret, auth: opts.auth, concurrency });
    const started = centiseconds();
    const issuedBefore = api.nonces.issued;
    await runMigration(api, ledger, tables, {
      runId: `drift-${opts.auth}`,
      runDir: path.join(dir, 'run'),
      mappingsDir: path.join(dir, 'mappings'),
      secretsDir: path.join(dir, 'secrets'),
      timezone: 'UTC',
      concurrency,
      stopOnError: false,
    });
    const elapsed = centiseconds() - started;
    const lead = api.nonces.leadCs();
    const other = await blueprintExampleGet(splynx.url, key, secret, 'admin/administration/partners');
    return {
      auth: opts.auth,
      accounts: opts.accounts,
      concurrency,
      requests: api.stats.requests,
      nonces: api.nonces.issued - issuedBefore,
      elapsed_cs: elapsed,
      lead_at_end_s: round(lead / 100, 1),
      max_lead_s: round(api.nonces.maxLeadCs / 100, 1),
      requests_per_s: round(api.stats.requests / (elapsed / 100), 1),
      blueprint_client_status: other.status,
      blueprint_locked_out_s: other.status === 200 ? 0 : round(Math.max(0, api.nonces.highest - other.nonce) / 100, 1),
    };
  } finally {
    ledger.close();
    await splynx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
