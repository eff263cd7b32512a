#!/usr/bin/env node
import { commandSource, parseDuration, parseFlags, USAGE } from './args.js';
import { VERSION } from './version.js';
import { runCheck } from './check.js';
import { openHost } from '../probe/open-host.js';
import { probeHost } from '../probe/probe-host.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { RecordingHost, assertEmptyTarget, writeCapture } from './capture.js';
import type { CommandSettings } from '../probe/command-catalog.js';


async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(argv);
  } catch (err) {
    process.stderr.write(`xen-pm-exporter: ${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  const { values: f, positionals } = parsed;
  if (f.help) { process.stdout.write(USAGE); return 0; }
  if (f.version) { process.stdout.write(`xen-pm-exporter ${VERSION} (node ${process.version})\n`); return 0; }
  const command = positionals[0] ?? 'serve';
  const settings: Partial<CommandSettings> = {
    xenpmPath: f['xenpm.path'],
    xlPath: f['xl.path'],
    timeoutMs: parseDuration(f['xenpm.timeout']),
    allowCpufreqAverage: f['xenpm.enable-cpufreq-average'],
  };
  switch (command) {
    case 'check':
      return runCheck(f.root, f.format, settings, f['xenpm.enable-cpufreq-average'], commandSource(f.commands));
    case 'capture': {
      if (!f.out) throw new Error('capture needs --out DIR');
      assertEmptyTarget(f.out);
      const rec = new RecordingHost(openHost(f.root, settings, commandSource(f.commands)));
      const snapshot = await probeHost(rec, { includeAverage: f['xenpm.enable-cpufreq-average'] });
      const { files, commands } = writeCapture(rec, f.out, VERSION);
      const report = diagnose(snapshot);
      process.stdout.write(`wrote ${files} file(s) and ${commands} command output(s) to ${f.out}\n${report.verdict}\n`);
      return 0;
    }
    case 'serve': {
      const { serve } = await import('../exporter/serve.js');
      return serve(f, settings);
    }
    default:
      process.stderr.write(`xen-pm-exporter: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code !== -1) process.exitCode = code; },
  (err: Error) => {
    process.stderr.write(`xen-pm-exporter: ${err.message}\n`);
    process.exitCode = 64;
  },
);
