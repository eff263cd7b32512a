import { escapeLabel, MAX_SAMPLES, MetricSet } from './metric-set.js';
import type { Report } from '../diagnosis/report.js';
import { CATALOG } from '../diagnosis/catalog.js';
import type { StuckVerdict } from '../diagnosis/stuck.js';
import type { FrequencyView } from '../diagnosis/frequency-view.js';
import type { SourceStatus } from '../probe/source-status.js';
import { BUILD, VERSION } from '../util/version.js';

/** Everything one probe's exposition is built from: the report, the frequency view, and how the probe went. */
export interface ExpositionInput {
  report: Report;
  view: FrequencyView;
  stuck: StuckVerdict;
  /** xen_pm_probe_success / _duration_seconds, one per source. */
  sources: SourceStatus[];
  /** xen_pm_probe_read_errors, per reader. */
  readErrors: Map<string, number>;
  probeTimestampSeconds: number;
  probesTotal: number;
  probesSkipped: number;
}

const FROM = 'Values come from the last probe (see xen_pm_last_probe_timestamp_seconds).';

/**
 * Maps one probe's report, frequency view and source statuses onto metrics. A fresh set per probe: scrapes
 * only ever read the text rendered from it, and every metric name has exactly one code path
 * (node_exporter#3689 broke on two paths with different HELP).
 */
