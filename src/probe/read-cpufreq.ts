import type { Recorder } from './recorder.js';
import type { CpuEntry, CpufreqGlobals, CpufreqPolicy } from './snapshot.js';
import {
  parseCpuList, parseFlag, parseKhz, parseKhzList, parseTimeInState, parseTransTable, parseIdentifier, parseUnsigned, parseWords,
} from './parse-sysfs-values.js';
import { CPU_DIR } from './read-cpus.js';
import { MAX_CPU_ID } from '../util/bounds.js';

const SRC = 'cpufreq';
const CPUFREQ = `${CPU_DIR}/cpufreq`;

/**
 * One policy. What a probe reads every time is kept to what changes: `cpuinfo_cur_freq` asks the hardware
 * (an IPI per CPU, ~20 ms each on some machines: node_exporter#1086) and is read only where
 * `scaling_cur_freq` is missing; `scaling_setspeed` means something only under the userspace governor.
 */
function readPolicy(rec: Recorder, dir: string, name: string, affectedText: string | null): CpufreqPolicy {
  const khz = (f: string) => rec.value(`${dir}/${f}`, SRC, parseKhz);
  const fixedKhz = (f: string) => rec.staticValue(`${dir}/${f}`, SRC, parseKhz);
  const word = (f: string) => rec.value(`${dir}/${f}`, SRC, parseIdentifier);
  const epp = word('energy_performance_preference');
  const governor = word('scaling_governor');
  const scalingCurKhz = khz('scaling_cur_freq');
  // The caller may have read affected_cpus already (to skip inactive policies): not read twice.
  const cpuList = (t: string) => parseCpuList(t);
  const affected = affectedText === null ? rec.value(`${dir}/affected_cpus`, SRC, cpuList) : rec.interpret(`${dir}/affected_cpus`, SRC, affectedText, cpuList);
  return {
    name,
    relatedCpus: rec.staticValue(`${dir}/related_cpus`, SRC, (t) => parseCpuList(t)),
    affectedCpus: affected,
    driver: rec.staticValue(`${dir}/scaling_driver`, SRC, parseIdentifier),
    governor,
    availableGovernors: rec.staticValue(`${dir}/scaling_available_governors`, SRC, parseWords),
    cpuinfoMinKhz: fixedKhz('cpuinfo_min_freq'),
    cpuinfoMaxKhz: fixedKhz('cpuinfo_max_freq'),
    cpuinfoCurKhz: scalingCurKhz === null ? khz('cpuinfo_cur_freq') : null,
    cpuinfoAvgKhz: khz('cpuinfo_avg_freq'),
    scalingMinKhz: khz('scaling_min_freq'),
    scalingMaxKhz: khz('scaling_max_freq'),
    scalingCurKhz,
    setspeedKhz: governor === 'userspace' ? khz('scaling_setspeed') : null,
    biosLimitKhz: khz('bios_limit'),
    baseFrequencyKhz: fixedKhz('base_frequency'),
    availableFrequenciesKhz: rec.staticValue(`${dir}/scaling_available_frequencies`, SRC, parseKhzList),
    boostFrequenciesKhz: rec.staticValue(`${dir}/scaling_boost_frequencies`, SRC, parseKhzList),
    boost: rec.value(`${dir}/boost`, SRC, parseFlag),
    epp,
    amdPstateMaxFreqKhz: fixedKhz('amd_pstate_max_freq'),
    transitionLatencyNs: rec.staticValue(`${dir}/cpuinfo_transition_latency`, SRC, parseUnsigned),
    timeInState: rec.value(`${dir}/stats/time_in_state`, SRC, parseTimeInState),
    transTable: rec.value(`${dir}/stats/trans_table`, SRC, parseTransTable),
  };
}

/**
 * Every cpufreq policy: `cpufreq/policyN` on kernels ≥4.7, and per-CPU `cpuN/cpufreq` (a link
 * to the policy, or a real directory on old kernels). Each CPU entry learns its policy's name.
 */
