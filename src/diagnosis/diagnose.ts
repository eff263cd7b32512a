import type { Snapshot } from '../probe/snapshot.js';
import { buildView, type FrequencyView } from './frequency-view.js';
import { diagnoseKernelPstates, globalDriver } from './kernel-pstates.js';
import { diagnoseXenPstates } from './xen-pstates.js';
import { diagnoseCstates } from './cstates.js';
import { diagnoseProbe } from './probe-findings.js';
import { xenpmStatus, type XenpmStatus } from './xen-tool-state.js';
import { finding } from './finding.js';
import type { Controller, Finding, Handoff, Report, Status } from './report.js';
import { SEVERITY_RANK } from './report.js';
import { CATALOG } from './catalog.js';
import { turboEntryKhz } from './turbo-entry.js';
import { acpiStatus, commandStatus, kernelLogStatus, sysfsStatus } from '../probe/source-status.js';

const KIND_WORDS = { 'xen-dom0': 'Xen dom0', 'xen-guest': 'Xen guest', 'vm-guest': 'VM guest', 'bare-metal': 'bare metal', unknown: 'unknown platform' } as const;

/**
 * A pure function: what was probed, seen through the frequency view (plus extra findings, e.g. from the
 * probe history) → the report.
 */
export function diagnose(s: Snapshot, view: FrequencyView = buildView(s), extra: Finding[] = []): Report {
  const platform = view.platform;
  const findings: Finding[] = [];
  let controller: Controller = 'unknown';
  let handoff: Handoff = 'not-applicable';
  let driver: string | null = null;
  let governor: string | null = null;
  let tableKhz: number[] = [];
  let maxKhz: number | null = null;
  let minKhz: number | null = null;
  let rows: Report['cpus'] = [];
  let tools: XenpmStatus | null = null;

  const kernel = diagnoseKernelPstates(s);
  // A kernel cpufreq driver is bound: policies, or (in a dump of the global directory alone) its status.
  const hasPolicies = s.cpufreq.policies.length > 0 || globalDriver(s.cpufreq.globals) !== null;
  if (platform.kind === 'xen-dom0') {
    const xen = diagnoseXenPstates(s);
    tools = xen.tools;
    ({ controller, handoff, driver, governor, tableKhz, maxKhz, minKhz, rows } = xen);
    findings.push(...xen.findings, ...diagnoseCstates(s, true));
    // A dom0 whose only per-CPU numbers are Linux's (a PVH dom0 with policies, xenpm silent) shows those.
    if (view.source === 'kernel') rows = kernel.rows;
  } else {
    handoff = 'not-applicable';
    if (hasPolicies) {
      controller = 'kernel';
      ({ driver, governor, tableKhz, maxKhz, minKhz, rows } = kernel);
      findings.push(...kernel.findings);
    } else if (platform.kind === 'bare-metal' && s.cpus.cpus.length === 0) {
      // Known to be bare metal (from its boot log) without its /sys: whether a driver is bound is unknown.
      controller = 'unknown';
    } else if (platform.kind === 'bare-metal') {
      controller = 'none';
      const log = s.kernelLog.lines.filter((l) => l.mentionsCpufreq).map((l) => l.raw.trim());
      findings.push(finding('NO_CPUFREQ_DRIVER', 'No cpufreq driver is bound on this bare-metal host: the kernel does not scale CPU frequency.',
        [s.cpufreq.globals.present ? '/sys/devices/system/cpu/cpufreq has no policy' : '/sys/devices/system/cpu/cpufreq does not exist', ...log.slice(0, 10)]));
    } else if (platform.kind === 'vm-guest' || platform.kind === 'xen-guest') {
      controller = 'unknown';
      findings.push(finding('FREQUENCY_NOT_OBSERVABLE', `This is a ${platform.kind === 'xen-guest' ? 'Xen guest (domU)' : `virtual machine (${platform.hypervisor ?? 'unknown hypervisor'})`}: CPU frequency belongs to the host and is not visible here.`,
        [...platform.evidence, s.cpufreq.globals.present ? '/sys/devices/system/cpu/cpufreq has no policy' : 'no /sys/devices/system/cpu/cpufreq']));
    }
    findings.push(...diagnoseCstates(s, false));
  }
  // Off dom0, what xenpm said still matters where the platform is unknown (a capture of xenpm alone).
  if (!tools && platform.kind === 'unknown') tools = xenpmStatus(s);
  findings.push(...diagnoseProbe(s, platform.kind, tools), ...extra);
  // Most severe first; within a severity, the catalogue's order (the hand-off before its causes).
  const priority = Object.keys(CATALOG);
  findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || priority.indexOf(a.id) - priority.indexOf(b.id));

  const worst = findings.reduce((m, f) => Math.max(m, SEVERITY_RANK[f.severity]), -1);
  let status: Status = worst >= 2 ? 'critical' : worst === 1 ? 'warning' : 'ok';
  const unknownCore = platform.kind === 'unknown' || (platform.kind === 'xen-dom0' && handoff === 'unknown' && controller === 'unknown')
    || (platform.kind === 'bare-metal' && controller === 'unknown');
  // Nothing known about who scales frequency, and nothing wrong but reads that failed: that is not a
  // warning about the host but no answer at all (a dom0 whose collection failed, an unreadable root).
  const onlyReadsFailed = findings.every((f) => f.severity === 'info' || f.id === 'PROBE_FAILED');
  if (unknownCore && (status === 'ok' || onlyReadsFailed)) status = 'unknown';

  return {
    schemaVersion: 1,
    status,
    verdict: verdictLine(status, platform.kind, controller, handoff, driver, findings),
    generatedAt: s.takenAt,
    host: { name: s.platform.hostname },
    platform: { kind: platform.kind, hypervisor: platform.hypervisor, xenVersion: platform.xenVersion, guestType: platform.guestType, evidence: platform.evidence },
    pstates: {
      controller, handoff, driver, governor,
      frequenciesHz: tableKhz.map((k) => k * 1000),
      maxHz: maxKhz === null ? null : maxKhz * 1000,
      minHz: minKhz === null ? null : minKhz * 1000,
      turboEntryHz: turboEntryKhz(tableKhz) === null ? null : turboEntryKhz(tableKhz)! * 1000,
    },
    cpus: rows,
    findings,
    sources: sourcesOf(s, platform.kind.startsWith('xen')),
  };
}

