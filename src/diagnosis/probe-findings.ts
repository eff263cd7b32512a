import type { Snapshot } from '../probe/snapshot.js';
import type { Finding, PlatformKind } from './report.js';
import { finding } from './finding.js';
import type { XenpmStatus } from './xen-tool-state.js';

/** XEN_TOOLS_UNAVAILABLE and PROBE_FAILED: every failing source is a finding, not only a log line. */
export function diagnoseProbe(s: Snapshot, kind: PlatformKind, tools: XenpmStatus | null): Finding[] {
  const out: Finding[] = [];
  if (tools && (kind === 'xen-dom0' || kind === 'xen-guest')) {
    const sev = kind === 'xen-dom0' ? 'warning' : 'info';
    const say: Partial<Record<XenpmStatus['state'], string>> = {
      'not-installed': 'xenpm is not installed (or not on PATH): Xen\'s view of P-states is unknown.',
      'no-privcmd': 'xenpm cannot open the hypervisor interface (not root, xenfs not mounted, or /dev/xen/privcmd unavailable): Xen\'s view of P-states is unknown.',
      'version-mismatch': 'xenpm was built for a different Xen than the one running (physinfo: Permission denied).',
      'not-dom0': 'This is not the control domain: xenpm only works in dom0.',
    };
    const text = say[tools.state];
    if (text && !(kind === 'xen-guest' && tools.state === 'not-installed')) out.push(finding('XEN_TOOLS_UNAVAILABLE', text, tools.evidence, { severity: sev }));
    if (tools.state === 'failed') out.push(finding('PROBE_FAILED', 'xenpm did not give a usable answer.', tools.evidence));
  }
  const bySource = new Map<string, string[]>();
  for (const p of s.problems) bySource.set(p.source, [...(bySource.get(p.source) ?? []), `${p.path ? `${p.path}: ` : ''}${p.reason}`]);
  for (const [source, ev] of bySource) {
    out.push(finding('PROBE_FAILED', `${ev.length} read(s) of ${source} failed; the values are treated as unknown.`, ev));
  }
  const klog = s.kernelLog;
  if (!klog.available && s.live && klog.error) {
    out.push(finding('PROBE_FAILED', 'The kernel log could not be read, so dom0 driver messages are unknown.', [klog.error]));
  }
  for (const name of ['xl-info', 'xl-dmesg'] as const) {
    const c = s.xen.commands[name];
    if (c && c.available && (c.timedOut || c.signal)) out.push(finding('PROBE_FAILED', `${c.origin} did not finish.`, [c.error ?? `killed by ${c.signal}`]));
  }
  return out;
}
