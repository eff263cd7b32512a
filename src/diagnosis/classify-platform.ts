import type { Snapshot } from '../probe/snapshot.js';
import type { PlatformKind } from './report.js';

export interface PlatformVerdict {
  kind: PlatformKind;
  hypervisor: string | null;
  xenVersion: string | null;
  guestType: string | null;
  evidence: string[];
}

const HYPERVISOR_NAMES: Array<[RegExp, string]> = [
  [/^Xen/i, 'xen'], [/KVM/i, 'kvm'], [/Hyper-V/i, 'hyperv'], [/VMware/i, 'vmware'], [/ACRN/i, 'acrn'],
  [/Jailhouse/i, 'jailhouse'], [/bhyve/i, 'bhyve'], [/QEMU/i, 'kvm'], [/VirtualBox|innotek/i, 'virtualbox'],
  [/Amazon EC2/i, 'kvm'], [/Google Compute Engine/i, 'kvm'], [/Microsoft Corporation/i, 'hyperv'],
];

function nameHypervisor(text: string | null): string | null {
  if (!text) return null;
  for (const [re, name] of HYPERVISOR_NAMES) if (re.test(text)) return name;
  return null;
}

/** Did xenpm get past xc_physinfo()? Only the control domain can, so any per-CPU answer proves dom0. */
function xenpmAnsweredAsDom0(s: Snapshot): string | null {
  const x = s.xen;
  if (x.para?.cpus.length) return 'xenpm get-cpufreq-para returned per-CPU data';
  const failed = x.para?.messages.find((m) => m.kind === 'cpu-failed' || m.kind === 'cpufreq-not-enabled');
  if (failed) return `xenpm get-cpufreq-para answered: ${failed.line}`;
  if (x.topology?.cpus.length) return 'xenpm get-cpu-topology returned physical CPUs';
  if (x.idle?.cpus.length) return 'xenpm get-cpuidle-states returned per-CPU data';
  if (x.states?.cpus.length) return 'xenpm get-cpufreq-states returned per-CPU data';
  if (x.xlInfo?.xenVersion) return `xl info answered (xen_version ${x.xlInfo.xenVersion})`;
  return null;
}

/**
 * What kind of host this is. Order matters: the `hypervisor` cpuinfo flag is set by Xen in dom0
 * too, so the dom0 signals are checked first and the flag only separates VMs from bare metal.
 */
export function classifyPlatform(s: Snapshot): PlatformVerdict {
  const p = s.platform;
  const ev: string[] = [];
  const logHv = s.kernelLog.lines.find((l) => /Hypervisor detected:/.test(l.message));
  const logHvName = logHv ? logHv.message.replace(/^.*Hypervisor detected:\s*/, '') : null;
  const xenVersion = p.xenVersionSysfs ?? s.xen.xlInfo?.xenVersion ?? s.xen.xlDmesg?.version ?? null;
  const base = { xenVersion, guestType: p.guestType };

  const caps = p.xenCapabilities?.split(/[\s,]+/).filter(Boolean) ?? null;
  if (caps?.includes('control_d')) ev.push('/proc/xen/capabilities: control_d');
  if (p.initdomain === true) ev.push('/sys/hypervisor/start_flags/initdomain = 1');
  if (p.xenCpuBusPresent) ev.push('/sys/devices/system/xen_cpu exists (registered only in dom0)');
  const xenpmDom0 = xenpmAnsweredAsDom0(s);
  if (xenpmDom0) ev.push(xenpmDom0);
  if (ev.length) return { kind: 'xen-dom0', hypervisor: 'xen', ...base, evidence: ev };

  const notDom0 = [s.xen.para, s.xen.states, s.xen.idle, s.xen.topology]
    .flatMap((o) => o?.messages ?? [])
    .find((m) => m.kind === 'physinfo-failed' && m.cause === 'not-dom0');
  if (p.hypervisorType === 'xen') ev.push('/sys/hypervisor/type: xen');
  if (caps && caps.length === 0 && p.xenCapabilities !== null) ev.push('/proc/xen/capabilities is empty (not the control domain)');
  if (p.initdomain === false) ev.push('/sys/hypervisor/start_flags/initdomain = 0');
  if (notDom0) ev.push(`xenpm: ${notDom0.line}`);
  if (logHvName && /^Xen/i.test(logHvName)) ev.push(`kernel log: ${logHv!.message}`);
  if (/^Xen$/i.test(p.dmiSysVendor ?? '')) ev.push(`DMI sys_vendor: ${p.dmiSysVendor}`);
  if (s.kernelLog.lines.some((l) => /ACPI in unprivileged domain disabled/.test(l.message))) ev.push('kernel log: ACPI in unprivileged domain disabled');
  if (ev.length) return { kind: 'xen-guest', hypervisor: 'xen', ...base, evidence: ev };

  if (p.cpuinfoHypervisorFlag === true) {
    const name = nameHypervisor(logHvName) ?? nameHypervisor(p.dmiSysVendor) ?? nameHypervisor(p.dmiProductName);
    ev.push('/proc/cpuinfo flags include "hypervisor"');
    if (logHv) ev.push(`kernel log: ${logHv.message}`);
    if (p.dmiSysVendor) ev.push(`DMI sys_vendor: ${p.dmiSysVendor}${p.dmiProductName ? `, product: ${p.dmiProductName}` : ''}`);
    return { kind: 'vm-guest', hypervisor: name ?? 'unknown', ...base, evidence: ev };
  }
  if (p.cpuinfoHypervisorFlag === false) {
    ev.push('/proc/cpuinfo flags lack "hypervisor" and no Xen interface is present');
    return { kind: 'bare-metal', hypervisor: null, ...base, evidence: ev };
  }
  if (logHv) {
    const name = nameHypervisor(logHvName);
    return { kind: name === 'xen' ? 'xen-guest' : 'vm-guest', hypervisor: name ?? 'unknown', ...base, evidence: [`kernel log: ${logHv.message}`] };
  }
  return { kind: 'unknown', hypervisor: null, ...base, evidence: ['no /proc/cpuinfo, /sys/hypervisor or Xen tool output to tell'] };
}