function verdictLine(status: Status, kind: keyof typeof KIND_WORDS, controller: Controller, handoff: Handoff, driver: string | null, findings: Finding[]): string {
  const head = `${status.toUpperCase()}: ${KIND_WORDS[kind]}`;
  const top = findings.find((f) => f.severity !== 'info') ?? findings[0];
  if (status === 'ok' || status === 'unknown') {
    const who = controller === 'xen' ? `Xen scales frequency${driver ? ` (${driver})` : ''}${handoff === 'yes' ? ', P-state hand-off done' : ''}`
      : controller === 'kernel' ? `the kernel scales frequency${driver ? ` (${driver})` : ''}`
      : controller === 'none' ? 'nothing scales frequency'
      : status === 'unknown' ? 'who scales frequency is unknown' : '';
    const tail = [who, top?.summary ?? ''].filter(Boolean).join('; ');
    return tail ? `${head} — ${tail}` : head;
  }
  return `${head} — ${top ? `${top.id}: ${top.summary}` : CATALOG.PROBE_FAILED.title}`;
}

/** Where each part of the report came from; off Xen, commands that never ran are not listed. */
function sourcesOf(s: Snapshot, xen: boolean): Report['sources'] {
  const commands = Object.values(s.xen.commands).filter((c) => xen || c.available);
  return [sysfsStatus(s), kernelLogStatus(s), acpiStatus(s), ...commands.map(commandStatus)].map(({ source, ok, detail }) => ({ source, ok, detail }));
}
