import type { Snapshot } from '../probe/snapshot.js';
import { isPlausibleKhz } from '../util/units.js';
import { classifyPlatform, type PlatformVerdict } from './classify-platform.js';

/**
 * Whose numbers describe CPU frequency on this host, chosen once: Xen's (a dom0, where the hypervisor
 * drives P-states and xenpm reports them) or the kernel's (sysfs cpufreq/cpuidle everywhere else). The
 * diagnosis, the residency history and the metrics all read this view, never both sources.
 */
export type FrequencySource = 'xen' | 'kernel';

/** One P-state's cumulative counters. Lists are ordered as the source orders them (P0, the highest, first). */
export interface PStateCounter {
  /** `P0`, `P1` … */
  label: string;
  khz: number;
  residencySeconds: number | null;
  transitions: number | null;
}

export interface PStateSeries {
  /** The CPUs these counters describe: one CPU under Xen, a policy's CPUs under Linux (listed once, on the first). */
  cpus: number[];
  states: PStateCounter[];
  /** Index of the highest state the CPU may use (after the firmware's _PPC limit). */
  topUsableIndex: number;
}

export interface CStateCounter {
  /** `C0`, `C1` … under Xen; the cpuidle state's name under Linux. */
  label: string;
  residencySeconds: number | null;
  entries: number | null;
}

export interface CStateSeries {
  cpu: number;
  states: CStateCounter[];
  /** Cumulative busy (C0) and idle milliseconds, when the source tells them. */
  busyMs: number | null;
  idleMs: number | null;
}

export interface FrequencyView {
  platform: PlatformVerdict;
  source: FrequencySource;
  pstates: PStateSeries[];
  cstates: CStateSeries[];
  /** Turbo/boost per CPU, where the source says. */
  turbo: Array<{ cpu: number; enabled: boolean }>;
}

/** Xen's view on a dom0 that answered per CPU; the kernel's otherwise (also a dom0 whose only numbers are Linux's). */
function chooseSource(s: Snapshot, platform: PlatformVerdict): FrequencySource {
  if (platform.kind !== 'xen-dom0') return 'kernel';
  const xenAnswered = !!(s.xen.para?.cpus.length || s.xen.states?.cpus.length || s.xen.idle?.cpus.length);
  return xenAnswered || s.cpufreq.policies.length === 0 ? 'xen' : 'kernel';
}

export function buildView(s: Snapshot): FrequencyView {
  const platform = classifyPlatform(s);
  const source = chooseSource(s, platform);
  return source === 'xen' ? { platform, source, ...xenSeries(s) } : { platform, source, ...kernelSeries(s) };
}

function xenSeries(s: Snapshot): Pick<FrequencyView, 'pstates' | 'cstates' | 'turbo'> {
  const pstates: PStateSeries[] = [];
  for (const st of s.xen.states?.cpus ?? []) {
    const states: PStateCounter[] = [];
    for (const p of st.states) {
      const khz = p.freqMhz === null ? null : p.freqMhz * 1000;
      if (khz === null || !isPlausibleKhz(khz)) continue;
      states.push({ label: `P${p.index}`, khz, residencySeconds: p.residencyMs === null ? null : p.residencyMs / 1000, transitions: p.transitions });
    }
    const top = st.totalPStates !== null && st.usablePStates !== null ? Math.max(0, st.totalPStates - st.usablePStates) : 0;
    pstates.push({ cpus: [st.cpu], states, topUsableIndex: top });
  }
  const cstates: CStateSeries[] = (s.xen.idle?.cpus ?? []).map((c) => ({
    cpu: c.cpu,
    states: c.states.map((x) => ({ label: `C${x.index}`, residencySeconds: x.residencyMs === null ? null : x.residencyMs / 1000, entries: x.transitions })),
    busyMs: c.states.find((x) => x.index === 0)?.residencyMs ?? null,
    idleMs: c.idleTimeMs,
  }));
  const turbo: FrequencyView['turbo'] = [];
  // 'disabled or n/a' is not enabled.
  for (const b of s.xen.para?.cpus ?? []) if (b.turbo) turbo.push({ cpu: b.cpu, enabled: b.turbo === 'enabled' });
  return { pstates, cstates, turbo };
}

function kernelSeries(s: Snapshot): Pick<FrequencyView, 'pstates' | 'cstates' | 'turbo'> {
  const pstates: PStateSeries[] = [];
  for (const p of s.cpufreq.policies) {
    const cpus = p.relatedCpus ?? p.affectedCpus ?? [];
    const tis = [...(p.timeInState ?? [])].sort((a, b) => b.khz - a.khz);
    if (!cpus.length || !tis.length) continue;
    const table = p.transTable;
    const entries = (khz: number): number | null => {
      const j = table ? table.frequenciesKhz.indexOf(khz) : -1;
      return j < 0 ? null : table!.counts.reduce((a, row) => a + row[j]!, 0);
    };
    const states: PStateCounter[] = [];
    tis.forEach((e, i) => {
      if (isPlausibleKhz(e.khz)) states.push({ label: `P${i}`, khz: e.khz, residencySeconds: e.seconds, transitions: entries(e.khz) });
    });
    pstates.push({ cpus, states, topUsableIndex: 0 });
  }
  const cstates: CStateSeries[] = s.cpuidle.cpus.map((c) => ({
    cpu: c.cpu,
    states: c.states.map((x) => ({ label: x.name ?? `state${x.index}`, residencySeconds: x.timeUs === null ? null : x.timeUs / 1e6, entries: x.usage })),
    busyMs: null,
    idleMs: c.states.length && c.states.every((x) => x.timeUs !== null) ? c.states.reduce((a, x) => a + x.timeUs!, 0) / 1000 : null,
  }));
  const turbo: FrequencyView['turbo'] = [];
  const global = s.cpufreq.globals.intelPstate?.noTurbo ?? null;
  for (const p of s.cpufreq.policies) {
    const on = global !== null ? !global : p.boost ?? s.cpufreq.globals.boost;
    if (on === null) continue;
    for (const cpu of p.relatedCpus ?? p.affectedCpus ?? []) turbo.push({ cpu, enabled: on });
  }
  return { pstates, cstates, turbo };
}
