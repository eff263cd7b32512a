import type { CommandSummary, Snapshot } from '../probe/snapshot.js';
import { COMMANDS } from '../probe/commands.js';
import { commandOk } from '../probe/source-status.js';
import type { Finding, PlatformKind } from './report.js';
import { finding } from './finding.js';
import type { XenpmStatus } from './xen-tool-state.js';

/** XEN_TOOLS_UNAVAILABLE and PROBE_FAILED: every failing source is a finding, not only a log line. */
export function diagnoseProbe(s: Snapshot, kind: PlatformKind, tools: XenpmStatus | null): Finding[] {
  const out: Finding[] = [];
  // On an unknown platform, xenpm failing to open the hypervisor interface is said too: it is Xen's tool.
  const unknownButXen = kind === 'unknown' && tools?.state === 'no-privcmd';
  if (tools && (kind === 'xen-dom0' || kind === 'xen-guest' || unknownButXen)) {
    const sev = kind === 'xen-guest' ? 'info' : 'warning';
    const say: Partial<Record<XenpmStatus['state'], string>> = {
      'not-installed': 'xenpm is not installed (or not on PATH): Xen\'s view of P-states is unknown.',
      'no-privcmd': 'xenpm cannot open the hypervisor interface (not root, xenfs not mounted, or /dev/xen/privcmd unavailable): Xen\'s view of P-states is unknown.',
      'version-mismatch': 'xenpm was built for a different Xen than the one running (physinfo: Permission denied).',
      'not-dom0': 'This is not the control domain: xenpm only works in dom0.',
    };
    const text = say[tools.state];
    if (text && !(kind === 'xen-guest' && tools.state === 'not-installed')) out.push(finding('XEN_TOOLS_UNAVAILABLE', text, tools.evidence, { severity: sev }));
  }
  if (kind === 'xen-dom0' || kind === 'unknown') {
    const failed = failedToolCommands(s, tools);
    if (failed.length) out.push(finding('PROBE_FAILED', `${failed.length === 1 ? 'A Xen tool command' : `${failed.length} Xen tool commands`} gave no usable answer; what they would have said is unknown.`, failed));
  }
  const bySource = new Map<string, string[]>();
  for (const p of s.problems) bySource.set(p.source, [...(bySource.get(p.source) ?? []), `${p.path ? `${p.path}: ` : ''}${p.reason}`]);
  for (const [source, ev] of bySource) {
    out.push(finding('PROBE_FAILED', `${ev.length} read(s) of ${source} failed; the values are treated as unknown.`, ev));
  }
  const klog = s.kernelLog;
  if (!klog.available && klog.failure !== null && klog.failure !== 'not-captured' && klog.error) {
    out.push(finding('PROBE_FAILED', 'The kernel log could not be read, so dom0 driver messages are unknown.', [klog.error]));
  }
  return out;
}

/** Failures no one cares to read further: not recorded, deliberately not run, or not installed (XEN_TOOLS_UNAVAILABLE says so). */
const NOT_A_FAILURE = new Set(['not-captured', 'not-run', 'not-found']);
/** xenpm states that already explain every failing xenpm command. */
const EXPLAINED = new Set(['no-privcmd', 'not-dom0', 'version-mismatch', 'not-installed']);

/**
 * Every fixed command that failed, in words: killed at its deadline or by a signal, NUL bytes, cut at the cap,
 * unreadable, a non-zero exit, garbage instead of its output — one evidence line each, quoting what it said.
 */
function failedToolCommands(s: Snapshot, tools: XenpmStatus | null): string[] {
  const lines: string[] = [];
  for (const c of Object.values(s.xen.commands)) {
    if (commandOk(c) || (c.failure !== null && NOT_A_FAILURE.has(c.failure))) continue;
    if (COMMANDS[c.name].tool === 'xenpm' && tools && EXPLAINED.has(tools.state)) continue;
    lines.push(`${c.origin}: ${describeFailure(c)}`);
  }
  if (tools?.state === 'failed') lines.push(...tools.evidence.filter((e) => e.startsWith('unrecognised output')));
  return lines;
}

function describeFailure(c: CommandSummary): string {
  switch (c.failure) {
    case 'timeout': return c.error ?? 'killed at its deadline';
    case 'signal': return `killed by ${c.signal}`;
    case 'truncated': return 'output exceeded the size cap';
    case null: return `exit ${c.exitCode}${c.stderrLines[0] ? `: ${c.stderrLines[0]}` : ''}`;
    default: return c.error ?? c.failure;
  }
}
