import type { FastifyReply, FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import type { ServedExposition } from '../cycle/exposition.js';
import type { Report } from '../diagnosis/report.js';
import { renderText } from '../render/text-report.js';
import { terminalSafeJson } from '../util/terminal-safe.js';
import { acceptsGzip } from './accept-encoding.js';

const HEALTH_CODE = { ok: 200, warning: 200, unknown: 200, critical: 503 } as const;

/** One probe's exposition as the client asked for it: OpenMetrics, or Prometheus text (gzipped once per probe). */
export async function sendExposition(req: FastifyRequest, reply: FastifyReply, exposition: ServedExposition): Promise<FastifyReply> {
  const wantsOpenMetrics = /application\/openmetrics-text/.test(req.headers.accept ?? '');
  if (wantsOpenMetrics) return reply.type(Registry.OPENMETRICS_CONTENT_TYPE).send(exposition.openMetrics());
  reply.type(Registry.PROMETHEUS_CONTENT_TYPE).header('Vary', 'Accept-Encoding');
  if (acceptsGzip(req.headers['accept-encoding'])) {
    return reply.header('Content-Encoding', 'gzip').send(await exposition.gzipped());
  }
  return reply.send(exposition.text);
}

/** Whether the client wants the report as text (`?format=text` or Accept: text/plain) rather than JSON. */
export const wantsText = (req: FastifyRequest) => (req.query as Record<string, string>)['format'] === 'text' || /^text\/plain/.test(req.headers.accept ?? '');

/** A report as /health serves it: 503 when critical (a load balancer's check fails), JSON or the 3 am text. */
export function sendReport(req: FastifyRequest, reply: FastifyReply, report: Report, fullReport: string): FastifyReply {
  reply.code(HEALTH_CODE[report.status]);
  return wantsText(req)
    ? reply.type('text/plain; charset=utf-8').send(renderText(report, { now: new Date(), fullReport }))
    : reply.type('application/json; charset=utf-8').send(terminalSafeJson(JSON.stringify(report)));
}
