import { pino, type Logger } from 'pino';

export type LogFormat = 'logfmt' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['logfmt', 'json'];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A logfmt value: bare when it can be, else quoted with \", \\ and control characters escaped (never raw). */
function logfmtValue(v: unknown): string {
  const s = typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (s !== '' && !/[\s="\\\u0000-\u001f\u007f-\u009f]/.test(s)) return s;
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** pino's JSON line → one logfmt line in the Prometheus exporters' key order: ts, level, msg, then the rest. */
export function toLogfmt(jsonLine: string): string {
  const { time, level, msg, pid: _pid, hostname: _h, name: _n, ...rest } = JSON.parse(jsonLine) as Record<string, unknown>;
  const parts = [`ts=${new Date(Number(time)).toISOString()}`, `level=${LEVEL_NAMES[Number(level)] ?? level}`];
  if (msg !== undefined) parts.push(`msg=${logfmtValue(msg)}`);
  for (const [k, v] of Object.entries(rest)) parts.push(`${k.replace(/[^\w.-]/g, '_')}=${logfmtValue(v)}`);
  return parts.join(' ');
}

/**
 * The daemon's one logger. Every line on stdout is in the chosen format — logfmt (the Prometheus exporters'
 * default) or JSON lines — whoever logs: our code, or a library handed this logger (node-cron). Nothing
 * else writes to stdout or stderr.
 */
export function makeLogger(level: string, format: LogFormat): Logger {
  const base = { base: { name: 'xen-pm-exporter' }, level };
  if (format === 'json') return pino(base);
  const out = { write: (line: string) => void process.stdout.write(`${toLogfmt(line)}\n`) };
  return pino({ ...base, base: null }, out);
}

/** node-cron's logger interface, routed into ours (its own prints coloured lines of its own format). */
export function cronLogger(log: Logger) {
  return {
    info: (m: string) => log.debug({ component: 'node-cron' }, m),
    warn: (m: string) => log.debug({ component: 'node-cron' }, m),
    error: (m: string | Error, err?: Error) => log.error({ component: 'node-cron', err: err?.message ?? (m instanceof Error ? m.message : undefined) }, String(m)),
    debug: (m: string | Error) => log.debug({ component: 'node-cron' }, String(m)),
  };
}
