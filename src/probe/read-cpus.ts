import type { Recorder } from './recorder.js';
import type { CpuEntry, CpuSets } from './snapshot.js';
import { parseCpuList, parseFlag, parseUnsigned } from './parse-sysfs-values.js';
import { MAX_CPU_ID } from '../util/bounds.js';

const SRC = 'cpus';
export const CPU_DIR = 'sys/devices/system/cpu';

/** CPU ids from directory names (`cpu0`, `cpu12`), ignoring cpufreq, cpuidle and friends. */
function cpuIdsFromEntries(entries: readonly string[]): number[] {
  const ids: number[] = [];
  for (const e of entries) {
    const m = /^cpu(\d+)$/.exec(e);
    if (m) ids.push(Number(m[1]));
  }
  return ids.sort((a, b) => a - b);
}

export function readCpus(rec: Recorder): CpuSets {
  const list = (name: string) => rec.value(`${CPU_DIR}/${name}`, SRC, (t) => parseCpuList(t));
  const entries = rec.list(CPU_DIR, SRC) ?? [];
  const online = list('online');
  const ids = cpuIdsFromEntries(entries);
  const kept = ids.filter((id) => id <= MAX_CPU_ID);
  if (kept.length < ids.length) {
    rec.problems.push({ source: SRC, path: CPU_DIR, reason: `${ids.length - kept.length} cpuN directories with ids above ${MAX_CPU_ID} dropped: not a real CPU set` });
  }
  const cpus: CpuEntry[] = kept.map((cpu) => {
    const dir = `${CPU_DIR}/cpu${cpu}`;
    // cpu0 usually has no `online` file; fall back to the global list, else unknown.
    const own = rec.value(`${dir}/online`, SRC, parseFlag);
    const topo = `${dir}/topology`;
    return {
      cpu,
      online: own ?? (online ? online.includes(cpu) : null),
      coreId: rec.staticValue(`${topo}/core_id`, SRC, parseUnsigned),
      packageId: rec.staticValue(`${topo}/physical_package_id`, SRC, parseUnsigned),
      threadSiblings: rec.staticValue(`${topo}/thread_siblings_list`, SRC, (t) => parseCpuList(t)),
      policy: null,
    };
  });
  return { online, offline: list('offline'), present: list('present'), possible: list('possible'), cpus };
}
