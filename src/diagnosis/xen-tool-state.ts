import type { Snapshot } from '../probe/snapshot.js';
import type { XenpmMessage } from '../xenpm/parse-messages.js';
import { commandsOf } from '../probe/commands.js';

export type XenpmState =
  | 'answered' // xenpm reached the hypervisor (data, or Xen's own error texts)
  | 'not-captured' // nothing recorded / not run: unknown
  | 'not-installed'
  | 'no-privcmd' // cannot open /dev/xen/privcmd (not root, xenfs not mounted, not on Xen)
  | 'not-dom0'
  | 'version-mismatch'
  | 'failed'; // timeout, crash, garbage

export interface XenpmStatus {
  state: XenpmState;
  evidence: string[];
}

/** The xenpm commands every probe runs: the opt-in average says nothing about whether xenpm works. */
const XENPM = commandsOf('xenpm', 'default');

export function xenpmMessages(s: Snapshot): XenpmMessage[] {
  const x = s.xen;
  return [x.para, x.states, x.idle, x.topology, x.average].flatMap((o) => o?.messages ?? []);
}

/** Could xenpm talk to Xen at all? Judged by the streams, never by the exit code alone. */
export function xenpmStatus(s: Snapshot): XenpmStatus {
  const cmds = XENPM.map((n) => s.xen.commands[n]).filter((c) => c !== undefined);
  const msgs = xenpmMessages(s);
  const ev = (pred: (m: XenpmMessage) => boolean) => msgs.filter(pred).map((m) => m.line);
  const physinfo = msgs.find((m) => m.kind === 'physinfo-failed');
  if (physinfo?.kind === 'physinfo-failed' && physinfo.cause === 'not-dom0') return { state: 'not-dom0', evidence: [physinfo.line] };
  if (physinfo?.kind === 'physinfo-failed' && physinfo.cause === 'version-mismatch') return { state: 'version-mismatch', evidence: [physinfo.line] };
  const startup = ev((m) => m.kind === 'no-privcmd' || m.kind === 'no-handler' || m.kind === 'no-hypervisor-sysfs' || m.kind === 'exec-denied' || m.kind === 'physinfo-failed');
  const hasData = !!(s.xen.para?.cpus.length || s.xen.states?.cpus.length || s.xen.idle?.cpus.length || s.xen.topology?.cpus.length);
  const xenSpoke = msgs.some((m) => ['cpu-failed', 'cpufreq-not-enabled', 'cpufreq-disabled-or-unregistered', 'cpuidle-disabled-or-unregistered', 'pstate-info-unsupported', 'both-disabled'].includes(m.kind));
  if (hasData || xenSpoke) return { state: 'answered', evidence: [] };
  if (startup.length) return { state: 'no-privcmd', evidence: startup };
  const notFound = cmds.find((c) => c.failure === 'not-found');
  if (notFound) return { state: 'not-installed', evidence: [`${notFound.origin}: ${notFound.error}`] };
  const broken = cmds.filter((c) => c.available && (c.failure === 'timeout' || c.failure === 'signal' || c.failure === 'truncated' || c.failure === 'binary-output'));
  const garbage = msgs.filter((m) => m.kind === 'unrecognized');
  if (broken.length || garbage.length) {
    return {
      state: 'failed',
      evidence: [
        ...broken.map((c) => `${c.origin}: ${c.timedOut ? c.error : c.signal ? `killed by ${c.signal}` : c.truncated ? 'output exceeded the size cap' : c.error}`),
        ...garbage.slice(0, 3).map((m) => `unrecognised output: ${m.line}`),
      ],
    };
  }
  const ran = cmds.filter((c) => c.available);
  // A live spawn that failed for another reason than "not found" (EACCES, EAGAIN, ENOMEM) is a failure, not "unknown".
  const spawnFailed = cmds.filter((c) => c.failure === 'spawn-failed');
  if (!ran.length && spawnFailed.length) return { state: 'failed', evidence: spawnFailed.map((c) => `${c.origin}: ${c.error}`) };
  if (!ran.length) return { state: 'not-captured', evidence: [] };
  const failedExit = ran.filter((c) => (c.exitCode ?? 0) !== 0);
  if (failedExit.length) return { state: 'failed', evidence: failedExit.map((c) => `${c.origin}: exit ${c.exitCode}${c.stderrLines[0] ? `: ${c.stderrLines[0]}` : ''}`) };
  // Everything empty with exit 0: old xenpm's silence. Says something only per command (see xen-pstates).
  return { state: 'answered', evidence: [] };
}
