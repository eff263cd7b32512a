import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type https from 'node:https';
import type { Logger } from 'pino';
import { installAccessControl } from '../exporter/access-control.js';
import type { WebConfigSource } from '../exporter/web-config.js';
import { sendExposition, sendReport, wantsText } from '../exporter/send-report.js';
import { cspFor } from '../render/landing-page.js';
import { FLEET_CSS_TEXT, fleetPage, fleetText, sortRows, type FleetRow } from '../render/fleet-overview.js';
import { terminalSafeJson } from '../util/terminal-safe.js';
import type { FleetMetrics } from './fleet-metrics.js';
import type { FleetScheduler } from './scheduler.js';
import type { TargetRuntime } from './target-runtime.js';

export interface FleetAppOptions {
  scheduler: FleetScheduler;
  metrics: FleetMetrics;
  webConfig: WebConfigSource;
  logger: Logger;
  https?: https.ServerOptions | null;
}

/** Prometheus says how long it waits (X-Prometheus-Scrape-Timeout-Seconds); without it, this. */
const DEFAULT_SCRAPE_TIMEOUT_S = 10;
/** Answered a little before Prometheus gives up, so it gets the 503 and its reason rather than a timeout. */
const SCRAPE_MARGIN_MS = 500;
const FLEET_CSP = cspFor(FLEET_CSS_TEXT);

function targetParam(req: FastifyRequest): string | null {
  const t = (req.query as Record<string, unknown>)['target'];
  return typeof t === 'string' && t !== '' ? t : null;
}

/** How long a scrape may wait for a target's first collection. */
function waitBudgetMs(req: FastifyRequest, rt: TargetRuntime): number {
  const said = Number(req.headers['x-prometheus-scrape-timeout-seconds']);
  const scrapeS = Number.isFinite(said) && said > 0 ? Math.min(said, 300) : DEFAULT_SCRAPE_TIMEOUT_S;
  return Math.max(0, Math.min(scrapeS * 1000 - SCRAPE_MARGIN_MS, rt.spec.ssh.timeoutMs + 2000));
}

const quoteName = (s: string) => JSON.stringify(s.slice(0, 200));

/**
 * The fleet exporter's HTTP face: Prometheus' multi-target pattern (as blackbox_exporter's /probe),
 * a per-target /health, the whole fleet at a glance, http_sd targets, and the exporter's own metrics.
 */
export function buildFleetApp(o: FleetAppOptions): FastifyInstance {
  const app = Fastify({ logger: false, ...(o.https ? { https: o.https } : {}) }) as unknown as FastifyInstance;
  installAccessControl(app, o);
  const s = o.scheduler;

  /** The target a request names, active from now on; or the reply that says why there is none. */
  const resolve = (req: FastifyRequest, reply: FastifyReply): TargetRuntime | FastifyReply => {
    const name = targetParam(req);
    if (name === null) return reply.code(400).type('text/plain').send('target= is required (a name from the targets file; the overview is /fleet)\n');
    if (!s.spec(name)) return reply.code(404).type('text/plain').send(`unknown target ${quoteName(name)}: not in the targets file\n`);
    const rt = s.want(name);
    if (!rt) return reply.code(503).type('text/plain').send('the exporter is stopping\n');
    return rt;
  };

  app.get('/probe', async (req, reply) => {
    const rt = resolve(req, reply);
    if (!('spec' in rt)) return rt;
    if (!(await rt.waitForResult(waitBudgetMs(req, rt)))) {
      return reply.code(503).type('text/plain').send(`the first collection from ${quoteName(rt.spec.name)} is still under way\n`);
    }
    return sendExposition(req, reply, rt.current!.exposition);
  });

  app.get('/health', async (req, reply) => {
    const rt = resolve(req, reply);
    if (!('spec' in rt)) return rt;
    if (!(await rt.waitForResult(waitBudgetMs(req, rt)))) {
      const verdict = `UNKNOWN: the first collection from ${quoteName(rt.spec.name)} is still under way`;
      return wantsText(req) ? reply.code(503).type('text/plain').send(`${verdict}\n`) : reply.code(503).send({ schemaVersion: 1, status: 'unknown', verdict, findings: [] });
    }
    return sendReport(req, reply, rt.current!.report, `see /health?target=${encodeURIComponent(rt.spec.name)} for the JSON report`);
  });

  const rows = (): FleetRow[] => s.names().map((name) => {
    const spec = s.spec(name)!;
    const rt = s.runtime(name);
    const cur = rt?.current ?? null;
    return {
      name,
      destination: spec.ssh.destination,
      status: cur?.report.status ?? null,
      verdict: cur?.report.verdict ?? null,
      handoff: cur?.report.pstates.handoff ?? null,
      driver: cur?.report.pstates.driver ?? null,
      findings: cur?.report.findings.map((f) => f.id) ?? [],
      failure: cur?.collection.failure ?? null,
      ageMs: cur ? Date.now() - cur.finishedAt.getTime() : null,
      durationMs: cur?.collection.durationMs ?? null,
      active: rt !== undefined,
    };
  });

  app.get('/fleet', async (req, reply) => {
    const format = (req.query as Record<string, unknown>)['format'];
    if (format === 'json' || /application\/json/.test(req.headers.accept ?? '')) {
      return reply.type('application/json; charset=utf-8').send(terminalSafeJson(JSON.stringify({ targets: sortRows(rows()) })));
    }
    return reply.type('text/plain; charset=utf-8').send(fleetText(rows()));
  });

  // Prometheus http_sd_config: every target with its labels; relabelling turns it into /probe?target=.
  app.get('/targets', async (_req, reply) => {
    const body = s.names().map((name) => ({ targets: [name], labels: s.spec(name)!.labels }));
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
  });

  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await o.metrics.text()));

  app.get('/healthz', async (_req, reply) => {
    // The scheduler ticks every second; a stalled event loop or a dead timer shows here.
    const sinceTickMs = performance.now() - s.lastTickAt;
    const healthy = sinceTickMs < 10_000;
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'stale', targets: s.size, lastTickSecondsAgo: Math.round(sinceTickMs / 1000) });
  });

  app.get('/', async (_req, reply) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('Content-Security-Policy', FLEET_CSP);
    if (!reply.hasHeader('referrer-policy')) reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.type('text/html; charset=utf-8').send(fleetPage(rows()));
  });

  return app;
}
