import { parseArgs } from 'node:util';

/** Flags follow the Prometheus exporter convention (`--web.listen-address`, `--log.level` …). */
export const FLAGS = {
  root: { type: 'string', default: '/' },
  commands: { type: 'string', default: 'auto' },
  format: { type: 'string', default: 'text' },
  out: { type: 'string' },
  'web.listen-address': { type: 'string', multiple: true },
  'web.config.file': { type: 'string' },
  'web.telemetry-path': { type: 'string', default: '/metrics' },
  'xenpm.path': { type: 'string', default: 'xenpm' },
  'xenpm.timeout': { type: 'string', default: '5s' },
  'xenpm.enable-cpufreq-average': { type: 'boolean', default: false },
  'xl.path': { type: 'string', default: 'xl' },
  'probe.interval': { type: 'string', default: '15s' },
  'probe.stuck-window': { type: 'string', default: '5m' },
  'log.level': { type: 'string', default: 'info' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

export type Flags = ReturnType<typeof parseFlags>['values'];

export function parseFlags(argv: string[]) {
  return parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
}

/** `5s`, `250ms`, `2m`, `1h`, or plain seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 5s, 2m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

export const USAGE = `Usage: xen-pm-exporter [serve|check|capture] [flags]

Commands:
  serve     (default) serve Prometheus metrics and the health report over HTTP
  check     probe once, print the diagnosis, exit 0 ok / 1 warning / 2 critical / 3 unknown
  capture   write a capture of this host (what the probe reads) to --out DIR

Flags:
  --root DIR                        host root: / (live) or a capture directory (default /)
  --commands auto|live|capture      run the fixed commands, or read them from the root's commands/ (default auto:
                                    live on /, capture elsewhere)
  --format text|json                check output format (default text)
  --out DIR                         capture destination; must be empty or absent
  --web.listen-address ADDR         address to listen on, repeatable (default :9863)
  --web.config.file FILE            exporter-toolkit web config (TLS, basic auth, headers)
  --web.telemetry-path PATH         metrics path (default /metrics)
  --xenpm.path PATH                 xenpm binary (default xenpm)
  --xenpm.timeout DURATION          per-command timeout (default 5s)
  --xenpm.enable-cpufreq-average    also run get-cpufreq-average (resets Xen's shared window)
  --xl.path PATH                    xl binary (default xl)
  --probe.interval DURATION         re-probe interval (default 15s)
  --probe.stuck-window DURATION     window for FREQUENCY_STUCK_BELOW_MAX (default 5m)
  --log.level LEVEL                 debug, info, warn, error (default info)
  --version                         print the version
`;

export function commandSource(text: string): 'auto' | 'live' | 'capture' {
  if (text === 'auto' || text === 'live' || text === 'capture') return text;
  throw new Error(`--commands must be auto, live or capture, not ${JSON.stringify(text)}`);
}
