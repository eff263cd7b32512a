import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type https from 'node:https';
import { WebConfigSource } from './web-config.js';
import { InlineHasher, WorkerHasher } from './password-hasher.js';
import { DEFAULT_LISTEN_ADDRESS, parseListenAddress } from './listen-address.js';

/** SIGTERM ends the process within this, whatever a probe or a client is doing. */
export const SHUTDOWN_DEADLINE_MS = 4000;

/** A startup failure the operator must fix: logged as one structured line, and the process exits 1. */
export class StartupError extends Error {}

/** How any of the exporter's servers listens: exporter-toolkit's flags. */
export interface ListenOptions {
  listenAddresses: string[];
  webConfigFile: string | null;
  /** Listen on the sockets systemd passed (socket activation) instead of the listen addresses. */
  systemdSocket: boolean;
  /** The program's entry module: worker threads (probes, bcrypt) start from it. Without it, all runs in this thread. */
  workerEntry?: URL;
}

/** What the server runs: one app per listening socket, and the work behind them. */
export interface ServerParts {
  newApp(ctx: { webConfig: WebConfigSource; https: https.ServerOptions | null }): FastifyInstance;
  /** Starts the work once every socket listens. */
  start(): void;
  /** Stops the work (the apps are closed first). */
  close(): Promise<void>;
  /** SIGHUP, after the web config is re-read. */
  reload?(): void;
}

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

/**
 * The web config, the sockets, SIGHUP and a bounded shutdown, around whatever the server serves (one host,
 * or a fleet). Resolves with the exit code after SIGTERM/SIGINT.
 */
export async function runServer(o: ListenOptions, logger: Logger, makeParts: () => ServerParts): Promise<number> {
  const addresses = (o.listenAddresses.length ? o.listenAddresses : [DEFAULT_LISTEN_ADDRESS]).map(parseListenAddress);
  const hasher = o.workerEntry ? new WorkerHasher(o.workerEntry) : new InlineHasher();
  const webConfig = new WebConfigSource(o.webConfigFile, logger, hasher);
  const first = webConfig.current();
  if ('error' in first) {
    await hasher.close();
    throw new StartupError(`--web.config.file: ${first.error}`);
  }
  const tls = first.cfg.tls ? WebConfigSource.tlsOptions(first.cfg.tls) : null;
  webConfig.servingTls = !!tls;
  let parts: ServerParts;
  try {
    parts = makeParts();
  } catch (err) {
    await hasher.close();
    throw err;
  }

  const apps: FastifyInstance[] = [];
  const closeAll = async () => {
    await Promise.all(apps.map((a) => a.close()));
    await parts.close();
    await hasher.close();
  };
  const announce = (app: FastifyInstance, via: string) => {
    const addr = app.server.address();
    logger.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : String(addr), via, tls: !!tls, auth: Object.keys(first.cfg.users).length > 0 }, 'listening');
  };
  const newApp = () => {
    const app = parts.newApp({ webConfig, https: tls });
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
    await closeAll();
    if (err instanceof StartupError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(e.code === 'EADDRINUSE' ? `cannot listen: address in use (${e.message})` : e.code === 'EADDRNOTAVAIL' ? `cannot listen: address not available on this host (${e.message})` : `cannot listen: ${e.message}`);
  }
  parts.start();

  process.on('SIGHUP', () => {
    webConfig.invalidate();
    const cur = webConfig.current();
    if ('error' in cur) logger.error({ err: cur.error }, 'SIGHUP: web config unusable; requests answer 500 until it is fixed');
    else logger.info('SIGHUP: web config reloaded');
    parts.reload?.();
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
