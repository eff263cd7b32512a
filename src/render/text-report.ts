import type { Finding, Report } from '../diagnosis/report.js';
import { formatCpuList } from '../util/cpu-list.js';
import { terminalSafe } from '../util/terminal-safe.js';
import { groupCells, groupCpus, mhz } from './cpu-groups.js';
import { describeAge, formatProbeTime, probeAgeMs } from './probe-time.js';
import { TEXT_WIDTH, columns, wrap, wrapCpuList } from './wrap.js';

/**
 * The report for a person at a terminal (`check`, `/health?format=text`), at 3 am: the verdict first (the
 * line a Nagios-style runner shows), which host and when, each finding with its decisive evidence and the
 * remedy, then the CPUs grouped by what matters. Every line is terminal-safe and at most TEXT_WIDTH columns.
 * The content of evidence and remedies is the diagnosis's; this file only lays it out.
 */

export interface TextOptions {
  /** When given, the probe's age is shown next to its time (the daemon serves reports up to an interval old). */
  now?: Date;
  /** Where a reader finds what the text leaves out (`check`: its JSON output; the daemon: /health). */
  fullReport?: string;
}

/** Evidence lines shown per finding before the rest is summarised; the first ones decide the matter. */
export const EVIDENCE_SHOWN = 6;
/** Screen lines one evidence item may take (a kernel-log line can be kilobytes). */
const LINES_PER_ITEM = 4;
/** Host words (driver, governor) longer than this are cut in the table; the JSON report has them whole. */
const MAX_WORD_CELL = 16;

const LABEL = 12; // `Platform:   `
const label = (name: string) => `${name}:`.padEnd(LABEL);
const safe = terminalSafe;

function field(name: string, value: string): string[] {
  return wrap(safe(value), TEXT_WIDTH, label(name), ' '.repeat(LABEL));
}

function header(r: Report, o: TextOptions): string[] {
  const out: string[] = [...wrap(safe(r.verdict), TEXT_WIDTH, '', '    '), ''];
  // A report from an older producer (a fleet member's JSON) may lack `host`: the schema only ever adds fields.
  out.push(...field('Host', r.host?.name ?? '(no host name)'));
  const age = o.now ? probeAgeMs(r.generatedAt, o.now) : null;
  out.push(...field('Probed', `${formatProbeTime(r.generatedAt)}${age === null ? '' : ` (${describeAge(age)})`}`));
  const p = r.platform;
  out.push(...field('Platform', `${p.kind}${p.hypervisor ? ` (hypervisor ${p.hypervisor}${p.xenVersion ? ` ${p.xenVersion}` : ''}${p.guestType ? `, ${p.guestType}` : ''})` : ''}`));
  const ps = r.pstates;
  out.push(...field('P-states', `controller ${ps.controller}, hand-off ${ps.handoff}, driver ${ps.driver ?? '-'}, governor ${ps.governor ?? '-'}`));
  if (ps.frequenciesHz.length) {
    out.push(...field('Table', `${ps.frequenciesHz.map((f) => mhz(f)).join(' ')} MHz${ps.turboEntryHz ? ` (${mhz(ps.turboEntryHz)} = turbo entry)` : ''}`));
  } else if (ps.maxHz !== null) {
    out.push(...field('Range', `${mhz(ps.minHz)}–${mhz(ps.maxHz)} MHz (no P-state table)`));
  }
  return out;
}

/** One finding: the first evidence lines always, the rest counted; long lines wrapped under their label. */
export function findingLines(f: Finding, fullReport: string): string[] {
  const out = wrap(safe(`[${f.severity.toUpperCase()}] ${f.id}: ${f.summary}`), TEXT_WIDTH, '', '    ');
  const hang = ' '.repeat(4 + LABEL - 2);
  const shown = f.evidence.length <= EVIDENCE_SHOWN + 1 ? f.evidence : f.evidence.slice(0, EVIDENCE_SHOWN);
  shown.forEach((e, i) => out.push(...wrap(safe(e), TEXT_WIDTH, i ? hang : `    ${'evidence:'.padEnd(LABEL - 2)}`, hang, LINES_PER_ITEM)));
  if (shown.length < f.evidence.length) out.push(`${hang}… ${f.evidence.length - shown.length} more (${fullReport})`);
  out.push(...wrap(safe(f.remedy), TEXT_WIDTH, `    ${'remedy:'.padEnd(LABEL - 2)}`, hang));
  return out;
}

