import type { Recorder } from './recorder.js';
import type { CpuEntry, CpuidleInfo, CpuidleState } from './snapshot.js';
import { parseFlag, parseUnsigned, parseWord } from './parse-sysfs-values.js';
import { CPU_DIR } from './read-cpus.js';
import { MAX_CSTATES_PER_CPU } from '../util/bounds.js';

const SRC = 'cpuidle';

export function readCpuidle(rec: Recorder, cpus: CpuEntry[]): CpuidleInfo {
  const info: CpuidleInfo = {
    driver: rec.value(`${CPU_DIR}/cpuidle/current_driver`, SRC, parseWord),
    governor:
      rec.value(`${CPU_DIR}/cpuidle/current_governor`, SRC, parseWord) ??
      rec.value(`${CPU_DIR}/cpuidle/current_governor_ro`, SRC, parseWord),
    cpus: [],
  };
  for (const c of cpus) {
    const dir = `${CPU_DIR}/cpu${c.cpu}/cpuidle`;
    // Which idle states a CPU has is fixed while it runs; whether one is disabled is an administrator's
    // switch, read with the slow-changing values (cached, re-read every few dozen probes).
    const entries = rec.staticList(dir, SRC);
    if (!entries) continue;
    const states: CpuidleState[] = [];
    for (const e of entries) {
      const m = /^state(\d+)$/.exec(e);
      if (!m) continue;
      if (states.length >= MAX_CSTATES_PER_CPU) {
        rec.problems.push({ source: SRC, path: dir, reason: `more than ${MAX_CSTATES_PER_CPU} idle states: the rest dropped` });
        break;
      }
      const s = `${dir}/${e}`;
      const num = (f: string) => rec.value(`${s}/${f}`, SRC, parseUnsigned);
      states.push({
        index: Number(m[1]),
        name: rec.staticValue(`${s}/name`, SRC, parseWord),
        desc: rec.staticValue(`${s}/desc`, SRC, parseWord),
        latencyUs: rec.staticValue(`${s}/latency`, SRC, parseUnsigned),
        residencyUs: rec.staticValue(`${s}/residency`, SRC, parseUnsigned),
        usage: num('usage'),
        timeUs: num('time'),
        disabled: rec.staticValue(`${s}/disable`, SRC, parseFlag),
      });
    }
    states.sort((a, b) => a.index - b.index);
    info.cpus.push({ cpu: c.cpu, states });
  }
  return info;
}
