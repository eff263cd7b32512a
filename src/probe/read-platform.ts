import type { Recorder } from './recorder.js';
import type { PlatformSignals } from './snapshot.js';
import { parseFlag, parseUnsigned, parseWord, type Parsed } from './parse-sysfs-values.js';
import { nameHypervisor, parseXenRelease } from './hypervisor-names.js';

const SRC = 'platform';

/** Pure: /proc/cpuinfo → the `hypervisor` flag (CPUID.1:ECX[31]), vendor and model of CPU 0. */
export function parseCpuinfo(text: string): { hypervisorFlag: boolean | null; vendor: string | null; model: string | null } {
  let flags: string | null = null;
  let vendor: string | null = null;
  let model: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (!m) {
      if (flags !== null) break; // end of the first CPU's block
      continue;
    }
    const key = m[1]!.trim();
    if (key === 'flags' && flags === null) flags = m[2]!;
    else if (key === 'vendor_id' && vendor === null) vendor = m[2]!.trim();
    else if (key === 'model name' && model === null) model = m[2]!.trim();
  }
  return { hypervisorFlag: flags === null ? null : flags.split(/\s+/).includes('hypervisor'), vendor, model };
}

/** Pure: kernel command-line tokens that limit C-states. */
function idleLimitTokens(cmdline: string | null): string[] {
  return (cmdline ?? '').split(/\s+/).filter((t) => /^(?:intel_idle\.max_cstate|processor\.max_cstate|idle)=/.test(t) || t === 'cpuidle.off=1');
}

/** What the kernel's utsname holds before anyone sets a name (init/version.c: UTS_NODENAME). */
const UNSET_HOSTNAME = '(none)';

/** Pure: a host name as /proc/sys/kernel/hostname or capture.json gives it; unset (`(none)`, empty) is null. */
export function parseHostname(text: string): Parsed<string | null> {
  const w = parseWord(text);
  if (!w.ok) return w.reason === 'empty value' ? { ok: true, value: null } : w;
  return { ok: true, value: w.value === UNSET_HOSTNAME ? null : w.value };
}

/** Pure: the `hostname` field of a capture's capture.json (written by `capture`, docs/capture-format.md). */
export function parseCaptureHostname(text: string): Parsed<string | null> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'capture.json is not JSON' };
  }
  const h = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['hostname'] : undefined;
  if (h === undefined || h === null) return { ok: true, value: null };
  if (typeof h !== 'string') return { ok: false, reason: 'capture.json hostname is not a string' };
  return parseHostname(h);
}

/**
 * A capture names its host in capture.json (what the capturing machine called itself); a live root, and a
 * capture without that file, in /proc/sys/kernel/hostname. capture.json is the capture's own metadata, not a
 * reading of the host: when it is unusable the name falls back to the file, and no probe problem is raised.
 */
function readHostname(rec: Recorder): string | null {
  if (!rec.host.live) {
    const meta = rec.text('capture.json', SRC);
    const parsed = meta === null ? null : parseCaptureHostname(meta);
    if (parsed?.ok && parsed.value !== null) return parsed.value;
  }
  return rec.value('proc/sys/kernel/hostname', SRC, parseHostname);
}

export function readPlatform(rec: Recorder): PlatformSignals {
  const word = (rel: string) => rec.value(rel, SRC, parseWord);
  const major = rec.value('sys/hypervisor/version/major', SRC, parseUnsigned);
  const minor = rec.value('sys/hypervisor/version/minor', SRC, parseUnsigned);
  const extraText = rec.text('sys/hypervisor/version/extra', SRC);
  const caps = rec.text('proc/xen/capabilities', SRC);
  const cpuinfoText = rec.text('proc/cpuinfo', SRC);
  const cpuinfo = cpuinfoText === null ? { hypervisorFlag: null, vendor: null, model: null } : parseCpuinfo(cpuinfoText);
  const cmdline = rec.text('proc/cmdline', SRC);
  const xenVersionSysfs = major !== null && minor !== null ? `${major}.${minor}${(extraText ?? '').trim()}` : null;
  const dmiSysVendor = word('sys/class/dmi/id/sys_vendor');
  const dmiProductName = word('sys/class/dmi/id/product_name');
  const kernelCmdline = cmdline === null ? null : cmdline.trim();
  return {
    hostname: readHostname(rec),
    hypervisorType: word('sys/hypervisor/type'),
    guestType: word('sys/hypervisor/guest_type'),
    xenVersionSysfs,
    xenReleaseSysfs: parseXenRelease(xenVersionSysfs),
    initdomain: rec.value('sys/hypervisor/start_flags/initdomain', SRC, parseFlag),
    startFlagPmCx: rec.value('sys/hypervisor/start_flags/unknown08', SRC, parseFlag),
    startFlagPmPx: rec.value('sys/hypervisor/start_flags/unknown09', SRC, parseFlag),
    procXenPresent: rec.host.exists('proc/xen'),
    xenCapabilities: caps === null ? null : caps.split(/[\s,]+/).filter(Boolean),
    xenCpuBusPresent: rec.host.exists('sys/devices/system/xen_cpu'),
    cpuinfoHypervisorFlag: cpuinfo.hypervisorFlag,
    cpuVendor: cpuinfo.vendor,
    cpuModel: cpuinfo.model,
    dmiSysVendor,
    dmiProductName,
    dmiHypervisor: nameHypervisor(dmiSysVendor) ?? nameHypervisor(dmiProductName),
    dmiSaysXen: /^Xen$/i.test(dmiSysVendor ?? ''),
    kernelCmdline,
    kernelIdleLimits: idleLimitTokens(kernelCmdline),
  };
}
