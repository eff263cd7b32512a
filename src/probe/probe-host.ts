import type { HostRoot } from './host-root.js';
import type { AcpiTablesScan, ProbeProblem, Snapshot } from './snapshot.js';
import { Recorder, type StaticValueCache } from './recorder.js';
import { readPlatform } from './read-platform.js';
import { readCpus } from './read-cpus.js';
import { readCpufreq } from './read-cpufreq.js';
import { readCpuidle } from './read-cpuidle.js';
import { readDom0 } from './read-dom0.js';
import { readAcpiTables } from './read-acpi-tables.js';
import { COMMANDS } from './commands.js';
import { MAX_CPU_ID } from '../util/bounds.js';
import { emptyXenTools, readXenTools } from './read-xen-tools.js';

export interface ProbeOptions {
  /** Firmware tables do not change while the host runs: reuse the first successful scan. */
  acpiCache?: { scan: AcpiTablesScan | null };
  /** Values fixed while the host runs, kept across a daemon's probes (see Recorder.staticValue). */
  staticCache?: StaticValueCache;
  now?: () => Date;
}

/**
 * One probe of a host root: every reader, each tolerant of the others failing. The result is
 * plain data (JSON-serialisable) so diagnosis is a pure function of it.
 */
export async function probeHost(host: HostRoot, options: ProbeOptions = {}): Promise<Snapshot> {
  const t0 = performance.now();
  const durations: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const s = performance.now();
    const v = f();
    durations[name] = Math.round((performance.now() - s) * 100) / 100;
    return v;
  };
  const rec = new Recorder(host, options.staticCache ?? null);
  const problems: ProbeProblem[] = [];
  const guard = <T>(source: string, f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (err) {
      // Readers never throw by design; this is the last line so one bug cannot take the probe down.
      problems.push({ source, reason: `internal error: ${(err as Error).message}` });
      return fallback;
    }
  };

  const platform = time('platform', () => guard('platform', () => readPlatform(rec), null));
  const cpus = time('cpus', () => guard('cpus', () => readCpus(rec), { online: null, offline: null, present: null, possible: null, cpus: [] }));
  const cpufreq = time('cpufreq', () => guard('cpufreq', () => readCpufreq(rec, cpus.cpus), { globals: { present: false, boost: null, intelPstate: null, amdPstate: null }, policies: [] }));
  const cpuidle = time('cpuidle', () => guard('cpuidle', () => readCpuidle(rec, cpus.cpus), { driver: null, governor: null, cpus: [] }));
  const dom0 = time('dom0', () => guard('xen-dom0', () => readDom0(rec, platform?.kernelCmdline ?? null), {
    moduleInSysfs: null, moduleInitstate: null, moduleOff: null, procModulesLine: null, blacklistTokens: [], physicalCpus: null,
  }));
  const acpi = time('acpi', () => {
    const cached = options.acpiCache?.scan;
    if (cached) return cached;
    const scan = guard('acpi', () => readAcpiTables(rec), { readable: false, tables: [], objects: { _PSS: [], _PCT: [], _PPC: [], _PSD: [], _CPC: [], _CST: [] }, reason: 'internal error' });
    if (options.acpiCache && scan.readable) options.acpiCache.scan = scan;
    return scan;
  });

  const xenHinted = !!platform && (platform.hypervisorType === 'xen' || platform.procXenPresent || platform.xenCpuBusPresent);
  const ts = performance.now();
  const [kernelLog, xen] = await Promise.all([
    host.runCommand('dmesg').then((r) => {
      durations['kernelLog'] = Math.round(r.durationMs * 100) / 100;
      return COMMANDS.dmesg.parse(r);
    }).catch((err: Error) => ({ available: false, origin: null, failure: 'spawn-failed' as const, error: `internal error: ${err.message}`, linesSeen: null, truncated: false, lines: [] })),
    // On a live host without any Xen signal there is nothing for xenpm to talk to.
    host.live && !xenHinted ? Promise.resolve(emptyXenTools()) : readXenTools(host).catch((err: Error) => {
      problems.push({ source: 'xen-tools', reason: `internal error: ${err.message}` });
      return emptyXenTools();
    }),
  ]);
  durations['commands'] = Math.round((performance.now() - ts) * 100) / 100;
  for (const [name, c] of Object.entries(xen.commands)) {
    const parsed = xen[COMMANDS[name as keyof typeof COMMANDS].field as 'para'] as { dropped?: number } | null;
    if (c && parsed?.dropped) {
      problems.push({ source: name, reason: `${parsed.dropped} value(s) beyond the bounds dropped (CPU ids above ${MAX_CPU_ID}, more states per CPU than any firmware lists): the output is garbage or hostile` });
    }
  }
  durations['total'] = Math.round((performance.now() - t0) * 100) / 100;

  return {
    takenAt: (options.now?.() ?? new Date()).toISOString(),
    root: host.path,
    live: host.live,
    platform: platform ?? readPlatformFallback(),
    cpus,
    cpufreq,
    cpuidle,
    dom0,
    acpi,
    kernelLog,
    xen,
    absent: rec.absent,
    problems: [...(host.problems ?? []), ...rec.problems, ...problems],
    durationsMs: durations,
  };
}

function readPlatformFallback(): Snapshot['platform'] {
  return {
    hostname: null, hypervisorType: null, guestType: null, xenVersionSysfs: null, xenReleaseSysfs: null, initdomain: null, startFlagPmCx: null,
    startFlagPmPx: null, procXenPresent: false, xenCapabilities: null, xenCpuBusPresent: false, cpuinfoHypervisorFlag: null,
    cpuVendor: null, cpuModel: null, dmiSysVendor: null, dmiProductName: null, dmiHypervisor: null, dmiSaysXen: false,
    kernelCmdline: null, kernelIdleLimits: [],
  };
}
