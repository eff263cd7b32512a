import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Flags } from '../cli/args.js';
import { commandSource, parseDuration } from '../cli/args.js';
import type { CommandSettings } from '../probe/command-catalog.js';
import { openHost } from '../probe/open-host.js';
import { VERSION } from '../cli/version.js';
import { ProbeLoop } from './probe-loop.js';
import { buildApp } from './app.js';
import { WebConfigSource } from './web-config.js';
import { DEFAULT_LISTEN_ADDRESS, parseListenAddress } from './listen-address.js';

function makeLogger(level: string): Logger {
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  if (!levels.includes(level)) throw new Error(`--log.level must be one of ${levels.join(', ')}`);
  // JSON lines for journald and log shippers; human-readable only when a person is watching.
  if (process.stdout.isTTY) {
    try {
      return pino({ level }, pino.transport({ target: 'pino-pretty', options: { colorize: true } }));
    } catch { /* pino-pretty missing in a minimal install: fall back to JSON */ }
  }
  return pino({ level, base: { name: 'xen-pm-exporter' } });
}

/** Runs the daemon until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve(f: Flags, settings: Partial<CommandSettings>): Promise<number> {
  const logger = makeLogger(f['log.level']);
  const intervalMs = parseDuration(f['probe.interval']);
  if (intervalMs < 1000) throw new Error('--probe.interval must be at least 1s');
  const windowMs = parseDuration(f['probe.stuck-window']);
  const addresses = (f['web.listen-address']?.length ? f['web.listen-address'] : [DEFAULT_LISTEN_ADDRESS]).map(parseListenAddress);
  const webConfig = new WebConfigSource(f['web.config.file'] ?? null);
  const first = webConfig.current();
  if ('error' in first) throw new Error(`--web.config.file: ${first.error}`);
  const https = first.cfg.tls ? WebConfigSource.tlsOptions(first.cfg.tls) : null;

  const host = openHost(f.root, settings, commandSource(f.commands));
  const loop = new ProbeLoop({ host, intervalMs, stuck: { windowMs }, includeAverage: f['xenpm.enable-cpufreq-average'], logger });
  logger.info({ version: VERSION, root: host.path, live: host.live, interval: f['probe.interval'], stuckWindow: f['probe.stuck-window'] }, 'starting xen-pm-exporter');
  loop.start();

  const apps: FastifyInstance[] = [];
  for (const a of addresses) {
    const app = buildApp({ loop, webConfig, telemetryPath: f['web.telemetry-path'], logger, https });
    await app.listen({ host: a.host, port: a.port });
    const addr = app.server.address();
    logger.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : String(addr), tls: !!https, auth: Object.keys(first.cfg.users).length > 0 }, 'listening');
    apps.push(app);
  }

  process.on('SIGHUP', () => {
    webConfig.invalidate();
    const cur = webConfig.current();
    if ('error' in cur) logger.error({ err: cur.error }, 'SIGHUP: web config unusable; requests answer 500 until it is fixed');
    else logger.info('SIGHUP: web config reloaded');
  });
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      await Promise.all(apps.map((a) => a.close()));
      await loop.stop();
      logger.flush?.();
      resolve(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
}
