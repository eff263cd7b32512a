import { toLines } from './normalize-text.js';

export interface XlDmesg {
  /** The hypervisor console lines that matter to power management, prefix and timestamp removed. */
  relevant: string[];
  version: string | null;
  commandLine: string | null;
  /** Xen CPU ids for which dom0's `_PSS` upload was logged (needs `cpufreq=…,verbose`). */
  pxUploadCpus: number[];
  cppcUploadCpus: number[];
  /** Every `_PPC: N` value logged, in order. */
  ppcValues: number[];
  hwpInUse: boolean;
  hwpDisabledLines: string[];
  cpufreqErrorLines: string[];
  policyCreatedCpus: number[];
  verboseCpufreq: boolean;
  cstateLines: string[];
  /** The ring still holds Xen's boot banner (`Xen version …`): nothing logged since boot was overwritten. */
  fromBoot: boolean;
  /** dom0 had started and was registering its devices (`PCI add device`, dom0's own hypercalls). */
  dom0Running: boolean;
}

const PREFIX = /^\s*\(XEN\)\s?(?:\[[^\]]*\]\s?)?/;
const RELEVANT = /cpufreq|P-?State|_PPC|_PSS|_PCT|_PSD|_CPC|CPPC|HWP|Turbo|Boost|xen_pminfo|Command line|Xen version|C-state|Mwait|mwait-idle|max_cstate|initialization completed|Unsupported cpufreq|No P-States|Fail transfer|acpi_id|PCI add device/i;
const ERRORS = /cpufreq fail to add CPU|Fail transfer to new freq|Unsupported cpufreq driver|Cpufreq: unsupported|No P-States|Unsupported sharing type|Broken CPPC|failed amd-cppc|HWP: CPU\d+ error|AMD-CPPC: CPU\d+ error|not defined sub-hypercall/i;

/** Streaming filter: keeps only the console lines parseXlDmesg can use. */
export function isRelevantXlDmesgLine(line: string): boolean {
  return PREFIX.test(line) && RELEVANT.test(line);
}

/** `xl dmesg` (the hypervisor console ring): every line `(XEN) ` + optional `[timestamp] `. */
export function parseXlDmesg(stdout: string): XlDmesg {
  const r: XlDmesg = {
    relevant: [], version: null, commandLine: null, pxUploadCpus: [], cppcUploadCpus: [], ppcValues: [],
    hwpInUse: false, hwpDisabledLines: [], cpufreqErrorLines: [], policyCreatedCpus: [], verboseCpufreq: false,
    cstateLines: [], fromBoot: false, dom0Running: false,
  };
  for (const rawLine of toLines(stdout)) {
    if (!PREFIX.test(rawLine)) continue;
    const line = rawLine.replace(PREFIX, '').replace(/\t/g, ' ').trim();
    if (!RELEVANT.test(line)) continue;
    if (/^PCI add device/.test(line)) {
      r.dom0Running = true;
      continue;
    }
    if (r.relevant.length < 2000) r.relevant.push(line);
    let m: RegExpExecArray | null;
    if (!r.version && (m = /Xen version (\d+\.\d+[^\s(]*)/.exec(line))) {
      r.version = m[1]!;
      r.fromBoot = true;
    }
    if (!r.commandLine && (m = /^Command line:\s*(.*)$/.exec(line))) r.commandLine = m[1]!;
    if ((m = /Set CPU acpi_id\(\d+\) cpu(?:id)?\((\d+)\) Px State info/.exec(line))) r.pxUploadCpus.push(Number(m[1]));
    if ((m = /Set CPU(\d+) \(ACPI ID \d+\) CPPC state info/.exec(line))) r.cppcUploadCpus.push(Number(m[1]));
    if ((m = /^_PPC:\s*(\d+)/.exec(line))) r.ppcValues.push(Number(m[1]));
    // Upstream (4.18+) prints `HWP: Using HWP for cpufreq`; the Qubes 4.17 backport the same without the prefix.
    if (/^(?:HWP: )?Using HWP for cpufreq/.test(line)) r.hwpInUse = true;
    if (/HWP: (?:HWP )?disabled|lacks HWP support/i.test(line)) r.hwpDisabledLines.push(line);
    if (ERRORS.test(line)) r.cpufreqErrorLines.push(line);
    if ((m = /CPU (\d+) initialization completed/.exec(line))) r.policyCreatedCpus.push(Number(m[1]));
    if (/Px State info|_PSS: state_count|xen_pminfo|initialization completed/.test(line)) r.verboseCpufreq = true;
    if (/C-state|Mwait|mwait-idle/i.test(line)) r.cstateLines.push(line);
  }
  return r;
}
