import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { HostOptions } from '../probe/open-host.js';
import { CycleWorkerPool } from '../cycle/worker-pool.js';
import { InProcessRunner, type CycleRunner } from '../cycle/cycle-runner.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../util/version.js';
import { ProbeLoop } from './probe-loop.js';
import { buildApp } from './app.js';
import { WebConfigSource } from './web-config.js';
import { InlineHasher, WorkerHasher } from './password-hasher.js';
import { makeLogger, type LogFormat } from './logger.js';
import { ExporterMetrics } from './exporter-metrics.js';
import { DEFAULT_LISTEN_ADDRESS, parseListenAddress } from './listen-address.js';

export interface DaemonOptions extends HostOptions {
  listenAddresses: string[];
  webConfigFile: string | null;
  telemetryPath: string;
  intervalMs: number;
  stuckWindowMs: number;
  logLevel: string;
  logFormat: LogFormat;
  /** Leave the exporter's own process_* and nodejs_* metrics out of /metrics. */
  disableExporterMetrics: boolean;
  /** Listen on the sockets systemd passed (socket activation) instead of the listen addresses. */
  systemdSocket: boolean;
  /** Scrapes served at once; more are answered 503 (0: no limit). */
  maxRequests: number;
  /** The program's entry module: probes run in a worker thread started from it. Without it, in this thread. */
  workerEntry?: URL;
}

/** Paths the daemon serves itself: the telemetry path may not shadow them. */
const RESERVED_PATHS = ['/', '/health', '/healthz'];

/** SIGTERM ends the process within this, whatever a probe or a client is doing. */
export const SHUTDOWN_DEADLINE_MS = 4000;

/** A startup failure the operator must fix: logged as one structured line, and the process exits 1. */
export class StartupError extends Error {}

/**
 * The listening sockets systemd passed (sd_listen_fds(3)): LISTEN_PID must be this process, and they are
 * fds 3 … 3+LISTEN_FDS-1. Without them, --web.systemd-socket cannot start.
 */
function systemdSockets(): number[] {
  const pid = Number(process.env['LISTEN_PID']);
  const n = Number(process.env['LISTEN_FDS']);
  if (pid !== process.pid || !Number.isInteger(n) || n < 1) {
    throw new StartupError('--web.systemd-socket: no sockets from systemd (LISTEN_PID/LISTEN_FDS unset or not for this process)');
  }
  return Array.from({ length: n }, (_, i) => 3 + i);
}

/** Runs the daemon until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve(o: DaemonOptions): Promise<number> {
  const logger = makeLogger(o.logLevel, o.logFormat);
  try {
    return await run(o, logger);
  } catch (err) {
    // systemd's Restart=on-failure needs a non-zero exit, and the journal a line that says why.
    logger.fatal({ err: { message: (err as Error).message, code: (err as NodeJS.ErrnoException).code } }, `cannot start: ${(err as Error).message}`);
    logger.flush?.();
    return 1;
  }
}

async function run(o: DaemonOptions, logger: Logger): Promise<number> {
  if (!o.telemetryPath.startsWith('/') || RESERVED_PATHS.includes(o.telemetryPath) || /[?#\s]/.test(o.telemetryPath)) {
    throw new StartupError(`--web.telemetry-path ${JSON.stringify(o.telemetryPath)}: must be an absolute path other than ${RESERVED_PATHS.join(', ')}`);
  }
  const addresses = (o.listenAddresses.length ? o.listenAddresses : [DEFAULT_LISTEN_ADDRESS]).map(parseListenAddress);
  const hasher = o.workerEntry ? new WorkerHasher(o.workerEntry) : new InlineHasher();
  const webConfig = new WebConfigSource(o.webConfigFile, logger, hasher);
  const first = webConfig.current();
  if ('error' in first) {
    await hasher.close();
    throw new StartupError(`--web.config.file: ${first.error}`);
  }
  const https = first.cfg.tls ? WebConfigSource.tlsOptions(first.cfg.tls) : null;
  webConfig.servingTls = !!https;

  const spec = { stuck: { windowMs: o.stuckWindowMs }, reuseStaticValues: true };
  const host = { root: o.root, commands: o.commands, settings: o.settings };
  // A probe is abandoned (and its worker replaced) once it has taken several intervals: it never stalls the daemon.
  const pool = o.workerEntry
    ? new CycleWorkerPool({ entry: o.workerEntry, runTimeoutMs: Math.max(60_000, 4 * o.intervalMs), onReplaced: (reason) => logger.error({ reason }, 'probe worker replaced') })
    : null;
  const runner: CycleRunner = pool ? pool.open(host, spec) : new InProcessRunner(host, spec);
  const exporterMetrics = o.disableExporterMetrics ? null : new ExporterMetrics();
  const loop = new ProbeLoop({ runner, intervalMs: o.intervalMs, logger, ...(exporterMetrics ? { extraMetrics: () => exporterMetrics.text() } : {}) });
  logger.info({ version: VERSION, root: o.root, commands: o.commands, interval: formatDuration(o.intervalMs), stuckWindow: formatDuration(o.stuckWindowMs), probesIn: pool ? 'worker thread' : 'main thread' }, 'starting xen-pm-exporter');

  const apps: FastifyInstance[] = [];
  const closeAll = async () => {
    await Promise.all(apps.map((a) => a.close()));
    await loop.stop(1000);
    await runner.close();
    await pool?.close();
    await hasher.close();
  };
  const announce = (app: FastifyInstance, via: string) => {
    const addr = app.server.address();
    logger.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : String(addr), via, tls: !!https, auth: Object.keys(first.cfg.users).length > 0 }, 'listening');
  };
  const newApp = () => {
    const app = buildApp({ loop, webConfig, telemetryPath: o.telemetryPath, logger, https, maxRequests: o.maxRequests });
    apps.push(app);
    return app;
  };
  try {
    if (o.systemdSocket) {
      for (const fd of systemdSockets()) {
        const app = newApp();
        await app.ready();
        await new Promise<void>((resolve, reject) => {
          app.server.once('error', reject);
          app.server.listen({ fd }, () => resolve());
        });
        announce(app, `systemd socket fd ${fd}`);
      }
    } else {
      for (const a of addresses) {
        const app = newApp();
        await app.listen({ host: a.host, port: a.port });
        announce(app, 'listen address');
      }
    }
  } catch (err) {
    if (err instanceof StartupError) {
      await closeAll();
      throw err;
    }
    await closeAll();
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(e.code === 'EADDRINUSE' ? `cannot listen: address in use (${e.message})` : e.code === 'EADDRNOTAVAIL' ? `cannot listen: address not available on this host (${e.message})` : `cannot listen: ${e.message}`);
  }
  loop.start();

  process.on('SIGHUP', () => {
    webConfig.invalidate();
    const cur = webConfig.current();
    if ('error' in cur) logger.error({ err: cur.error }, 'SIGHUP: web config unusable; requests answer 500 until it is fixed');
    else logger.info('SIGHUP: web config reloaded');
  });
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      // Whatever hangs (a client, a probe), the process ends within the deadline.
      setTimeout(() => {
        logger.warn({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline reached: exiting now');
        logger.flush?.();
        process.exit(0);
      }, SHUTDOWN_DEADLINE_MS).unref();
      void closeAll().finally(() => {
        logger.flush?.();
        resolve(0);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
