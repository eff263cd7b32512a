import { makeLogger, type LogFormat } from '../exporter/logger.js';
import { runServer, StartupError, type ListenOptions } from '../exporter/server.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../util/version.js';
import { buildFleetApp } from './fleet-app.js';
import { FleetMetrics } from './fleet-metrics.js';
import { FleetScheduler } from './scheduler.js';
import { loadTargets, type TargetsConfig } from './targets-file.js';

export interface FleetOptions extends ListenOptions {
  targetsFile: string;
  concurrency: number;
  idleTimeoutMs: number;
  keepActive: boolean;
  stuckWindowMs: number;
  logLevel: string;
  logFormat: LogFormat;
  disableExporterMetrics: boolean;
}

/** `serve --targets FILE`: one exporter for many dom0s, each reached over SSH through its collector. */
export async function serveFleet(o: FleetOptions): Promise<number> {
  const logger = makeLogger(o.logLevel, o.logFormat);
  try {
    let first: TargetsConfig;
    try {
      first = loadTargets(o.targetsFile);
    } catch (err) {
      throw new StartupError(`--targets ${(err as Error).message}`);
    }
    return await runServer(o, logger, () => {
      const metrics = new FleetMetrics(!o.disableExporterMetrics);
      const scheduler = new FleetScheduler({ concurrency: o.concurrency, idleTimeoutMs: o.idleTimeoutMs, keepActive: o.keepActive, stuckWindowMs: o.stuckWindowMs, logger, metrics });
      scheduler.setTargets(first);
      metrics.reloadSuccess.set(1);
      metrics.reloadTimestamp.set(Date.now() / 1000);
      logger.info({ version: VERSION, targetsFile: o.targetsFile, targets: first.targets.length, concurrency: o.concurrency, idleTimeout: formatDuration(o.idleTimeoutMs), keepActive: o.keepActive }, 'starting xen-pm-exporter fleet');
      return {
        newApp: (ctx) => buildFleetApp({ scheduler, metrics, webConfig: ctx.webConfig, https: ctx.https, logger }),
        start: () => scheduler.start(),
        close: () => scheduler.stop(1000),
        reload: () => {
          // A broken file never replaces a working one: the targets stay, the metric and the log say why.
          try {
            const change = scheduler.setTargets(loadTargets(o.targetsFile));
            metrics.reloadSuccess.set(1);
            metrics.reloadTimestamp.set(Date.now() / 1000);
            logger.info({ ...change, targets: scheduler.size }, 'SIGHUP: targets file reloaded');
          } catch (err) {
            metrics.reloadSuccess.set(0);
            logger.error({ err: (err as Error).message }, 'SIGHUP: targets file refused; the previous targets stay');
          }
        },
      };
    });
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, `cannot start: ${(err as Error).message}`);
    logger.flush?.();
    return 1;
  }
}
