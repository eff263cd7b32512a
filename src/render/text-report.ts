import type { CpuRow, Report } from '../diagnosis/report.js';
import { formatCpuList } from '../util/cpu-list.js';
import { terminalSafe } from '../util/terminal-safe.js';

const mhz = (hz: number | null) => (hz === null ? '-' : `${Math.round(hz / 1e5) / 10}`);

/** CPUs with identical rows print as one line (`0-63,128-191`), so 256 CPUs stay readable. */
function groupCpuRows(rows: CpuRow[]): Array<{ cpus: number[]; cells: string[] }> {
  const groups = new Map<string, { cpus: number[]; cells: string[] }>();
  for (const r of rows) {
    const cells = [
      r.online === null ? '?' : r.online ? 'yes' : 'no', r.source, mhz(r.curHz), mhz(r.minHz), mhz(r.maxHz),
      r.scalingMaxHz === null ? '-' : mhz(r.scalingMaxHz), r.governor ?? '-', r.driver ?? '-',
      r.totalPStates === null ? '-' : r.usablePStates === null ? `${r.totalPStates}` : `${r.usablePStates}/${r.totalPStates}`,
      r.busyRatio === null ? '-' : `${Math.round(r.busyRatio * 100)}%`,
    ];
    const key = cells.join('\u0000');
    const g = groups.get(key) ?? { cpus: [], cells };
    g.cpus.push(r.cpu);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderText(r: Report): string {
  const out: string[] = [r.verdict, ''];
  const p = r.platform;
  out.push(`Platform:   ${p.kind}${p.hypervisor ? ` (hypervisor ${p.hypervisor}${p.xenVersion ? ` ${p.xenVersion}` : ''}${p.guestType ? `, ${p.guestType}` : ''})` : ''}`);
  const ps = r.pstates;
  out.push(`P-states:   controller ${ps.controller}, hand-off ${ps.handoff}, driver ${ps.driver ?? '-'}, governor ${ps.governor ?? '-'}`);
  if (ps.frequenciesHz.length) {
    out.push(`Table:      ${ps.frequenciesHz.map((f) => mhz(f)).join(' ')} MHz${ps.turboEntryHz ? ` (${mhz(ps.turboEntryHz)} = turbo entry)` : ''}`);
  } else if (ps.maxHz !== null) {
    out.push(`Range:      ${mhz(ps.minHz)}–${mhz(ps.maxHz)} MHz (no P-state table)`);
  }
  out.push('');
  if (!r.findings.length) out.push('No findings.');
  for (const f of r.findings) {
    out.push(`[${f.severity.toUpperCase()}] ${f.id}: ${f.summary}`);
    for (const e of f.evidence) out.push(`    evidence: ${e}`);
    out.push(`    remedy:   ${f.remedy}`, '');
  }
  if (r.cpus.length) {
    const groups = groupCpuRows(r.cpus);
    out.push(`CPUs (${r.cpus.length}; identical rows grouped; MHz):`);
    const rows = groups.map((g) => [formatCpuList(g.cpus), ...g.cells]);
    for (const l of table(['CPUS', 'ONLINE', 'SOURCE', 'CUR', 'MIN', 'MAX', 'SCALING_MAX', 'GOVERNOR', 'DRIVER', 'P-STATES', 'BUSY'], rows)) out.push(`  ${l}`);
    out.push('');
  }
  out.push('Sources:');
  for (const s of r.sources) out.push(`  ${s.ok ? 'ok  ' : 'n/a '} ${s.source}: ${s.detail}`);
  // Host text may carry terminal control sequences: every line is made safe to print.
  return out.map(terminalSafe).join('\n') + '\n';
}