export function readCpufreq(rec: Recorder, cpus: CpuEntry[]): { globals: CpufreqGlobals; policies: CpufreqPolicy[] } {
  const entries = rec.list(CPUFREQ, SRC);
  const policies: CpufreqPolicy[] = [];
  for (const e of entries ?? []) {
    if (!/^policy\d+$/.test(e)) continue;
    if (Number(e.slice(6)) > MAX_CPU_ID) {
      rec.problems.push({ source: SRC, path: `${CPUFREQ}/${e}`, reason: `policy id above ${MAX_CPU_ID}: not a real policy, dropped` });
      continue;
    }
    // A policy whose CPUs are all offline is inactive: the kernel answers every read with EBUSY
    // (cpufreq.c show()). That is normal, not a probe failure, and the policy has nothing to say.
    const probe = rec.host.readText(`${CPUFREQ}/${e}/affected_cpus`);
    if (!probe.ok && probe.kind === 'busy') continue;
    if (!probe.ok && probe.kind !== 'missing') {
      // Unreadable, or leading outside the root: its CPUs must not silently vanish from the report.
      rec.problems.push({ source: SRC, path: `${CPUFREQ}/${e}`, reason: probe.reason });
      continue;
    }
    if (!probe.ok || probe.text.trim() === '') {
      // An empty policy (no CPUs) is only kept when a driver is bound to it.
      if (rec.staticValue(`${CPUFREQ}/${e}/scaling_driver`, SRC, parseIdentifier) === null) continue;
    }
    policies.push(readPolicy(rec, `${CPUFREQ}/${e}`, e, probe.ok ? probe.text : null));
  }
  // Old kernels: no policyN directories; use cpuN/cpufreq for CPUs not already covered.
  const covered = new Set(policies.flatMap((p) => p.relatedCpus ?? p.affectedCpus ?? []));
  for (const c of cpus) {
    if (covered.has(c.cpu)) continue;
    const dir = `${CPU_DIR}/cpu${c.cpu}/cpufreq`;
    const listed = rec.host.list(dir);
    if (!listed.ok) {
      if (listed.kind !== 'missing') rec.problems.push({ source: SRC, path: dir, reason: listed.reason });
      continue;
    }
    if (!rec.host.exists(`${dir}/scaling_driver`) && !rec.host.exists(`${dir}/cpuinfo_max_freq`)) continue;
    const p = readPolicy(rec, dir, `cpu${c.cpu}`, null);
    p.relatedCpus ??= [c.cpu];
    policies.push(p);
    for (const id of p.relatedCpus) covered.add(id);
  }
  for (const c of cpus) {
    const p = policies.find((x) => (x.relatedCpus ?? x.affectedCpus ?? []).includes(c.cpu));
    c.policy = p ? p.name : null;
  }
  const ip = `${CPU_DIR}/intel_pstate`;
  const ap = `${CPU_DIR}/amd_pstate`;
  const hasIp = rec.host.exists(ip);
  const hasAp = rec.host.exists(ap);
  return {
    globals: {
      present: entries !== null,
      boost: rec.value(`${CPUFREQ}/boost`, SRC, parseFlag),
      intelPstate: hasIp
        ? {
            status: rec.value(`${ip}/status`, SRC, parseIdentifier),
            noTurbo: rec.value(`${ip}/no_turbo`, SRC, parseFlag),
            maxPerfPct: rec.value(`${ip}/max_perf_pct`, SRC, parseUnsigned),
            minPerfPct: rec.value(`${ip}/min_perf_pct`, SRC, parseUnsigned),
            turboPct: rec.value(`${ip}/turbo_pct`, SRC, parseUnsigned),
            numPstates: rec.value(`${ip}/num_pstates`, SRC, parseUnsigned),
          }
        : null,
      amdPstate: hasAp
        ? { status: rec.value(`${ap}/status`, SRC, parseIdentifier), prefcore: rec.value(`${ap}/prefcore`, SRC, parseIdentifier) }
        : null,
    },
    policies,
  };
}
