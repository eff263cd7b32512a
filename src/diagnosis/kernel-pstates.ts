import type { CpufreqPolicy, Snapshot } from '../probe/snapshot.js';
import { formatCpuList } from '../util/cpu-list.js';
import type { CpuRow, Finding } from './report.js';
import { finding, mostCommon } from './finding.js';
import { formatMhz as mhz, isPlausibleKhz, MAX_PLAUSIBLE_KHZ } from '../util/units.js';
import { turboEntryKhz } from './turbo-entry.js';

/** Drivers that pick frequencies themselves: their `powersave` is the normal, dynamic policy. */
const SETPOLICY_DRIVERS = new Set(['intel_pstate', 'amd-pstate-epp']);

function cpusOf(p: CpufreqPolicy): number[] {
  return p.relatedCpus ?? p.affectedCpus ?? [];
}

function where(p: CpufreqPolicy): string {
  const c = cpusOf(p);
  return `${p.name}${c.length ? ` (CPUs ${formatCpuList(c)})` : ''}`;
}

/** Group policies by an identical message so 256 CPUs give one evidence line, not 256. */
function grouped(items: Array<{ p: CpufreqPolicy; text: string }>): string[] {
  const by = new Map<string, number[]>();
  for (const { p, text } of items) by.set(text, [...(by.get(text) ?? []), ...cpusOf(p)]);
  return [...by].map(([text, cpus]) => `CPUs ${formatCpuList(cpus) || '?'}: ${text}`);
}

/** What a P-state rule (Xen's or the kernel's) concludes: the table, the per-CPU rows and the findings. */
/** intel_pstate's status: `active` (it picks frequencies), `passive` (intel_cpufreq under a governor), `off`. */
export function intelPstateDrives(status: string | null | undefined): boolean {
  return status === 'active' || status === 'passive';
}

/** The driver the global directories name when no policy says (a dump of intel_pstate/ or amd_pstate/ alone). */
export function globalDriver(g: Snapshot['cpufreq']['globals']): string | null {
  if (g.intelPstate && intelPstateDrives(g.intelPstate.status)) return g.intelPstate.status === 'active' ? 'intel_pstate' : 'intel_cpufreq';
  const a = g.amdPstate?.status;
  if (a === 'active') return 'amd-pstate-epp';
  if (a === 'passive' || a === 'guided') return 'amd-pstate';
  return null;
}

export interface PstateConclusion {
  driver: string | null;
  governor: string | null;
  tableKhz: number[];
  maxKhz: number | null;
  minKhz: number | null;
  rows: CpuRow[];
  findings: Finding[];
}

