/**
 * The Splynx sandbox as the load's server, in a process of its own, adding `latencyMs` to every
 * request. The delay is a timer per request (lib/sandbox/http.ts), so requests wait side by side,
 * never one behind another: eight in flight take one latency, not eight.
 */
import { FaultController, parseFaultSpec } from '../sandbox/faults.js';
import { startSplynxSandbox } from '../sandbox/splynx/server.js';

export interface SplynxServerArgs {
  key: string;
  secret: string;
  latencyMs: number;
}

export function startSplynxServer(a: SplynxServerArgs) {
  return startSplynxSandbox({
    apiKey: a.key,
    apiSecret: a.secret,
    faults: new FaultController(parseFaultSpec(`latency=${a.latencyMs}`, 'splynx')),
  });
}
