/**
 * The child side of lib/bench/child.ts: receives one task with its arguments, runs it, sends the
 * result back, and exits (a server task stays up until its parent stops it).
 */
import { measureCpuPath, type CpuArgs } from './cpu.js';
import { measureCutover, type CutoverArgs } from './cutover.js';
import { measureRehearse, type RehearseArgs } from './rehearse.js';
import { writeGeneratedCleaned, writeGeneratedSnapshot } from './datasets.js';
import { measureExtract, type ExtractArgs } from './extract.js';
import { measureLoad, type LoadArgs } from './load.js';
import { startSandboxesServer, type SandboxesArgs } from './sandboxes-server.js';
import { startSplynxServer, type SplynxServerArgs } from './splynx-server.js';

type Message = { task: string; args: unknown };

const tasks: Record<string, (args: never) => Promise<unknown>> = {
  'prepare-cleaned': (a: { accounts: number; seed: number; dir: string }) => writeGeneratedCleaned(a),
  'prepare-snapshot': (a: { accounts: number; seed: number; dir: string }) => writeGeneratedSnapshot(a),
  load: (a: LoadArgs) => measureLoad(a),
  extract: (a: ExtractArgs) => measureExtract(a),
  cpu: (a: CpuArgs) => measureCpuPath(a),
  cutover: (a: CutoverArgs) => measureCutover(a),
  rehearse: (a: RehearseArgs) => measureRehearse(a),
};

const send = (m: object) => new Promise<void>((r) => process.send!(m, () => r()));

process.once('message', async ({ task, args }: Message) => {
  try {
    if (task === 'splynx') {
      const server = await startSplynxServer(args as SplynxServerArgs);
      process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
      process.once('disconnect', () => void server.close().then(() => process.exit(0)));
      await send({ ready: { url: server.url } });
      return;
    }
    if (task === 'sandboxes') {
      const server = await startSandboxesServer(args as SandboxesArgs);
      process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
      process.once('disconnect', () => void server.close().then(() => process.exit(0)));
      await send({ ready: server.info });
      return;
    }
    const run = tasks[task];
    if (!run) throw new Error(`unknown task ${task}`);
    await send({ result: await run(args as never) });
    process.exit(0);
  } catch (e) {
    await send({ error: (e as Error).stack ?? String(e) });
    process.exit(1);
  }
});
