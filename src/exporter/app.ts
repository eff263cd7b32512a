import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Registry } from 'prom-client';
import type { ProbeLoop } from './probe-loop.js';
import { clientCertProblem, type WebConfig, WebConfigSource } from './web-config.js';
import { renderText } from '../render/text-report.js';
import { LANDING_CSP, landingPage } from './landing.js';
import { acceptsGzip } from './accept-encoding.js';
import { terminalSafeJson } from '../util/terminal-safe.js';

export interface AppOptions {
  loop: ProbeLoop;
  webConfig: WebConfigSource;
  telemetryPath: string;
  logger: Logger;
  /** Scrapes of the telemetry path served at once; past it, 503 at once (0: no limit). */
  maxRequests?: number;
  /** Initial TLS options; with them the app serves HTTPS and swaps certificates when the files change. */
  https?: https.ServerOptions | null;
}

const HEALTH_CODE = { ok: 200, warning: 200, unknown: 200, critical: 503 } as const;

/** Builds the HTTP face of the daemon without listening (tests use inject(); serve.ts listens). */
export function buildApp(o: AppOptions): FastifyInstance {
  const app = Fastify({
    // Requests are not logged (a scrape every 15 s from every Prometheus would drown the log);
    // the daemon logs state changes itself.
    logger: false,
    ...(o.https ? { https: o.https } : {}),
  }) as unknown as FastifyInstance;
  // The config source hands out a new object whenever the file or the certificate files change.
  let lastCfg: WebConfig | null = null;

  // Access control covers every path, the landing page included.
  app.addHook('onRequest', async (req, reply) => {
    const cur = o.webConfig.current();
    // The reason is in the log (once per change of the file); the client learns nothing about the config.
    if ('error' in cur) return reply.code(500).type('text/plain').send('Internal Server Error\n');
    const cfg = cur.cfg;
    for (const [k, v] of Object.entries(cfg.headers)) reply.header(k, v);
    if (cfg.tls && o.https) {
      if (cfg !== lastCfg) {
        // New connections get the rotated certificate; this one finished its handshake already.
        if (lastCfg !== null) {
          try {
            (app.server as https.Server).setSecureContext(WebConfigSource.tlsOptions(cfg.tls));
          } catch (err) {
            o.logger.error({ err }, 'cannot load the rotated TLS certificate; keeping the previous one');
          }
        }
        lastCfg = cfg;
      }
      const problem = clientCertProblem(cfg.tls.clientAuthType, req.raw.socket as TLSSocket);
      if (problem) return reply.code(403).type('text/plain').send(`${problem}\n`);
    }
    const auth = await o.webConfig.authorize(cfg, req.headers.authorization);
    if (auth === 'busy') return reply.code(429).header('Retry-After', '1').type('text/plain').send('Too many authentication attempts\n');
    if (auth === 'denied') {
      return reply.code(401).header('WWW-Authenticate', 'Basic realm="xen-pm-exporter"').type('text/plain').send('Unauthorized\n');
    }
  });

  // Like exporter-toolkit's --web.max-requests: scrapes in flight past the limit get 503 at once.
  let inFlight = 0;
  app.get(o.telemetryPath, async (req, reply) => {
    if (o.maxRequests && inFlight >= o.maxRequests) {
      return reply.code(503).type('text/plain').send(`too many concurrent scrapes (--web.max-requests=${o.maxRequests})\n`);
    }
    inFlight++;
    reply.raw.once('close', () => { inFlight--; });
    const cur = o.loop.current;
    if (!cur) return reply.code(503).type('text/plain').send('no probe has completed yet\n');
    const wantsOpenMetrics = /application\/openmetrics-text/.test(req.headers.accept ?? '');
    if (wantsOpenMetrics) return reply.type(Registry.OPENMETRICS_CONTENT_TYPE).send(cur.exposition.openMetrics());
    reply.type(Registry.PROMETHEUS_CONTENT_TYPE).header('Vary', 'Accept-Encoding');
    if (acceptsGzip(req.headers['accept-encoding'])) {
      return reply.header('Content-Encoding', 'gzip').send(await cur.exposition.gzipped());
    }
    return reply.send(cur.exposition.text);
  });

  app.get('/health', async (req, reply) => {
    const cur = o.loop.current;
    const asText = (req.query as Record<string, string>)['format'] === 'text' || /^text\/plain/.test(req.headers.accept ?? '');
    if (!cur) {
      const pending = { schemaVersion: 1, status: 'unknown', verdict: 'UNKNOWN: no probe has completed yet', findings: [] };
      return asText ? reply.code(503).type('text/plain').send(`${pending.verdict}\n`) : reply.code(503).send(pending);
    }
    reply.code(HEALTH_CODE[cur.report.status]);
    return asText
      ? reply.type('text/plain; charset=utf-8').send(renderText(cur.report, { now: new Date(), fullReport: 'see /health for the JSON report' }))
      : reply.type('application/json; charset=utf-8').send(terminalSafeJson(JSON.stringify(cur.report)));
  });

  app.get('/healthz', async (_req, reply) => {
    const healthy = o.loop.healthy();
    const body = {
      status: healthy ? 'ok' : 'stale',
      lastSuccessfulProbe: o.loop.lastSuccessAt === null ? null : new Date(o.loop.lastSuccessAt).toISOString(),
      probesTotal: o.loop.probesTotal,
    };
    return reply.code(healthy ? 200 : 503).send(body);
  });

  app.get('/', async (_req, reply) => {
    // A strict policy unless the operator's web config set one (its headers are applied first, and win).
    if (!reply.hasHeader('content-security-policy')) reply.header('Content-Security-Policy', LANDING_CSP);
    // The page links to the runbooks on the project's site: that site need not learn this daemon's address.
    if (!reply.hasHeader('referrer-policy')) reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.type('text/html; charset=utf-8').send(landingPage(o.telemetryPath, o.loop.current?.report ?? null));
  });

  return app;
}
