/**
 * Each measurement runs in a child process of its own (lib/bench/worker.ts), for two reasons:
 * its peak RSS is its own (the generator's 1.2 GB at 100,000 accounts never counts against the
 * load), and the Splynx sandbox gets a process of its own as a real Splynx would be a server of
 * its own, so its work does not stall the event loop of the client being measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../paths.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

type Reply = { result?: unknown; ready?: unknown; error?: string };

function spawnWorker(task: string, args: unknown, env?: NodeJS.ProcessEnv): ChildProcess {
  // tsx runs the TypeScript worker, as it runs the scripts; the child gets the same heap limit rules.
  const child = fork(WORKER, [], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', 'tsx'],
    env: env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ task, args });
  return child;
}

function exitError(task: string, code: number | null, signal: NodeJS.Signals | null): Error {
  return new Error(`bench ${task} ended without a result (${signal ? `signal ${signal}` : `exit code ${code}`})`);
}

/** Runs one measurement in a child and answers its result. */
export function runTask<T>(task: string, args: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawnWorker(task, args);
    let settled = false;
    child.on('message', (m: Reply) => {
      if (m.error !== undefined) ((settled = true), reject(new Error(`bench ${task}: ${m.error}`)));
      else if ('result' in m) ((settled = true), resolve(m.result as T));
    });
    child.on('error', (e) => settled || ((settled = true), reject(e)));
    child.on('exit', (code, signal) => settled || ((settled = true), reject(exitError(task, code, signal))));
  });
}

/** Starts a long-lived child (a sandbox server); answers what it reported when ready, and how to stop it. */
export function startTaskServer<T>(task: string, args: unknown, env?: NodeJS.ProcessEnv): Promise<{ info: T; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker(task, args, env);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    let ready = false;
    child.on('message', (m: Reply) => {
      if (m.error !== undefined) reject(new Error(`bench ${task}: ${m.error}`));
      else if ('ready' in m) ((ready = true), resolve({ info: m.ready as T, stop }));
    });
    child.on('exit', (code, signal) => ready || reject(exitError(task, code, signal)));
  });
}
