import { openHost, type CommandSource } from '../probe/open-host.js';
import { probeHost } from '../probe/probe-host.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { Report } from '../diagnosis/report.js';
import type { CommandSettings } from '../probe/command-catalog.js';
import { renderText } from './render-text.js';

export const EXIT_CODES: Record<Report['status'], number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

export async function runCheck(root: string, format: string, settings: Partial<CommandSettings>, includeAverage: boolean, commands: CommandSource = 'auto'): Promise<number> {
  if (format !== 'text' && format !== 'json') throw new Error(`--format must be text or json, not ${JSON.stringify(format)}`);
  const host = openHost(root, settings, commands);
  const snapshot = await probeHost(host, { includeAverage });
  const report = diagnose(snapshot);
  process.stdout.write(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderText(report));
  return EXIT_CODES[report.status];
}
