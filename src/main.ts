#!/usr/bin/env node
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
      return runCapture(inv.host, inv.out);
    case 'serve': {
      const { serve } = await import('./exporter/serve.js');
      return serve(inv.daemon);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    const usage = err instanceof UsageError;
    process.stderr.write(`xen-pm-exporter: ${err.message}\n${usage ? `\n${USAGE}` : ''}`);
    process.exitCode = 64;
  },
);