export function buildMetrics(input: ExpositionInput): MetricSet {
  const set = new MetricSet();
  const { report: r, view } = input;
  const g = (name: string, help: string) => set.gauge(name, help);
  const c = (name: string, help: string) => set.counter(name, help);

  g('xen_pm_build_info', 'Build information of xen-pm-exporter; value 1.').set({ version: VERSION, revision: BUILD.revision, branch: BUILD.branch, nodejs_version: process.version }, 1);
  g('xen_pm_platform_info', `What kind of host this is (probe of /sys/hypervisor, /proc/xen, cpuinfo, DMI, xenpm); value 1. ${FROM}`)
    .set({ kind: r.platform.kind, hypervisor: r.platform.hypervisor ?? '', xen_version: r.platform.xenVersion ?? '', guest_type: r.platform.guestType ?? '' }, 1);
  const status = g('xen_pm_status', `Diagnosis status, one series per state, 1 for the current one. ${FROM}`);
  for (const st of ['ok', 'warning', 'critical', 'unknown']) status.set({ status: st }, r.status === st ? 1 : 0);
  const handoff = g('xen_pm_pstate_handoff', `Did dom0 hand the ACPI P-states to Xen (xenpm, xen_acpi_processor, kernel log): one series per state, 1 for the current one. ${FROM}`);
  for (const st of ['yes', 'no', 'not-applicable', 'unknown']) handoff.set({ state: st }, r.pstates.handoff === st ? 1 : 0);
  const ctl = g('xen_pm_pstate_controller', `Who drives CPU frequency on this host: one series per controller, 1 for the current one. ${FROM}`);
  for (const st of ['xen', 'kernel', 'none', 'unknown']) ctl.set({ controller: st }, r.pstates.controller === st ? 1 : 0);
  g('xen_pm_cpufreq_info', `Most common frequency driver and governor across CPUs (xenpm or sysfs cpufreq); value 1. ${FROM}`)
    .set({ driver: r.pstates.driver ?? '', governor: r.pstates.governor ?? '' }, 1);

  // Reference lines for dashboards: the table's turbo entry, its highest non-turbo state (P0 of the
  // non-turbo range) and its lowest state.
  const ref = g('xen_pm_frequency_reference_hertz', `Reference frequencies of the host's P-state table: turbo-entry (acpi-cpufreq "max + 1 MHz"), max-non-turbo, min. ${FROM}`);
  const table = r.pstates.frequenciesHz;
  if (r.pstates.turboEntryHz !== null) ref.set({ kind: 'turbo-entry' }, r.pstates.turboEntryHz);
  const nonTurbo = table.find((f) => f !== r.pstates.turboEntryHz) ?? (r.pstates.turboEntryHz === null ? r.pstates.maxHz : null);
  if (nonTurbo !== null && nonTurbo !== undefined) ref.set({ kind: 'max-non-turbo' }, nonTurbo);
  if (r.pstates.minHz !== null) ref.set({ kind: 'min' }, r.pstates.minHz);

  const fnd = g('xen_pm_finding', `Diagnosis findings: 1 while active, 0 otherwise; every known id is always present. ${FROM}`);
  const active = new Map(r.findings.map((f) => [f.id, f.severity]));
  for (const id of Object.keys(CATALOG) as Array<keyof typeof CATALOG>) {
    fnd.set({ id, severity: active.get(id) ?? CATALOG[id].severity }, active.has(id) ? 1 : 0);
  }

  const cur = g('xen_pm_cpu_frequency_hertz', `Current (last requested) CPU frequency: Xen's scaling cur from xenpm, or the kernel's scaling_cur_freq. ${FROM}`);
  const min = g('xen_pm_cpu_frequency_min_hertz', `Lowest hardware frequency of the CPU (cpuinfo min). ${FROM}`);
  const max = g('xen_pm_cpu_frequency_max_hertz', `Highest hardware frequency of the CPU (cpuinfo max, incl. the acpi-cpufreq turbo entry). ${FROM}`);
  const smax = g('xen_pm_cpu_scaling_frequency_max_hertz', `Upper limit of the frequency policy (scaling max). ${FROM}`);
  const smin = g('xen_pm_cpu_scaling_frequency_min_hertz', `Lower limit of the frequency policy (scaling min). ${FROM}`);
  const online = g('xen_pm_cpu_online', `1 when the CPU is online, 0 when offline (Xen physical CPUs or kernel CPUs). ${FROM}`);
  const gov = g('xen_pm_cpu_governor_info', `Frequency governor and driver per CPU; value 1. ${FROM}`);
  const usable = g('xen_pm_cpu_pstates_usable', `P-states the CPU may use after the firmware _PPC limit (xenpm get-cpufreq-states). ${FROM}`);
  const total = g('xen_pm_cpu_pstates', `P-states in the CPU's table. ${FROM}`);
  // The per-CPU loops render their labels directly (CPU ids and P/C-state numbers need no escaping; host words
  // do): tens of thousands of samples at 512 CPUs.
  for (const row of r.cpus) {
    const one = `{cpu="${row.cpu}"}`;
    const l = `{cpu="${row.cpu}",source="${row.source}"}`;
    if (row.curHz !== null) cur.setRaw(l, row.curHz);
    if (row.minHz !== null) min.setRaw(l, row.minHz);
    if (row.maxHz !== null) max.setRaw(l, row.maxHz);
    if (row.scalingMaxHz !== null) smax.setRaw(l, row.scalingMaxHz);
    if (row.scalingMinHz !== null) smin.setRaw(l, row.scalingMinHz);
    if (row.online !== null) online.setRaw(one, row.online ? 1 : 0);
    if (row.governor || row.driver) gov.setRaw(`{cpu="${row.cpu}",governor="${escapeLabel(row.governor ?? '')}",driver="${escapeLabel(row.driver ?? '')}"}`, 1);
    if (row.usablePStates !== null) usable.setRaw(one, row.usablePStates);
    if (row.totalPStates !== null) total.setRaw(one, row.totalPStates);
  }
  const turbo = g('xen_pm_cpu_turbo_enabled', `1 when turbo/boost is enabled for the CPU, 0 when disabled (xenpm turbo mode, or sysfs boost/no_turbo). ${FROM}`);
  for (const t of view.turbo) turbo.setRaw(`{cpu="${t.cpu}"}`, t.enabled ? 1 : 0);

  const pres = c('xen_pm_pstate_residency_seconds_total', `Time spent in each P-state since boot or stats reset (xenpm get-cpufreq-states residency, or stats/time_in_state). ${FROM}`);
  const ptr = c('xen_pm_pstate_transitions_total', `Entries into each P-state (xenpm get-cpufreq-states transition, or stats/trans_table column sums). ${FROM}`);
  for (const series of view.pstates) {
    // A Linux policy's counters are shared by its CPUs: exported once, on its first CPU.
    const cpu = series.cpus[0];
    for (const p of series.states) {
      const l = `{cpu="${cpu}",state="${escapeLabel(p.label)}",frequency_hertz="${p.khz * 1000}"}`;
      if (p.residencySeconds !== null) pres.incRaw(l, p.residencySeconds);
      if (p.transitions !== null) ptr.incRaw(l, p.transitions);
    }
  }

  const cres = c('xen_pm_cstate_residency_seconds_total', `Time spent in each C-state (xenpm get-cpuidle-states residency incl. C0, or cpuidle stateN/time). ${FROM}`);
  const cuse = c('xen_pm_cstate_entries_total', `Entries into each C-state (xenpm transition count, or cpuidle stateN/usage). ${FROM}`);
  for (const ci of view.cstates) for (const st of ci.states) {
    const l = `{cpu="${ci.cpu}",state="${escapeLabel(st.label)}"}`;
    if (st.residencySeconds !== null) cres.incRaw(l, st.residencySeconds);
    if (st.entries !== null) cuse.incRaw(l, st.entries);
  }

  const eff = g('xen_pm_cpu_effective_frequency_hertz', `Residency-weighted frequency over the stuck-detection window, from P-state residency deltas between probes (not get-cpufreq-average). ${FROM}`);
  const busy = g('xen_pm_cpu_busy_ratio', `Share of time the CPU was busy (C0) over the stuck-detection window, 0..1. ${FROM}`);
  const top = g('xen_pm_cpu_top_pstate_residency_ratio', `Share of P-state residency at the top usable (or top non-turbo) state over the window, 0..1. ${FROM}`);
  const stuckG = g('xen_pm_cpu_frequency_stuck', `1 when the CPU was busy over the window yet never reached the top P-state (FREQUENCY_STUCK_BELOW_MAX). ${FROM}`);
  for (const [cpu, w] of input.stuck.perCpu) {
    const l = `{cpu="${cpu}"}`;
    if (w.effectiveKhz !== null) eff.setRaw(l, Math.round(w.effectiveKhz * 1000));
    if (w.busyRatio !== null) busy.setRaw(l, w.busyRatio);
    if (w.topShare !== null) top.setRaw(l, w.topShare);
    stuckG.setRaw(l, w.stuck ? 1 : 0);
  }

  const ok = g('xen_pm_probe_success', 'Whether each source answered usably in the last probe (1) or not (0).');
  const dur = g('xen_pm_probe_duration_seconds', 'How long each source took in the last probe.');
  for (const o of input.sources) {
    ok.set({ source: o.source }, o.ok ? 1 : 0);
    dur.set({ source: o.source }, o.durationSeconds);
  }
  const errs = g('xen_pm_probe_read_errors', `Reads that failed in the last probe (EAGAIN, EACCES, EIO, links leaving the root, and the like), per source. ${FROM}`);
  for (const src of ['platform', 'cpus', 'cpufreq', 'cpuidle', 'xen-dom0', 'acpi']) errs.set({ source: src }, input.readErrors.get(src) ?? 0);
  g('xen_pm_last_probe_timestamp_seconds', 'Unix time the last probe finished.').set({}, input.probeTimestampSeconds);
  c('xen_pm_probes_total', 'Probes completed since start.').inc({}, input.probesTotal);
  c('xen_pm_probes_skipped_total', 'Scheduled probes skipped because the previous one was still running.').inc({}, input.probesSkipped);
  // Last, so it counts every drop above.
  set.exemptGauge('xen_pm_exposition_dropped_samples', `Samples left out of this exposition because it reached ${MAX_SAMPLES} (garbage or a hostile host claiming absurd numbers of CPUs or states). ${FROM}`).set({}, set.dropped);
  return set;
}
