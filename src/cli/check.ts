import { openHost, type HostOptions } from '../probe/open-host.js';
import type { HostRoot } from '../probe/host-root.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import type { Report } from '../diagnosis/report.js';
import { renderText } from '../render/text-report.js';
import { terminalSafeJson } from '../util/terminal-safe.js';
import { RemoteHost } from '../remote/remote-host.js';
import type { SshTarget } from '../remote/ssh.js';

const EXIT_CODES: Record<Report['status'], number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/**
 * `check`: one run of the cycle, the report on stdout, the status as a Nagios-style exit code. With
 * `--ssh` the host is a remote dom0 reached through its collector; a failed collection is reported
 * (PROBE_FAILED, quoting ssh) and exits 3, unknown: nothing can be said about that host.
 */
export async function runCheck(host: HostOptions, format: 'text' | 'json', remote: SshTarget | null = null): Promise<number> {
  let root: HostRoot;
  let collected = true;
  if (remote) {
    const r = new RemoteHost(remote, host.settings);
    collected = (await r.refresh()).ok;
    root = r;
  } else {
    root = openHost(host.root, host.settings, host.commands);
  }
  const { report } = await new ProbeCycle(root).run();
  process.stdout.write(format === 'json' ? terminalSafeJson(JSON.stringify(report, null, 2)) + '\n' : renderText(report));
  return collected ? EXIT_CODES[report.status] : EXIT_CODES.unknown;
}
