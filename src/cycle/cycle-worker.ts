import type { MessagePort } from 'node:worker_threads';
import { openHost } from '../probe/open-host.js';
import { killRunningCommands } from '../probe/spawn-capped.js';
import { ProbeCycle } from './probe-cycle.js';
import { outcomeOf } from './cycle-runner.js';
import type { ToWorker, FromWorker } from './worker-protocol.js';

/**
 * The worker thread's side: holds any number of cycles (one per host) and runs them on request. Reading
 * sysfs is synchronous; here it blocks only this thread, never the one that answers scrapes.
 */
export function serveCycles(port: MessagePort): void {
  const cycles = new Map<number, ProbeCycle>();
  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'open': {
        const { root, settings, commands } = msg.host;
        cycles.set(msg.cycle, new ProbeCycle(openHost(root, settings, commands), msg.spec));
        break;
      }
      case 'run': {
        const cycle = cycles.get(msg.cycle);
        if (!cycle) {
          port.postMessage({ type: 'error', id: msg.id, message: `no cycle ${msg.cycle}` } satisfies FromWorker);
          break;
        }
        cycle.run(msg.meta).then(
          (r) => port.postMessage({ type: 'done', id: msg.id, outcome: outcomeOf(r, cycle.runs) } satisfies FromWorker),
          (err: Error) => port.postMessage({ type: 'error', id: msg.id, message: err.stack ?? err.message } satisfies FromWorker),
        );
        break;
      }
      case 'close':
        cycles.delete(msg.cycle);
        break;
      case 'shutdown':
        killRunningCommands();
        port.postMessage({ type: 'shut-down' } satisfies FromWorker);
        break;
    }
  });
}
