import { bracketPairs, splitLabel, toCount, toKhz, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';
import { DropCounter, MAX_CPU_ID, MAX_PSTATES_PER_CPU } from '../util/bounds.js';

export interface XenCppc {
  lowest: number | null;
  lowestNonlinear: number | null;
  nominal: number | null;
  highest: number | null;
  min: number | null;
  max: number | null;
  /** 0 = performance … 255 = powersave (HWP energy_perf). */
  energyPerf: number | null;
  activityWindow: string | null;
  /** 0 means the hardware chooses ("hw autonomous"). */
  desired: number | null;
}

export interface XenCpufreqPara {
  cpu: number;
  affectedCpus: number[] | null;
  cpuinfoMaxKhz: number | null;
  cpuinfoMinKhz: number | null;
  cpuinfoCurKhz: number | null;
  /** HWP/CPPC builds print `base [..] max [..]` instead of `max min cur`. */
  cpuinfoBaseKhz: number | null;
  /** `null` when the line is missing; `''` when Xen printed it empty (3.4/4.0 did). */
  driver: string | null;
  availableGovernors: string[] | null;
  governor: string | null;
  userspaceSetspeedKhz: number | null;
  ondemandSamplingRateUs: { max: number | null; min: number | null; cur: number | null } | null;
  ondemandUpThreshold: number | null;
  /** `_PSS` order, P0 first; the acpi-cpufreq top entry may be "max non-turbo + 1 MHz" = turbo. */
  availableFrequenciesKhz: number[] | null;
  /** The entry xenpm marked with `*` (equal to scaling cur). */
  markedFrequencyKhz: number | null;
  scalingMaxKhz: number | null;
  scalingMinKhz: number | null;
  scalingCurKhz: number | null;
  /** 4.1–4.3 say `disabled`; 4.4+ print `disabled or n/a`, which cannot tell off from unsupported. */
  turbo: 'enabled' | 'disabled' | 'disabled-or-na' | null;
  cppc: XenCppc | null;
  /** Lines of the block, for evidence. */
  lines: string[];
}

export interface CpufreqParaOutput {
  cpus: XenCpufreqPara[];
  messages: XenpmMessage[];
  /** CPU blocks and table entries beyond the bounds (util/bounds.ts), dropped. */
  dropped: number;
}

function emptyBlock(cpu: number): XenCpufreqPara {
  return {
    cpu, affectedCpus: null, cpuinfoMaxKhz: null, cpuinfoMinKhz: null, cpuinfoCurKhz: null, cpuinfoBaseKhz: null,
    driver: null, availableGovernors: null, governor: null, userspaceSetspeedKhz: null, ondemandSamplingRateUs: null,
    ondemandUpThreshold: null, availableFrequenciesKhz: null, markedFrequencyKhz: null, scalingMaxKhz: null,
    scalingMinKhz: null, scalingCurKhz: null, turbo: null, cppc: null, lines: [],
  };
}

function emptyCppc(): XenCppc {
  return { lowest: null, lowestNonlinear: null, nominal: null, highest: null, min: null, max: null, energyPerf: null, activityWindow: null, desired: null };
}

/** CPPC lines share one namespace of `name [value]` pairs whatever line they sit on. */
function mergeCppc(c: XenCppc, pairs: Map<string, string>): void {
  for (const [k, v] of pairs) {
    switch (k) {
      case 'lowest': c.lowest = toCount(v); break;
      case 'lowest nonlinear': c.lowestNonlinear = toCount(v); break;
      case 'nominal': c.nominal = toCount(v); break;
      case 'highest': c.highest = toCount(v); break;
      case 'min': c.min = toCount(v); break;
      case 'max': c.max = toCount(v); break;
      case 'energy perf': case 'energy_perf': c.energyPerf = toCount(v); break;
      case 'activity_window': case 'activity window': c.activityWindow = v; break;
      case 'desired': c.desired = toCount(v.split(/\s+/)[0]); break;
    }
  }
}

function parseFreqList(value: string, b: XenCpufreqPara, drops: DropCounter): void {
  const freqs: number[] = [];
  for (const word of value.split(/\s+/).filter(Boolean)) {
    if (!drops.room(freqs.length, MAX_PSTATES_PER_CPU)) break;
    const m = /^(\*?)(\d+)$/.exec(word);
    const khz = m ? toKhz(m[2]) : null;
    if (khz === null) continue; // a cut-off last entry is dropped, the rest is kept
    freqs.push(khz);
    if (m![1] === '*') b.markedFrequencyKhz = khz;
  }
  b.availableFrequenciesKhz = freqs;
}

/**
 * `xenpm get-cpufreq-para`: one block per CPU starting at `cpu id`. Fields are recognised by
 * label, not by indentation or position, because pasted output loses both. In 4.21+ the CPPC
 * block of governor-less drivers follows the blank line, so it attaches to the last `cpu id`.
 */
export function parseCpufreqPara(stdout: string, stderr = ''): CpufreqParaOutput {
  const cpus: XenCpufreqPara[] = [];
  const messages: XenpmMessage[] = [];
  const drops = new DropCounter();
  // Held in an object because the field handler below assigns it (TS cannot follow closures).
  const at: { block: XenCpufreqPara | null; inCppc: boolean } = { block: null, inCppc: false };
  for (const line of toLines(stdout)) {
    if (!line.trim()) continue;
    const kv = splitLabel(line);
    const known = kv ? handleField(kv.label, kv.value) : false;
    if (known) {
      at.block?.lines.push(line.trim());
      continue;
    }
    messages.push(classifyOrKeep(line));
  }
  return { cpus, messages: withStderr(messages, stderr), dropped: drops.count };

  function handleField(label: string, value: string): boolean {
    if (label === 'cpu id') {
      const id = toCount(value);
      if (id === null) return false;
      at.block = emptyBlock(id);
      // A block past the bounds is still parsed (its lines are not garbage) but not kept.
      if (drops.cpuOk(id) && drops.room(cpus.length, MAX_CPU_ID + 1)) cpus.push(at.block);
      at.inCppc = false;
      return true;
    }
    const b = at.block;
    if (!b) return false;
    switch (label) {
      case 'affected_cpus':
        b.affectedCpus = value.split(/\s+/).filter(Boolean).map((w) => toCount(w.replace(/^\*/, ''))).filter((n): n is number => n !== null);
        return true;
      case 'cpuinfo frequency': {
        const p = bracketPairs(value);
        // HWP builds before 4.18 (Qubes backports) print `base [..] turbo [..]`: turbo is the maximum.
        b.cpuinfoMaxKhz = toKhz(p.get('max')) ?? toKhz(p.get('turbo'));
        b.cpuinfoMinKhz = toKhz(p.get('min'));
        b.cpuinfoCurKhz = toKhz(p.get('cur'));
        b.cpuinfoBaseKhz = toKhz(p.get('base'));
        return true;
      }
      case 'scaling_driver':
        b.driver = value;
        return true;
      case 'scaling_avail_gov':
        b.availableGovernors = value.split(/\s+/).filter(Boolean);
        return true;
      case 'current_governor':
        b.governor = value.split(/\s+/)[0] || null;
        return true;
      case 'userspace specific':
      case 'ondemand specific':
        return true;
      case 'scaling_setspeed':
        b.userspaceSetspeedKhz = toKhz(value);
        return true;
      case 'sampling_rate': {
        const p = bracketPairs(value);
        b.ondemandSamplingRateUs = { max: toCount(p.get('max')), min: toCount(p.get('min')), cur: toCount(p.get('cur')) };
        return true;
      }
      case 'up_threshold':
        b.ondemandUpThreshold = toCount(value);
        return true;
      case 'scaling_avail_freq':
        parseFreqList(value, b, drops);
        return true;
      case 'scaling frequency': {
        const p = bracketPairs(value);
        b.scalingMaxKhz = toKhz(p.get('max'));
        b.scalingMinKhz = toKhz(p.get('min'));
        b.scalingCurKhz = toKhz(p.get('cur'));
        return true;
      }
      case 'turbo mode':
        b.turbo = /^enabled/i.test(value) ? 'enabled' : /^disabled or n\/a/i.test(value) ? 'disabled-or-na' : /^disabled/i.test(value) ? 'disabled' : null;
        return true;
      case 'cppc variables':
        b.cppc ??= emptyCppc();
        at.inCppc = true;
        return true;
      case 'hardware limits':
      case 'configured limits':
      case '':
        if (!at.inCppc && label === '') return false;
        b.cppc ??= emptyCppc();
        mergeCppc(b.cppc, bracketPairs(value));
        return true;
      default:
        return false;
    }
  }
}