const cut = (s: string, n: number) => (columns(s) <= n ? s : `${[...s].slice(0, n - 1).join('')}…`);

/** The CPU table: one row per group, its CPU list wrapped at commas inside the first column. */
function cpuTable(r: Report): string[] {
  const groups = groupCpus(r.cpus);
  const head = ['ONLINE', 'SOURCE', 'DRIVER', 'GOVERNOR', 'MIN', 'MAX', 'SCALING_MAX', 'P-STATES', 'CUR', 'BUSY'];
  const WORDS = [2, 3]; // driver and governor: host text of any length; every other cell is short by construction
  const rows = groups.map((g) => {
    const c = groupCells(g);
    return { cpus: formatCpuList(g.cpus), cells: [c.online, c.source, safe(c.driver), safe(c.governor), c.min, c.max, c.scalingMax, c.pstates, c.cur, c.busy] };
  });
  const widths = head.map((h, i) => Math.max(columns(h), ...rows.map((row) => Math.min(columns(row.cells[i]!), WORDS.includes(i) ? MAX_WORD_CELL : Infinity))));
  const indent = 2;
  const gap = 2;
  const MIN_CPU_WIDTH = 12; // a few list items a line
  const restWidth = () => widths.reduce((a, b) => a + b + gap, 0);
  // Too wide for the screen: the host words give way (down to 8 columns each), never the numbers.
  while (indent + MIN_CPU_WIDTH + restWidth() > TEXT_WIDTH) {
    const i = widths[2]! >= widths[3]! ? 2 : 3;
    if (widths[i]! <= 8) break;
    widths[i]!--;
  }
  for (const row of rows) for (const i of WORDS) row.cells[i] = cut(row.cells[i]!, widths[i]!);
  const cpuWidth = Math.min(Math.max(columns('CPUS'), ...rows.map((row) => columns(row.cpus))), Math.max(MIN_CPU_WIDTH, TEXT_WIDTH - indent - restWidth()));
  const line = (first: string, cells: string[]) =>
    (' '.repeat(indent) + [first.padEnd(cpuWidth), ...cells.map((c, i) => c.padEnd(widths[i]!))].join(' '.repeat(gap))).trimEnd();
  const out = [`CPUs (${r.cpus.length} in ${groups.length} group${groups.length === 1 ? '' : 's'}; MHz; CUR and BUSY span each group's CPUs):`, line('CPUS', head)];
  for (const row of rows) {
    const [first, ...more] = wrapCpuList(row.cpus, cpuWidth);
    out.push(line(first!, row.cells), ...more.map((l) => (' '.repeat(indent) + l).trimEnd()));
  }
  return out;
}

export function renderText(r: Report, o: TextOptions = {}): string {
  const fullReport = o.fullReport ?? 'see --format json';
  const out = header(r, o);
  out.push('');
  if (!r.findings.length) out.push('No findings.', '');
  for (const f of r.findings) out.push(...findingLines(f, fullReport), '');
  if (r.cpus.length) out.push(...cpuTable(r), '');
  out.push('Sources:');
  for (const s of r.sources) out.push(...wrap(safe(`${s.ok ? 'ok  ' : 'n/a '} ${s.source}: ${s.detail}`), TEXT_WIDTH, '  ', '        '));
  // Every piece of host text was escaped before it was measured; escaping again is a no-op kept as the last guard.
  return out.map(terminalSafe).join('\n') + '\n';
}
