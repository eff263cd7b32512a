import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommandSource, HostOptions } from './probe/open-host.js';
import type { DaemonOptions } from './exporter/serve.js';
import type { FleetOptions } from './fleet/fleet-serve.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from './exporter/logger.js';
import { parseDestination, type SshMode, type SshTarget } from './remote/ssh.js';
import { parseDuration, parsePositiveDuration } from './util/duration.js';

/** Flags follow the Prometheus exporter convention (`--web.listen-address`, `--log.level` …). */
const FLAGS = {
  root: { type: 'string' },
  ssh: { type: 'string' },
  'ssh.identity-file': { type: 'string' },
  'ssh.known-hosts': { type: 'string' },
  'ssh.mode': { type: 'string', default: 'forced' },
  'ssh.timeout': { type: 'string', default: '30s' },
  commands: { type: 'string', default: 'auto' },
  format: { type: 'string', default: 'text' },
  out: { type: 'string' },
  redact: { type: 'boolean', default: false },
  targets: { type: 'string' },
  'fleet.concurrency': { type: 'string', default: '64' },
  'fleet.idle-timeout': { type: 'string', default: '10m' },
  'fleet.keep-active': { type: 'boolean', default: false },
  'web.listen-address': { type: 'string', multiple: true },
  'web.config.file': { type: 'string' },
  'web.telemetry-path': { type: 'string', default: '/metrics' },
  'web.disable-exporter-metrics': { type: 'boolean', default: false },
  'web.systemd-socket': { type: 'boolean', default: false },
  'web.max-requests': { type: 'string', default: '40' },
  'xenpm.path': { type: 'string', default: 'xenpm' },
  'xenpm.timeout': { type: 'string', default: '5s' },
  'xenpm.enable-cpufreq-average': { type: 'boolean', default: false },
  'xl.path': { type: 'string', default: 'xl' },
  'kernel-log.timeout': { type: 'string', default: '10s' },
  'probe.interval': { type: 'string', default: '15s' },
  'probe.stuck-window': { type: 'string', default: '5m' },
  'log.level': { type: 'string', default: 'info' },
  'log.format': { type: 'string', default: 'logfmt' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

export const USAGE = `Usage: xen-pm-exporter [serve|check|capture] [flags]

Commands:
  serve     (default) serve Prometheus metrics and the health report over HTTP
  check     probe once, print the diagnosis, exit 0 ok / 1 warning / 2 critical / 3 unknown
  capture   write a capture of this host (what the probe reads) to --out DIR
  check and capture take --ssh DEST to look at a remote dom0 through its collector instead;
  serve --targets FILE serves many remote dom0s (fleet mode: /probe?target=NAME)

Flags:
  --root DIR                        host root: / (live) or a capture directory (default /)
  --commands auto|live|capture      run the fixed commands, or read them from the root's commands/ (default auto:
                                    live on /, capture elsewhere)
  --format text|json                check output format (default text)
  --out DIR                         capture destination; must be empty or absent
  --redact                          capture: replace host names, serial numbers, MAC and IP addresses and
                                    root=/UUID= values with placeholders (for a public bug report)
  --ssh DEST                        check or capture the dom0 [user@]host[:port] over SSH (OpenSSH client;
                                    host keys must already be known)
  --ssh.identity-file FILE          private key for --ssh (default: ssh's own choice, agent included)
  --ssh.known-hosts FILE            known_hosts file for --ssh (default: ssh's own)
  --ssh.mode forced|stdin           forced: the key's command= runs the installed collector (default);
                                    stdin: send the collector to \`sh -s\` (a normal key, no install)
  --ssh.timeout DURATION            the whole remote collection (default 30s)
  --targets FILE                    serve: fleet mode, the dom0s in this YAML file (see the README's Fleet mode);
                                    excludes --root and --commands; SIGHUP re-reads it
  --fleet.concurrency N             fleet: collections running at once, the rest queue (default 64)
  --fleet.idle-timeout DURATION     fleet: a target nobody scraped for this long is let go (default 10m)
  --fleet.keep-active               fleet: collect every target on schedule even if nobody scrapes it
  --web.listen-address ADDR         address to listen on, repeatable (default :9863)
  --web.config.file FILE            exporter-toolkit web config (TLS, basic auth, headers)
  --web.telemetry-path PATH         metrics path (default /metrics)
  --web.disable-exporter-metrics    leave the exporter's own process_* and nodejs_* metrics out of /metrics
  --web.systemd-socket              listen on the sockets systemd passes (socket activation)
  --web.max-requests N              scrapes served at once, more get 503; 0 = no limit (default 40)
  --xenpm.path PATH                 xenpm binary (default xenpm)
  --xenpm.timeout DURATION          per-command timeout (default 5s)
  --xenpm.enable-cpufreq-average    also run get-cpufreq-average (resets the window Xen keeps for every reader)
  --xl.path PATH                    xl binary (default xl)
  --kernel-log.timeout DURATION     deadline for dmesg, and journalctl when dmesg cannot serve (default 10s)
  --probe.interval DURATION         re-probe interval, at least 1s (default 15s)
  --probe.stuck-window DURATION     window for FREQUENCY_STUCK_BELOW_MAX (default 5m)
  --log.level LEVEL                 trace, debug, info, warn, error, fatal (default info)
  --log.format FORMAT               logfmt or json (default logfmt); every line the daemon writes is in it
  --version                         print the version
Durations are Go-style: 500ms, 15s, 1m30s, 2h.
`;

export type Invocation =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'check'; host: HostOptions; remote: SshTarget | null; format: 'text' | 'json' }
  | { command: 'capture'; host: HostOptions; remote: SshTarget | null; out: string; redact: boolean }
  | { command: 'serve'; daemon: DaemonOptions }
  | { command: 'fleet'; fleet: FleetOptions };

/** A mistake in how the program was called: exit 64 with the usage. */
export class UsageError extends Error {}


/** Parses and checks the command line; every mistake is a UsageError naming the flag. */
export function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: f, positionals } = parsed;
  if (f.help) return { command: 'help' };
  if (f.version) return { command: 'version' };
  const command = positionals[0] ?? 'serve';
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
  const flag = <T>(name: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw new UsageError(`--${name}: ${(err as Error).message}`);
    }
  };
  const root = f.root ?? '/';
  const host = (): HostOptions => {
    if (!['auto', 'live', 'capture'].includes(f.commands)) throw new UsageError(`--commands must be auto, live or capture, not ${JSON.stringify(f.commands)}`);
    if (f.ssh === undefined) {
      let st: fs.Stats;
      try {
        st = fs.statSync(root);
      } catch (err) {
        throw new UsageError(`--root ${root}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (!st.isDirectory()) throw new UsageError(`--root ${root}: not a directory (a host root is / or a capture directory)`);
    }
    return {
      root,
      commands: f.commands as CommandSource,
      settings: {
        xenpmPath: f['xenpm.path'],
        xlPath: f['xl.path'],
        timeoutMs: flag('xenpm.timeout', () => parsePositiveDuration(f['xenpm.timeout'], 'the timeout', 1)),
        logTimeoutMs: flag('kernel-log.timeout', () => parsePositiveDuration(f['kernel-log.timeout'], 'the timeout', 1)),
        optIn: f['xenpm.enable-cpufreq-average'] ? ['xenpm-get-cpufreq-average'] : [],
      },
    };
  };
  /** `--ssh DEST` and its options; null without --ssh. */
  const remote = (): SshTarget | null => {
    const sshOnly = ['ssh.identity-file', 'ssh.known-hosts'] as const;
    if (f.ssh === undefined) {
      const stray = sshOnly.find((k) => f[k] !== undefined);
      if (stray) throw new UsageError(`--${stray} needs --ssh DEST`);
      return null;
    }
    if (f.root !== undefined) throw new UsageError('--ssh and --root exclude each other: a host is either remote or a directory');
    flag('ssh', () => parseDestination(f.ssh!));
    if (f['ssh.mode'] !== 'forced' && f['ssh.mode'] !== 'stdin') throw new UsageError(`--ssh.mode must be forced or stdin, not ${JSON.stringify(f['ssh.mode'])}`);
    return {
      destination: f.ssh,
      mode: f['ssh.mode'] as SshMode,
      identityFile: f['ssh.identity-file'] ?? null,
      knownHostsFile: f['ssh.known-hosts'] ?? null,
      timeoutMs: flag('ssh.timeout', () => parsePositiveDuration(f['ssh.timeout'], 'the timeout', 1000)),
    };
  };
  if (command === 'serve' && f.ssh !== undefined) throw new UsageError('--ssh is for check and capture (many dom0s: serve --targets FILE)');
  if (command !== 'serve' && f.targets !== undefined) throw new UsageError('--targets is for serve');
  switch (command) {
    case 'check':
      if (f.format !== 'text' && f.format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(f.format)}`);
      return { command, host: host(), remote: remote(), format: f.format };
    case 'capture':
      if (!f.out) throw new UsageError('capture needs --out DIR');
      if (f.redact && f.ssh) throw new UsageError('--redact does not apply to --ssh yet: capture over ssh, then `capture --root DIR --redact --out NEW`');
      return { command, host: host(), remote: remote(), out: f.out, redact: f.redact };
    case 'serve': {
      if (!(LOG_LEVELS as readonly string[]).includes(f['log.level'])) throw new UsageError(`--log.level must be one of ${LOG_LEVELS.join(', ')}`);
      if (!(LOG_FORMATS as readonly string[]).includes(f['log.format'])) throw new UsageError(`--log.format must be ${LOG_FORMATS.join(' or ')}`);
      const maxRequests = Number(f['web.max-requests']);
      if (!/^\d+$/.test(f['web.max-requests']) || !Number.isSafeInteger(maxRequests)) throw new UsageError('--web.max-requests must be a whole number (0: no limit)');
      const listen = {
        listenAddresses: f['web.listen-address'] ?? [],
        webConfigFile: f['web.config.file'] ?? null,
        systemdSocket: f['web.systemd-socket'],
        logLevel: f['log.level'],
        logFormat: f['log.format'] as LogFormat,
        disableExporterMetrics: f['web.disable-exporter-metrics'],
        stuckWindowMs: flag('probe.stuck-window', () => parseDuration(f['probe.stuck-window'])),
      };
      if (f.targets !== undefined) {
        if (f.root !== undefined) throw new UsageError('--targets and --root exclude each other: fleet mode reads remote dom0s only');
        // Flags of the one-host daemon that mean nothing for a fleet are refused, not ignored.
        const oneHost = ['commands', 'probe.interval', 'web.telemetry-path', 'web.max-requests', 'xenpm.path', 'xl.path', 'xenpm.timeout', 'kernel-log.timeout', 'xenpm.enable-cpufreq-average']
          .find((k) => argv.some((a) => a === `--${k}` || a.startsWith(`--${k}=`)));
        if (oneHost) throw new UsageError(`--${oneHost} is for one host; with --targets the targets file sets each target's interval and timeout`);
        const concurrency = Number(f['fleet.concurrency']);
        if (!/^\d+$/.test(f['fleet.concurrency']) || concurrency < 1 || concurrency > 4096) throw new UsageError('--fleet.concurrency must be a whole number from 1 to 4096');
        return {
          command: 'fleet',
          fleet: {
            ...listen,
            targetsFile: f.targets,
            concurrency,
            idleTimeoutMs: flag('fleet.idle-timeout', () => parsePositiveDuration(f['fleet.idle-timeout'], 'the idle timeout', 60_000)),
            keepActive: f['fleet.keep-active'],
          },
        };
      }
      const fleetOnly = (['fleet.keep-active'] as const).find((k) => f[k]) ?? ['fleet.concurrency', 'fleet.idle-timeout'].find((k) => argv.some((a) => a === `--${k}` || a.startsWith(`--${k}=`)));
      if (fleetOnly) throw new UsageError(`--${fleetOnly} needs --targets FILE`);
      return {
        command,
        daemon: {
          ...host(),
          ...listen,
          telemetryPath: f['web.telemetry-path'],
          intervalMs: flag('probe.interval', () => parsePositiveDuration(f['probe.interval'], 'the interval', 1000)),
          maxRequests,
        },
      };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}
