// Runs one of the project's scripts as a user would (`npx tsx scripts/<name>.ts …`), in a child
// process, and answers its exit code and output: the tests of the command lines share this.
import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` is added to this process's environment. */
export function runScript(script: string, args: string[], env: Record<string, string | undefined> = {}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join('scripts', script), ...args],
      { cwd: root, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
