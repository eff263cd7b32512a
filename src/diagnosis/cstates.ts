import type { Snapshot } from '../probe/snapshot.js';
import { formatCpuList } from '../util/cpu-list.js';
import type { Finding } from './report.js';
import { finding } from './finding.js';

/** Default limit of Xen 4.2–4.13, printed even when nothing was limited. */
const XEN_DEFAULT_MAX_CSTATE = 7;

/** Idle states switched off in the kernel's cpuidle (`stateN/disable` = 1): only an administrator does that. */
function disabledKernelStates(s: Snapshot): string[] {
  const disabledStates = new Map<string, number[]>();
  for (const c of s.cpuidle.cpus) {
    for (const st of c.states) if (st.disabled === true) disabledStates.set(st.name ?? `state${st.index}`, [...(disabledStates.get(st.name ?? `state${st.index}`) ?? []), c.cpu]);
  }
  return [...disabledStates].map(([name, cpus]) => `cpuidle ${name} disabled on CPUs ${formatCpuList(cpus)}`);
}

export function diagnoseCstates(s: Snapshot, xenView: boolean): Finding[] {
  const ev: string[] = [];
  if (xenView) {
    const idle = s.xen.idle;
    if (idle?.header.maxCState !== null && idle?.header.maxCState !== undefined && idle.header.maxCState < XEN_DEFAULT_MAX_CSTATE) {
      ev.push(`xenpm get-cpuidle-states: ${idle.header.line}`);
    }
    const o = s.xen.options?.options;
    if (o) {
      if (o.maxCstate !== null) ev.push(`Xen command line: max_cstate=${o.maxCstate}`);
      if (o.cpuidle === false) ev.push('Xen command line: cpuidle=0');
    }
    const disabled = idle?.messages.find((m) => m.kind === 'cpuidle-disabled-or-unregistered');
    if (disabled) ev.push(`xenpm get-cpuidle-states: ${disabled.line}`);
    // Xen fakes C0/C1 with one transition each when it has no idle driver at all.
    const cpus = idle?.cpus ?? [];
    const mimic = cpus.length > 0 && cpus.every((c) => c.totalCStates === 2 && c.states.length === 2 && c.states.every((x) => x.transitions === 1));
    if (mimic) ev.push(`xenpm get-cpuidle-states: only C0/C1 with one transition each on CPUs ${formatCpuList(cpus.map((c) => c.cpu))} — Xen has no idle driver (no _CST from dom0, no mwait-idle)`);
    // Whatever the platform, a state the kernel was told not to use is limited (a PVH dom0 may still have cpuidle).
    const kernel = disabledKernelStates(s);
    if (!ev.length && kernel.length) return [finding('CSTATES_LIMITED', 'Some C-states are disabled in the kernel.', kernel)];
    return ev.length ? [finding('CSTATES_LIMITED', 'Xen uses only shallow C-states.', [...ev, ...kernel])] : [];
  }
  for (const t of s.platform.kernelIdleLimits) ev.push(`kernel command line: ${t}`);
  ev.push(...disabledKernelStates(s));
  return ev.length ? [finding('CSTATES_LIMITED', 'Some C-states are disabled or capped.', ev)] : [];
}