/** The Linux cpufreq view: bare metal, ordinary VMs, and the rare PVH dom0 that still has policies. */
export function diagnoseKernelPstates(s: Snapshot): PstateConclusion {
  const policies = s.cpufreq.policies;
  const g = s.cpufreq.globals;
  const findings: Finding[] = [];
  const table = new Set<number>();
  const implausible: string[] = [];
  for (const p of policies) {
    for (const f of [...(p.availableFrequenciesKhz ?? []), ...(p.boostFrequenciesKhz ?? [])]) if (isPlausibleKhz(f)) table.add(f); else implausible.push(`${where(p)} scaling_available_frequencies entry ${f} kHz`);
  }
  const maxes = policies.map((p) => p.cpuinfoMaxKhz).filter((v): v is number => v !== null && v <= MAX_PLAUSIBLE_KHZ);
  const mins = policies.map((p) => p.cpuinfoMinKhz).filter((v): v is number => v !== null && v <= MAX_PLAUSIBLE_KHZ);

  const capped: Array<{ p: CpufreqPolicy; text: string }> = [];
  const pinned: Array<{ p: CpufreqPolicy; text: string }> = [];
  const turboOff = g.intelPstate?.noTurbo === true || g.boost === false;
  for (const p of policies) {
    // The frequency table stands in for an unreadable cpuinfo_max/min_freq (pcc-cpufreq, a paste without them).
    const own = (p.availableFrequenciesKhz ?? []).filter(isPlausibleKhz);
    const topOfTable = own.length ? Math.max(...own) : null;
    const hwMax = p.cpuinfoMaxKhz ?? topOfTable;
    const hwMin = p.cpuinfoMinKhz ?? (own.length ? Math.min(...own) : null);
    for (const [name, v] of [['scaling_cur_freq', p.scalingCurKhz], ['cpuinfo_cur_freq', p.cpuinfoCurKhz], ['cpuinfo_avg_freq', p.cpuinfoAvgKhz], ['cpuinfo_max_freq', hwMax]] as const) {
      // Above scaling_max is turbo, not an error; only physically absurd values are implausible.
      if (v !== null && (v > MAX_PLAUSIBLE_KHZ || (hwMax !== null && name !== 'cpuinfo_max_freq' && v > hwMax * 2))) {
        implausible.push(`${where(p)} ${name} = ${v} kHz`);
      }
    }
    if (hwMax === null || hwMax > MAX_PLAUSIBLE_KHZ) continue;
    const setpolicy = SETPOLICY_DRIVERS.has(p.driver ?? '');
    const pinnedLow =
      (p.governor === 'powersave' && !setpolicy) ||
      (p.governor === 'userspace' && p.setspeedKhz !== null && hwMin !== null && p.setspeedKhz <= hwMin) ||
      (p.scalingMaxKhz !== null && hwMin !== null && hwMax > hwMin && p.scalingMaxKhz <= hwMin);
    if (pinnedLow) {
      pinned.push({ p, text: `governor ${p.governor ?? '?'} (${p.driver ?? 'no driver'}), scaling_max_freq ${mhz(p.scalingMaxKhz)}${p.setspeedKhz !== null ? `, scaling_setspeed ${mhz(p.setspeedKhz)}` : ''}, hardware ${mhz(hwMin)}–${mhz(hwMax)}` });
    }
    // A cap means below the top of the table: with boost, AMD's cpuinfo_max_freq is the boost frequency,
    // above the table, and an uncapped bios_limit equals the table's top entry.
    const capRef = topOfTable ?? hwMax;
    if (p.biosLimitKhz !== null && p.biosLimitKhz < capRef) {
      capped.push({ p, text: `bios_limit ${mhz(p.biosLimitKhz)} < ${topOfTable !== null ? 'the top of scaling_available_frequencies' : 'cpuinfo_max_freq'} ${mhz(capRef)} (firmware _PPC limit)` });
    } else if (p.scalingMaxKhz !== null && p.scalingMaxKhz < hwMax && !pinnedLow) {
      // With turbo off, scaling_max drops to the non-turbo maximum by design.
      const nonTurbo = p.baseFrequencyKhz ?? (turboEntryKhz(p.availableFrequenciesKhz) !== null ? [...p.availableFrequenciesKhz!].sort((a, b) => b - a)[1]! : null);
      if (!(turboOff && (nonTurbo === null || p.scalingMaxKhz >= nonTurbo))) {
        capped.push({ p, text: `scaling_max_freq ${mhz(p.scalingMaxKhz)} < cpuinfo_max_freq ${mhz(hwMax)}` });
      }
    }
  }
  // max_perf_pct means something only while intel_pstate drives: not a stale value under `status off` (kernels
  // before 4.13 have no status file at all, and there it does count).
  const maxPct = g.intelPstate && g.intelPstate.status !== 'off' ? g.intelPstate.maxPerfPct : null;
  if (maxPct !== null && maxPct < 100) {
    findings.push(finding('PSTATES_CAPPED', `intel_pstate limits every CPU to ${maxPct}% of its maximum performance.`, [`/sys/devices/system/cpu/intel_pstate/max_perf_pct = ${maxPct}`]));
  }
  if (capped.length) {
    const n = capped.reduce((a, c) => a + cpusOf(c.p).length, 0);
    findings.push(finding('PSTATES_CAPPED', `${n || capped.length} CPU(s) cannot reach their hardware maximum frequency.`, grouped(capped)));
  }
  if (pinned.length) {
    const n = pinned.reduce((a, c) => a + cpusOf(c.p).length, 0);
    findings.push(finding('GOVERNOR_PINNED_LOW', `${n || pinned.length} CPU(s) are held at their lowest frequency.`, grouped(pinned)));
  }
  if (implausible.length) findings.push(finding('IMPLAUSIBLE_READING', 'Frequency readings outside physical bounds were ignored.', implausible));

  const ip = g.intelPstate;
  if (ip?.noTurbo === true && (ip.turboPct === null || ip.turboPct > 0)) {
    findings.push(finding('TURBO_DISABLED', 'Turbo is switched off in intel_pstate.', [`/sys/devices/system/cpu/intel_pstate/no_turbo = 1${ip.turboPct !== null ? ` (turbo_pct = ${ip.turboPct})` : ''}`]));
  } else if (g.boost === false) {
    findings.push(finding('TURBO_DISABLED', 'Boost is switched off for all CPUs.', ['/sys/devices/system/cpu/cpufreq/boost = 0']));
  } else {
    const off = policies.filter((p) => p.boost === false);
    if (off.length) findings.push(finding('TURBO_DISABLED', `Boost is switched off on ${off.length} policy(ies).`, off.map((p) => `${where(p)}: boost = 0`)));
  }

  const rows: CpuRow[] = [];
  for (const c of s.cpus.cpus) {
    const p = policies.find((x) => x.name === c.policy);
    if (!p) {
      // Offline CPUs have no active policy; list them so the table shows the whole machine.
      if (c.online === false) rows.push({ cpu: c.cpu, online: false, source: 'kernel', curHz: null, minHz: null, maxHz: null, scalingMinHz: null, scalingMaxHz: null, governor: null, driver: null, usablePStates: null, totalPStates: null, busyRatio: null });
      continue;
    }
    const ok = (v: number | null) => (v !== null && v <= MAX_PLAUSIBLE_KHZ ? v * 1000 : null);
    rows.push({
      cpu: c.cpu, online: c.online, source: 'kernel',
      curHz: ok(p.cpuinfoAvgKhz ?? p.scalingCurKhz ?? p.cpuinfoCurKhz),
      minHz: ok(p.cpuinfoMinKhz), maxHz: ok(p.cpuinfoMaxKhz),
      scalingMinHz: ok(p.scalingMinKhz), scalingMaxHz: ok(p.scalingMaxKhz),
      governor: p.governor, driver: p.driver, usablePStates: null,
      totalPStates: p.availableFrequenciesKhz?.length ?? null, busyRatio: null,
    });
  }
  return {
    driver: mostCommon(policies.map((p) => p.driver)) ?? globalDriver(g),
    governor: mostCommon(policies.map((p) => p.governor)),
    tableKhz: [...table].sort((a, b) => b - a),
    maxKhz: maxes.length ? Math.max(...maxes, ...table) : table.size ? Math.max(...table) : null,
    minKhz: mins.length ? Math.min(...mins) : table.size ? Math.min(...table) : null,
    rows,
    findings,
  };
}
