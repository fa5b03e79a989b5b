/**
 * Searches what a run wrote for the credentials it used, and fails listing file:line of each hit
 * (never the value). `npm test` runs it after the tests over their outputs; it can be pointed at
 * any folder, e.g. a rehearsal's data folder with the credentials the sandboxes registered.
 *
 *   npx tsx scripts/scan-secrets.ts --credentials FILE [--since ISO-TIME] [--skip-dir NAME …] DIR [DIR …]
 *
 * FILE holds one `{"label","value"}` JSON object a line (lib/sandbox/credentials.ts writes it).
 * The administrators' temporary passwords are read from the `secrets` folders under each DIR and
 * searched for everywhere else; the `secrets` folders themselves are skipped, and listed as such.
 * `--skip-dir` leaves out more folders by name (npm test: tsx's compile cache, which holds copies of
 * the test sources, literal test credentials included: source, not output).
 * Exit 0: nothing found; 1: a leak; 2: bad usage.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeLeaks, scanForSecrets } from '../lib/chaos/secrets-scan.js';
import { issuedSecrets } from '../lib/secrets/index.js';
import { readCredentialsFile } from '../lib/sandbox/credentials.js';

let v;
try {
  v = parseArgs({
    allowPositionals: true,
    options: { credentials: { type: 'string' }, since: { type: 'string' }, 'skip-dir': { type: 'string', multiple: true } },
  });
} catch (e) {
  console.error(`scan-secrets: ${(e as Error).message}`);
  process.exit(2);
}
const since = v.values.since ? Date.parse(v.values.since) : undefined;
if (!v.values.credentials || !v.positionals.length || (v.values.since && Number.isNaN(since))) {
  console.error('usage: tsx scripts/scan-secrets.ts --credentials FILE [--since ISO-TIME] [--skip-dir NAME …] DIR [DIR …]');
  process.exit(2);
}
const roots = v.positionals.map((d) => path.resolve(d));
const credentials = [...readCredentialsFile(v.values.credentials), ...issuedSecrets(roots)];
const result = scanForSecrets(roots, credentials, {
  skipFiles: [v.values.credentials],
  since,
  skipDirs: ['secrets', 'node_modules', '.git', ...(v.values['skip-dir'] ?? [])],
});
for (const line of describeLeaks(result)) console.error(`LEAK ${line}`);
console.error(
  `scan-secrets: ${result.files} files (${(result.bytes / 1e6).toFixed(1)} MB) searched for ${result.searched} credentials` +
    (result.tooShort ? ` (${result.tooShort} too short to search)` : '') +
    `; left out on purpose: ${
      result.excluded.length
        ? `${result.excluded.length} folders (${[...new Set(result.excluded.map((d) => path.basename(d)))].join(', ')}): ${result.excluded
            .slice(0, 3)
            .map((d) => path.relative(process.cwd(), d))
            .join(', ')}${result.excluded.length > 3 ? ', …' : ''}`
        : 'nothing'
    }` +
    `; ${result.leaks.length ? `${result.leaks.length} LEAKS` : 'no leak'}`,
);
process.exit(result.leaks.length ? 1 : 0);
