/**
 * How far a long signed load pushes the Splynx key's nonce ahead of the clock, per auth method,
 * and whether a client signing as the blueprint's example does still gets in right after. The
 * figures behind the default SPLYNX_AUTH (README "Splynx auth and nonces").
 *
 *   npx tsx scripts/nonce-drift.ts [--accounts N] [--concurrency C] [--auth signature,token]
 */
import { parseArgs } from 'node:util';
import { measureNonceDrift } from '../lib/bench/nonce-drift.js';
import { renderText } from '../lib/frames/show.js';
import type { SplynxAuthMethod } from '../lib/splynx/client.js';

const { values } = parseArgs({
  options: { accounts: { type: 'string' }, concurrency: { type: 'string' }, auth: { type: 'string' } },
});
const accounts = Number(values.accounts ?? 500);
const concurrency = Number(values.concurrency ?? 8);
const methods = (values.auth ?? 'signature,token').split(',').map((s) => s.trim()) as SplynxAuthMethod[];
if (!Number.isInteger(accounts) || accounts < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: tsx scripts/nonce-drift.ts [--accounts N] [--concurrency C] [--auth signature,token]');
  process.exit(2);
}
const rows = [];
for (const auth of methods) rows.push(await measureNonceDrift({ accounts, auth, concurrency }));
console.log(renderText(rows, { title: `Nonce drift: ${accounts} accounts, every phase, concurrency ${concurrency}`, maxRows: 0 }));
