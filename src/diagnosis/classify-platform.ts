import type { Snapshot } from '../probe/snapshot.js';
import type { PlatformKind } from './report.js';

export interface PlatformVerdict {
  kind: PlatformKind;
  hypervisor: string | null;
  xenVersion: string | null;
  guestType: string | null;
  evidence: string[];
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
  // Xen's own answers (4.19+ says why it has no data) also come only after xenpm got past physinfo.
  const spoke = [x.para, x.states, x.idle].flatMap((o) => o?.messages ?? []).find((m) => XEN_ANSWERS.has(m.kind));
  if (spoke) return `xenpm: ${spoke.line} (Xen answered, which it does only for the control domain)`;
  if (x.xlDmesg) return 'xl dmesg answered: only the control domain can read the hypervisor console';
  return null;
}

/** xenpm messages that are Xen's own answer to the control domain, not a tool failure. */
const XEN_ANSWERS = new Set(['cpu-failed', 'cpufreq-not-enabled', 'cpufreq-disabled-or-unregistered', 'cpuidle-disabled-or-unregistered', 'pstate-info-unsupported', 'both-disabled']);

/** A kernel-log line printed by xen_acpi_processor itself: the driver only runs in the control domain. */
function driverRanInDom0(s: Snapshot): string | null {
  const l = s.kernelLog.lines.find((x) => ['xen-acpi-uploading', 'xen-acpi-uploaded', 'xen-acpi-max-id', 'xen-acpi-upload-error'].includes(x.event?.kind ?? ''));
  return l ? `kernel log: ${l.message} (xen_acpi_processor runs only in the control domain)` : null;
}

/**
 * Bare metal from the kernel log alone: an x86 boot log from its first line (no `Hypervisor detected` ever
 * printed, which x86 kernels do for every hypervisor they recognise, no Xen line) naming real hardware.
 */
function bootLogSaysBareMetal(s: Snapshot): string[] | null {
  const lines = s.kernelLog.lines;
  const banner = lines.find((l) => l.event?.kind === 'boot-banner' && (l.uptimeSeconds === null || l.uptimeSeconds < 1));
  const e820 = lines.find((l) => l.event?.kind === 'x86-e820');
  const dmi = lines.find((l) => l.event?.kind === 'dmi');
  if (!banner || !e820 || !dmi) return null;
  if (lines.some((l) => l.event?.kind === 'hypervisor-detected' || l.event?.kind === 'acpi-unprivileged' || l.mentionsXen)) return null;
  return [`kernel log from boot (${banner.message.slice(0, 60)}…) on ${dmi.message}, with no 'Hypervisor detected' line: an x86 kernel prints one for every hypervisor it runs on`];
}

/**
 * What kind of host this is. Order matters: the `hypervisor` cpuinfo flag is set by Xen in dom0
 * too, so the dom0 signals are checked first and the flag only separates VMs from bare metal.
 */
export function classifyPlatform(s: Snapshot): PlatformVerdict {
  const p = s.platform;
  const ev: string[] = [];
  const logHv = s.kernelLog.lines.find((l) => l.event?.kind === 'hypervisor-detected');
  const detected = logHv?.event?.kind === 'hypervisor-detected' ? logHv.event : null;
  const xenVersion = p.xenVersionSysfs ?? s.xen.xlInfo?.xenVersion ?? s.xen.xlDmesg?.version ?? null;
  const base = { xenVersion, guestType: p.guestType };

  const caps = p.xenCapabilities;
  if (caps?.includes('control_d')) ev.push('/proc/xen/capabilities: control_d');
  if (p.initdomain === true) ev.push('/sys/hypervisor/start_flags/initdomain = 1');
  if (p.xenCpuBusPresent) ev.push('/sys/devices/system/xen_cpu exists (registered only in dom0)');
  const xenpmDom0 = xenpmAnsweredAsDom0(s);
  if (xenpmDom0) ev.push(xenpmDom0);
  const driverDom0 = driverRanInDom0(s);
  if (driverDom0) ev.push(driverDom0);
  if (ev.length) return { kind: 'xen-dom0', hypervisor: 'xen', ...base, evidence: ev };

  const notDom0 = [s.xen.para, s.xen.states, s.xen.idle, s.xen.topology]
    .flatMap((o) => o?.messages ?? [])
    .find((m) => m.kind === 'physinfo-failed' && m.cause === 'not-dom0');
  if (p.hypervisorType === 'xen') ev.push('/sys/hypervisor/type: xen');
  if (caps && caps.length === 0) ev.push('/proc/xen/capabilities is empty (not the control domain)');
  if (p.initdomain === false) ev.push('/sys/hypervisor/start_flags/initdomain = 0');
  if (notDom0) ev.push(`xenpm: ${notDom0.line}`);
  if (detected?.hypervisor === 'xen') ev.push(`kernel log: ${logHv!.message}`);
  if (p.dmiSaysXen) ev.push(`DMI sys_vendor: ${p.dmiSysVendor}`);
  if (s.kernelLog.lines.some((l) => l.event?.kind === 'acpi-unprivileged')) ev.push('kernel log: ACPI in unprivileged domain disabled');
  if (ev.length) return { kind: 'xen-guest', hypervisor: 'xen', ...base, evidence: ev };

  if (p.cpuinfoHypervisorFlag === true) {
    const name = detected?.hypervisor ?? p.dmiHypervisor;
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
    const name = detected?.hypervisor ?? null;
    return { kind: name === 'xen' ? 'xen-guest' : 'vm-guest', hypervisor: name ?? 'unknown', ...base, evidence: [`kernel log: ${logHv.message}`] };
  }
  const bare = bootLogSaysBareMetal(s);
  if (bare) return { kind: 'bare-metal', hypervisor: null, ...base, evidence: bare };
  return { kind: 'unknown', hypervisor: null, ...base, evidence: ['no /proc/cpuinfo, /sys/hypervisor or Xen tool output to tell'] };
}
