import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type https from 'node:https';
import type { ProbeLoop } from './probe-loop.js';
import type { WebConfigSource } from './web-config.js';
import { installAccessControl } from './access-control.js';
import { LANDING_CSP, landingPage } from './landing.js';
import { sendExposition, sendReport, wantsText } from './send-report.js';

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

/** Builds the HTTP face of the daemon without listening (tests use inject(); serve.ts listens). */
export function buildApp(o: AppOptions): FastifyInstance {
  const app = Fastify({
    // Requests are not logged (a scrape every 15 s from every Prometheus would drown the log);
    // the daemon logs state changes itself.
    logger: false,
    ...(o.https ? { https: o.https } : {}),
  }) as unknown as FastifyInstance;
  installAccessControl(app, o);

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
    return sendExposition(req, reply, cur.exposition);
  });

  app.get('/health', async (req, reply) => {
    const cur = o.loop.current;
    if (!cur) {
      const pending = { schemaVersion: 1, status: 'unknown', verdict: 'UNKNOWN: no probe has completed yet', findings: [] };
      return wantsText(req) ? reply.code(503).type('text/plain').send(`${pending.verdict}\n`) : reply.code(503).send(pending);
    }
    return sendReport(req, reply, cur.report, 'see /health for the JSON report');
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
