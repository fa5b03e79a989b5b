/**
 * The workbook's own headless commands (scripts/migrate.ts, scripts/replay.ts) as child
 * processes, the way cutover runs them: the chaos scenarios must prove the real thing, not an
 * in-process imitation. Each child is the leader of its own process group, so a SIGKILL takes
 * it down whole, like a power cut, and its output is appended to a log in the data folder (which
 * the secrets scan reads afterwards).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../paths.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Last line of stdout: migrate.ts prints the run folder there. */
  lastLine: string;
}

export interface Child {
  process: ChildProcess;
  done: Promise<ChildResult>;
  /** SIGKILL to the whole process group; answers whether it was still running. */
  kill(): boolean;
}

export interface ChildOptions {
  env: NodeJS.ProcessEnv;
  /** Appended with both output streams. */
  log: string;
}

/** Starts `node --import tsx scripts/<script> …args` from the project root. */
export function startChild(script: string, args: string[], opts: ChildOptions): Child {
  fs.mkdirSync(path.dirname(opts.log), { recursive: true });
  const log = fs.openSync(opts.log, 'a');
  fs.writeSync(log, `\n$ ${script} ${args.join(' ')}  (${new Date().toISOString()})\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('scripts', script), ...args], {
    cwd: projectPath(),
    env: opts.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
    if (stdout.length > 1_000_000) stdout = stdout.slice(-500_000);
    fs.writeSync(log, b);
  });
  child.stderr!.on('data', (b: Buffer) => fs.writeSync(log, b));
  const done = new Promise<ChildResult>((resolve) => {
    child.on('close', (code, signal) => {
      fs.writeSync(log, `\n[exit ${code ?? signal}]\n`);
      fs.closeSync(log);
      resolve({ code, signal, stdout, lastLine: stdout.trim().split('\n').pop() ?? '' });
    });
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    process: child,
    done,
    kill() {
      if (exited || child.pid === undefined) return false;
      try {
        process.kill(-child.pid, 'SIGKILL');
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Runs a command to the end. */
export function runChild(script: string, args: string[], opts: ChildOptions): Promise<ChildResult> {
  return startChild(script, args, opts).done;
}
