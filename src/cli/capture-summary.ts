import type { CaptureBundle } from './capture-writer.js';
import type { RedactionKind } from './redact.js';
import { terminalSafe } from '../util/terminal-safe.js';
import { TEXT_WIDTH, wrap } from '../render/wrap.js';

/** Kernel-log lines shown before the rest is counted (the filter keeps power-management lines only, usually a few dozen). */
const LOG_LINES_SHOWN = 20;
const LABEL = 24;

/**
 * What a capture holds, printed before it is written, so whoever attaches it to a bug report knows what they
 * share: the host's name, the kernel command line, DMI vendor and product, serial numbers if any were read, the
 * ACPI tables, the kernel-log lines the filter kept, which commands' outputs, and what --redact replaced.
 */
export function captureSummary(b: CaptureBundle, redacted: Array<{ kind: RedactionKind; distinct: number }> | null): string[] {
  const text = (rel: string) => (b.files.has(rel) ? b.files.get(rel)!.toString('utf8').trim() : null);
  const out: string[] = [`The capture holds${redacted ? ', as written after --redact' : ''}:`];
  const row = (label: string, value: string) => out.push(...wrap(terminalSafe(value), TEXT_WIDTH, `  ${label.padEnd(LABEL - 2)}`, ' '.repeat(LABEL)));

  row('host name', b.hostname ?? '(none)');
  row('kernel command line', text('proc/cmdline') ?? '(not read)');
  const vendor = text('sys/class/dmi/id/sys_vendor');
  const product = text('sys/class/dmi/id/product_name');
  row('DMI', vendor || product ? `vendor ${vendor ?? '-'}, product ${product ?? '-'}` : '(not read)');
  const serials = [...b.files.keys()].filter((p) => /\/dmi\/id\/(?:[^/]*serial[^/]*|[^/]*asset_tag|product_uuid)$/.test(p)).sort();
  row('serial numbers', serials.length ? serials.map((p) => `${p}: ${text(p)}`).join('; ') : 'none read');
  const tables = [...b.files.keys()].filter((p) => p.startsWith('sys/firmware/acpi/tables/')).sort();
  row('ACPI tables', tables.length
    ? `${tables.map((p) => p.slice('sys/firmware/acpi/tables/'.length)).join(', ')} (${tables.reduce((n, p) => n + b.files.get(p)!.length, 0)} bytes, binary, kept as read)`
    : 'none read');

  const log = b.commands.find((c) => c.name === 'dmesg' && c.available);
  if (log) {
    const lines = log.stdout.split('\n').filter((l) => l.trim() !== '');
    row('kernel log', `${lines.length} line(s) kept by the filter${log.linesSeen !== undefined ? `, of ${log.linesSeen} seen` : ''} (${log.origin})${lines.length ? ':' : ''}`);
    for (const l of lines.slice(0, LOG_LINES_SHOWN)) out.push(...wrap(terminalSafe(l), TEXT_WIDTH, ' '.repeat(LABEL), ' '.repeat(LABEL + 4), 2));
    if (lines.length > LOG_LINES_SHOWN) out.push(`${' '.repeat(LABEL)}… ${lines.length - LOG_LINES_SHOWN} more in commands/dmesg.stdout`);
  } else {
    row('kernel log', 'none');
  }
  const commands = b.commands.filter((c) => c.available && c.name !== 'dmesg').map((c) => c.name);
  row('command outputs', commands.length ? commands.join(', ') : 'none');
  row('files', `${b.files.size} file(s), ${b.dirs.size} director${b.dirs.size === 1 ? 'y' : 'ies'} from sys/ and proc/`);

  if (redacted) {
    const plural = (k: string, n: number) => (n === 1 ? k : k.endsWith('s') ? `${k}es` : `${k}s`);
    const done = redacted.filter((r) => r.distinct > 0).map((r) => `${r.distinct} ${plural(r.kind, r.distinct)}`);
    out.push(...wrap(`Redacted: ${done.length ? done.join(', ') : 'nothing found to replace'}.`, TEXT_WIDTH, '', '  '));
  } else {
    out.push(...wrap('Not redacted: the capture may name this host, its disks and its network addresses. `capture --redact` replaces them before writing, for a public bug report.', TEXT_WIDTH, '', '  '));
  }
  return out;
}
