#!/usr/bin/env node
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseInvocation, USAGE, UsageError } from './options.js';
import { VERSION } from './util/version.js';
import { runCheck } from './cli/check.js';
import { runCapture } from './cli/capture.js';

/** The one binary: dispatches to the one-shot commands (cli/) or the daemon (exporter/). */
async function main(argv: string[]): Promise<number> {
  const inv = parseInvocation(argv);
  switch (inv.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`xen-pm-exporter ${VERSION} (node ${process.version})\n`);
      return 0;
    case 'check':
      return runCheck(inv.host, inv.format, inv.remote);
    case 'capture':
      if (inv.remote) {
        const { runRemoteCapture } = await import('./cli/capture-remote.js');
        return runRemoteCapture(inv.host, inv.remote, inv.out);
      }
      return runCapture(inv.host, inv.out, { redact: inv.redact });
    case 'fleet': {
      const { serveFleet } = await import('./fleet/fleet-serve.js');
      return serveFleet({ ...inv.fleet, workerEntry: new URL(import.meta.url) });
    }
    case 'serve': {
      const { serve } = await import('./exporter/serve.js');
      return serve({ ...inv.daemon, workerEntry: new URL(import.meta.url) });
    }
  }
}

// The same entry module also starts the daemon's worker threads (one file for the dist tree and the bundle).
const role = isMainThread ? null : (workerData as { role?: string } | null)?.role;
if (role === 'xen-pm-exporter-cycles') {
  const { serveCycles } = await import('./cycle/cycle-worker.js');
  serveCycles(parentPort!);
} else if (role === 'xen-pm-exporter-bcrypt') {
  const { serveHasher } = await import('./exporter/password-hasher.js');
  serveHasher(parentPort!);
} else {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: Error) => {
      const usage = err instanceof UsageError;
      process.stderr.write(`xen-pm-exporter: ${err.message}\n${usage ? `\n${USAGE}` : ''}`);
      process.exitCode = 64;
    },
  );
}
