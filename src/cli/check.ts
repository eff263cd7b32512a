import { openHost, type HostOptions } from '../probe/open-host.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import type { Report } from '../diagnosis/report.js';
import { renderText } from '../render/text-report.js';
import { terminalSafeJson } from '../util/terminal-safe.js';

const EXIT_CODES: Record<Report['status'], number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/** `check`: one run of the cycle, the report on stdout, the status as a Nagios-style exit code. */
export async function runCheck(host: HostOptions, format: 'text' | 'json'): Promise<number> {
  const { report } = await new ProbeCycle(openHost(host.root, host.settings, host.commands)).run();
  process.stdout.write(format === 'json' ? terminalSafeJson(JSON.stringify(report, null, 2)) + '\n' : renderText(report));
  return EXIT_CODES[report.status];
}
