import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { openHost, type HostOptions } from '../probe/open-host.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../util/version.js';
import { ProbeLoop } from './probe-loop.js';
import { buildApp } from './app.js';
import { WebConfigSource } from './web-config.js';
import { DEFAULT_LISTEN_ADDRESS, parseListenAddress } from './listen-address.js';

function makeLogger(level: string): Logger {
  // JSON lines for journald and log shippers; human-readable only when a person is watching.
  if (process.stdout.isTTY) {
    try {
      return pino({ level }, pino.transport({ target: 'pino-pretty', options: { colorize: true } }));
    } catch { /* pino-pretty missing in a minimal install: fall back to JSON */ }
  }
  return pino({ level, base: { name: 'xen-pm-exporter' } });
}

export interface DaemonOptions extends HostOptions {
  listenAddresses: string[];
  webConfigFile: string | null;
  telemetryPath: string;
  intervalMs: number;
  stuckWindowMs: number;
  logLevel: string;
}

/** Runs the daemon until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve(o: DaemonOptions): Promise<number> {
  const logger = makeLogger(o.logLevel);
  const addresses = (o.listenAddresses.length ? o.listenAddresses : [DEFAULT_LISTEN_ADDRESS]).map(parseListenAddress);
  const webConfig = new WebConfigSource(o.webConfigFile);
  const first = webConfig.current();
  if ('error' in first) throw new Error(`--web.config.file: ${first.error}`);
  const https = first.cfg.tls ? WebConfigSource.tlsOptions(first.cfg.tls) : null;

  const host = openHost(o.root, o.settings, o.commands);
  const cycle = new ProbeCycle(host, { stuck: { windowMs: o.stuckWindowMs }, reuseStaticValues: true });
  const loop = new ProbeLoop({ cycle, intervalMs: o.intervalMs, logger });
  logger.info({ version: VERSION, root: host.path, live: host.live, interval: formatDuration(o.intervalMs), stuckWindow: formatDuration(o.stuckWindowMs) }, 'starting xen-pm-exporter');
  loop.start();

  const apps: FastifyInstance[] = [];
  for (const a of addresses) {
    const app = buildApp({ loop, webConfig, telemetryPath: o.telemetryPath, logger, https });
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
