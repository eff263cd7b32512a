import type { Logger } from 'pino';
import type { HostOptions } from '../probe/open-host.js';
import { CycleWorkerPool } from '../cycle/worker-pool.js';
import { InProcessRunner, type CycleRunner } from '../cycle/cycle-runner.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../util/version.js';
import { ProbeLoop } from './probe-loop.js';
import { buildApp } from './app.js';
import { makeLogger, type LogFormat } from './logger.js';
import { ExporterMetrics } from './exporter-metrics.js';
import { runServer, StartupError, type ListenOptions } from './server.js';

export { SHUTDOWN_DEADLINE_MS, StartupError } from './server.js';

export interface DaemonOptions extends HostOptions, ListenOptions {
  telemetryPath: string;
  intervalMs: number;
  stuckWindowMs: number;
  logLevel: string;
  logFormat: LogFormat;
  /** Leave the exporter's own process_* and nodejs_* metrics out of /metrics. */
  disableExporterMetrics: boolean;
  /** Scrapes served at once; more are answered 503 (0: no limit). */
  maxRequests: number;
}

/** Paths the daemon serves itself: the telemetry path may not shadow them. */
const RESERVED_PATHS = ['/', '/health', '/healthz'];

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
  return runServer(o, logger, () => {
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
    return {
      newApp: (ctx) => buildApp({ loop, webConfig: ctx.webConfig, telemetryPath: o.telemetryPath, logger, https: ctx.https, maxRequests: o.maxRequests }),
      start: () => loop.start(),
      close: async () => {
        await loop.stop(1000);
        await runner.close();
        await pool?.close();
      },
    };
  });
}
