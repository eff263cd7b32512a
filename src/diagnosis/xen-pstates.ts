import type { Snapshot } from '../probe/snapshot.js';
import { formatCpuList } from '../util/cpu-list.js';
import type { XenCpufreqPara } from '../xenpm/parse-cpufreq-para.js';
import { cpufreqDisabledByOption, type XenPmOptions } from '../xenpm/xen-command-line.js';
import type { KernelEvent } from '../probe/parse-kernel-log.js';
import type { Controller, CpuRow, Finding, Handoff } from './report.js';
import { finding, mostCommon } from './finding.js';
import { CATALOG } from './catalog.js';
import { turboEntryKhz } from './turbo-entry.js';
import { xenpmMessages, xenpmStatus, type XenpmStatus } from './xen-tool-state.js';
import { isPlausibleKhz, MAX_PLAUSIBLE_KHZ } from '../util/units.js';
import type { PstateConclusion } from './kernel-pstates.js';

export interface XenPstateConclusion extends PstateConclusion {
  controller: Controller;
  handoff: Handoff;
  tools: XenpmStatus;
}

/** Physical CPU online state as Xen and dom0 report it; missing = unknown. */
function physicalOnline(s: Snapshot): Map<number, boolean | null> {
  const m = new Map<number, boolean | null>();
  for (const c of s.dom0.physicalCpus ?? []) m.set(c.cpu, c.online);
  const topo = s.xen.topology?.cpus ?? [];
  // Xen leaves CPUs taken offline (invalid core id) out of get-cpu-topology, but SMT siblings parked
  // by smt=0 keep their real core ids there (seen on 4.14, 4.17 and 4.20). So the listing proves who
  // is online only when it has exactly as many rows as `xl info` nr_cpus (the online count).
  const onlineCount = s.xen.xlInfo?.nrCpus ?? null;
  if (topo.length && onlineCount !== null && topo.length === onlineCount) {
    const listed = new Set(topo.map((t) => t.cpu));
    const max = Math.max(...listed, (s.xen.xlInfo?.maxCpuId ?? -1));
    for (let i = 0; i <= max; i++) if (m.get(i) === undefined || m.get(i) === null) m.set(i, listed.has(i));
  }
  return m;
}

function xenOptions(s: Snapshot): { opts: XenPmOptions | null; source: string | null } {
  return { opts: s.xen.options?.options ?? null, source: s.xen.options?.source ?? null };
}

/** Kernel log lines (as printed, for evidence) whose event passes the test. */
function logLines(s: Snapshot, test: (e: KernelEvent) => boolean): string[] {
  return s.kernelLog.lines.filter((l) => l.event !== null && test(l.event)).map((l) => l.raw.trim());
}

/** ACPI CPU ids that xen_acpi_processor reported Hypervisor errors for. */
function uploadErrors(s: Snapshot): { lines: string[]; acpiIds: Set<number>; errnos: Array<number | null> } {
  const lines: string[] = [];
  const acpiIds = new Set<number>();
  const errnos: Array<number | null> = [];
  for (const l of s.kernelLog.lines) {
    if (l.event?.kind !== 'xen-acpi-upload-error') continue;
    lines.push(l.raw.trim());
    errnos.push(l.event.errno);
    if (l.event.acpiId !== null) acpiIds.add(l.event.acpiId);
  }
  return { lines, acpiIds, errnos };
}

/** Xen answers -19 (ENODEV) for the ACPI processors of parked SMT siblings: odd ids only is that pattern. */
function uploadErrorsAreSiblings(u: { acpiIds: Set<number>; errnos: Array<number | null> }): boolean {
  return u.acpiIds.size > 0 && u.errnos.every((e) => e === 19) && smtSiblingPattern([...u.acpiIds]);
}

/** Odd ids only (1, 3, 5 …), none even: SMT siblings switched off with smt=0 (or the BIOS). */
function smtSiblingPattern(ids: number[]): boolean {
  return ids.length > 0 && ids.every((c) => c % 2 === 1);
}

/**
 * What the dom0 kernel log says of the upload, when xenpm does not: `ACPI CPUn - P-states uploaded.` lines
 * (debug level) prove it happened; a driver that got as far as `Max ACPI ID` (debug) and never printed
 * `Uploading Xen processor PM info` (info, which follows it) stopped before uploading.
 */
function kernelLogHandoff(s: Snapshot): { handoff: 'yes' | 'no'; evidence: string[] } | null {
  const uploaded = logLines(s, (e) => e.kind === 'xen-acpi-uploaded' && e.what === 'P-states');
  if (uploaded.length) return { handoff: 'yes', evidence: uploaded.slice(0, 3) };
  const maxId = logLines(s, (e) => e.kind === 'xen-acpi-max-id');
  const uploading = logLines(s, (e) => e.kind === 'xen-acpi-uploading');
  if (maxId.length && !uploading.length && s.kernelLog.available) {
    return { handoff: 'no', evidence: [maxId[0]!, 'no "xen_acpi_processor: Uploading Xen processor PM info" line follows: the driver stopped before uploading anything'] };
  }
  return null;
}

/**
 * What Xen's console ring says: with `cpufreq=…,verbose`, Xen logs `Set CPU acpi_id(..) cpuid(..) Px State
 * info` for every upload. A ring that still holds the boot banner and shows dom0 running (its PCI devices
 * added) but not one such line means the upload never came.
 */
function consoleRingHandoff(s: Snapshot, verbose: boolean): string[] | null {
  const d = s.xen.xlDmesg;
  if (!d || !verbose || !d.fromBoot || !d.dom0Running || d.pxUploadCpus.length || d.cppcUploadCpus.length) return null;
  return ['xl dmesg: cpufreq=…,verbose, the ring holds everything since boot and dom0 adding its PCI devices, yet not one "Set CPU … Px State info" line: Xen never received P-state data'];
}

/** What to do about a missing hand-off, given what the evidence already shows (never "load it" when it is loaded). */
function handoffRemedy(s: Snapshot): string {
  const d = s.dom0;
  const unblacklist = `${d.blacklistTokens.join(' ')} from the dom0 kernel command line (GRUB_CMDLINE_LINUX, or /opt/xensource/libexec/xen-cmdline --set-dom0 on XCP-ng/XenServer)`;
  const offFix = 'xen_acpi_processor is loaded with off=1: remove the option (modprobe.d or xen_acpi_processor.off= on the kernel command line) and reload the module or reboot.';
  // Loaded by hand despite the blacklist: off=1 is why nothing reached Xen now, the blacklist why it will not load at the next boot.
  if (d.moduleOff === true && d.blacklistTokens.length) return `${offFix} Also remove ${unblacklist}, or the module will not load at the next boot.`;
  if (d.blacklistTokens.length) return `Remove ${unblacklist} and reboot; then check with \`xenpm get-cpufreq-para\`.`;
  if (d.moduleOff === true) return offFix;
  if (d.moduleInSysfs === true) {
    return s.platform.guestType === 'PVH'
      ? 'The module is loaded, but a PVH dom0 kernel can only upload with the PVH support for xen-acpi-processor (the 2024 upload patches; check your kernel has them), or boot dom0 as PV.'
      : 'The module is loaded yet uploaded nothing Xen kept: look for "Hypervisor error" lines in the dom0 kernel log, run `xl dmesg` with cpufreq=xen:verbose, and check the firmware power profile is OS-controlled.';
  }
  return CATALOG.XEN_PSTATE_HANDOFF_MISSING.remedy;
}

const moduleInsertFailed = (e: KernelEvent) => e.kind === 'module-insert-failed' && e.module === 'xen_acpi_processor';

function evidenceOfModule(s: Snapshot): string[] {
  const d = s.dom0;
  const ev: string[] = [];
  if (d.moduleInSysfs === false) ev.push('/sys/module/xen_acpi_processor does not exist (module not loaded)');
  if (d.moduleInSysfs === true) ev.push(`/sys/module/xen_acpi_processor exists${d.moduleInitstate ? ` (initstate ${d.moduleInitstate})` : ' (built in)'}`);
  if (d.moduleOff === true) ev.push('/sys/module/xen_acpi_processor/parameters/off = 1 (hypercalls inhibited)');
  for (const t of d.blacklistTokens) ev.push(`kernel command line: ${t}`);
  ev.push(...logLines(s, moduleInsertFailed));
  return ev;
}

/** Proof that the firmware has no usable P-states, or null. */
function firmwareWithoutPstates(s: Snapshot, onlineFailed: number): string[] | null {
  const a = s.acpi;
  const ev: string[] = [];
  if (a.readable && a.tables.length && a.objects._PSS.length === 0 && a.objects._CPC.length === 0) {
    ev.push(`no _PSS or _CPC object in the ACPI tables (${a.tables.join(', ')}): the firmware publishes no P-states`);
  }
  const nodev = logLines(s, (e) => moduleInsertFailed(e) && e.kind === 'module-insert-failed' && e.noDevice);
  if (nodev.length && s.dom0.blacklistTokens.length === 0) {
    ev.push(...nodev, 'xen_acpi_processor refuses to load with ENODEV when a CPU has no _PCT/_PSS');
  }
  const rejected = logLines(s, (e) => e.kind === 'xen-acpi-upload-error' && e.object === '_PXX' && e.errno === 19);
  if (rejected.length && rejected.length >= onlineFailed && onlineFailed > 0) {
    ev.push(...rejected, 'Xen rejected the uploaded P-state data with -19 (ENODEV): its cpufreq driver cannot use this firmware\'s _PCT/_PSS');
  }
  return ev.length ? ev : null;
}

/**
 * Xen's side of frequency scaling on a dom0: did the ACPI P-state hand-off happen, who drives
 * frequency, and what holds it back. Every signal is used together; a missing signal makes the
 * answer "unknown", never "missing".
 */
export function diagnoseXenPstates(s: Snapshot): XenPstateConclusion {
  const tools = xenpmStatus(s);
  const msgs = xenpmMessages(s);
  const para = s.xen.para;
  const blocks: XenCpufreqPara[] = para?.cpus ?? [];
  const findings: Finding[] = [];
  const online = physicalOnline(s);
  const { opts, source: optsSource } = xenOptions(s);
  const hwpLog = s.xen.xlDmesg?.hwpInUse ? 'xl dmesg: HWP: Using HWP for cpufreq' : null;
  const upload = uploadErrors(s);
  const uploadingLine = logLines(s, (e) => e.kind === 'xen-acpi-uploading')[0] ?? null;

  let handoff: Handoff = 'unknown';
  let controller: Controller = 'unknown';

  // 1. Deliberately unmanaged: cpufreq=none / dom0-kernel, or Xen itself saying so.
  const notEnabled = msgs.find((m) => m.kind === 'cpufreq-not-enabled');
  const bothDisabled = msgs.find((m) => m.kind === 'both-disabled');
  const optDisabled = opts && cpufreqDisabledByOption(opts);
  const pxFlagOff = s.platform.startFlagPmPx === false && s.platform.guestType === 'PV';
  if (!blocks.length && (notEnabled || bothDisabled || optDisabled || pxFlagOff)) {
    const ev: string[] = [];
    if (notEnabled) ev.push(`xenpm get-cpufreq-para: ${notEnabled.line}`);
    if (bothDisabled) ev.push(`xenpm: ${bothDisabled.line}`);
    if (opts?.cpufreqRaw !== null && opts) ev.push(`${optsSource}: ${opts.tokens.filter((t) => t.startsWith('cpufreq')).join(' ')}`);
    if (pxFlagOff) ev.push('/sys/hypervisor/start_flags/unknown09 = 0 (Xen does not ask dom0 for P-state data)');
    if (uploadingLine) ev.push(`dom0 still uploads: ${uploadingLine}`);
    const dom0Kernel = opts?.cpufreqModes.includes('dom0-kernel') ?? false;
    // Before 4.21 "not enabled" can only mean cpufreq=none (or equivalent).
    const release = s.xen.release ?? s.platform.xenReleaseSysfs;
    const before421 = release !== null && release.major === 4 && release.minor <= 20;
    if (optDisabled || !opts || !notEnabled || before421) {
      findings.push(finding('XEN_CPUFREQ_DISABLED', dom0Kernel
        ? 'Xen was booted with cpufreq=dom0-kernel: Xen does not scale frequency, and current dom0 kernels do not either.'
        : 'Xen was booted not to manage CPU frequency (cpufreq=none or equivalent): CPUs run at whatever the firmware set.', ev));
    } else {
      // Xen ≥ 4.21 also says "not enabled" when no cpufreq driver could register despite cpufreq=xen.
      findings.push(finding('FIRMWARE_NO_PSTATES', 'Xen reports cpufreq as not enabled although its command line asks for it: no Xen cpufreq driver could register on this CPU/firmware.', ev));
    }
    handoff = 'not-applicable';
    // With cpufreq=dom0-kernel only a dom0 kernel that still runs a cpufreq driver (a PVH dom0 with
    // policies) scales; a PV dom0 kernel disables cpufreq, and then nothing does.
    controller = dom0Kernel && s.cpufreq.policies.length ? 'kernel' : 'none';
  }

  // 2. Per-CPU answers from get-cpufreq-para.
  const failedCpus = [...new Set(msgs.flatMap((m) => (m.kind === 'cpu-failed' && m.about === 'cpufreq-parameter' ? [m.cpu] : [])))];
  const withData = new Set(blocks.map((b) => b.cpu));
  // Xen answers get-cpufreq-para only for online CPUs; when as many answered as `xl info` counts
  // online, every CPU it failed for is offline even where nothing else says so.
  const onlineCount = s.xen.xlInfo?.nrCpus ?? null;
  if (onlineCount !== null && withData.size > 0 && withData.size === onlineCount) {
    for (const c of failedCpus) if (!withData.has(c) && (online.get(c) === undefined || online.get(c) === null)) online.set(c, false);
  }
  const failedOnline = failedCpus.filter((c) => !withData.has(c) && online.get(c) === true);
  const failedUnknown = failedCpus.filter((c) => !withData.has(c) && (online.get(c) === undefined || online.get(c) === null));
  const failedOffline = failedCpus.filter((c) => !withData.has(c) && online.get(c) === false);
  const failLine = (cpus: number[]) => `xenpm get-cpufreq-para: [CPU${cpus[0]}] failed to get cpufreq parameter${cpus.length > 1 ? ` (and for CPUs ${formatCpuList(cpus.slice(1))})` : ''}`;

  if (handoff === 'unknown' && blocks.length) {
    handoff = 'yes';
    controller = 'xen';
    if (failedOnline.length) {
      findings.push(finding('XEN_PSTATE_HANDOFF_PARTIAL', `Xen has P-state data for ${withData.size} CPU(s) but not for online CPU(s) ${formatCpuList(failedOnline)}.`,
        [failLine(failedOnline), `CPUs with data: ${formatCpuList([...withData])}`, ...upload.lines]));
    } else if (failedUnknown.length) {
      const oddOnly = failedUnknown.every((c) => c % 2 === 1) && [...withData].every((c) => c % 2 === 0);
      findings.push(finding('XEN_PSTATE_HANDOFF_PARTIAL',
        `Xen has no P-state data for CPU(s) ${formatCpuList(failedUnknown)}; Xen answers this way for offline CPUs${oddOnly ? ' (odd ids only: SMT siblings switched off, which is normal)' : ''}, and their online state is unknown here.`,
        [failLine(failedUnknown), `CPUs with data: ${formatCpuList([...withData])}`], { severity: 'info' }));
    }
  } else if (handoff === 'unknown' && failedCpus.length && failedCpus.length === failedOffline.length) {
    // Only offline CPUs failed and nothing else answered: nothing to conclude.
  } else if (handoff === 'unknown' && failedCpus.length && !failedOnline.length && smtSiblingPattern(failedCpus)) {
    // Only odd CPUs failed and nothing says an even one did: the pattern of SMT siblings parked by smt=0 (the
    // even CPUs' answers are simply not in this output). Never "no hand-off", never critical.
    findings.push(finding('XEN_PSTATE_HANDOFF_PARTIAL',
      `Only odd-numbered CPUs (${formatCpuList(failedCpus)}) have no P-state data: that is Xen's answer for SMT siblings switched off (smt=0), not a failed hand-off; the even CPUs' answers are not in this output.`,
      [failLine(failedCpus)], { severity: 'info', remedy: 'Nothing to do if SMT is meant to be off. Check `xl info | grep threads_per_core` and the Xen command line for smt=0; run `xenpm get-cpufreq-para` and look at the even CPUs.' }));
  } else if (handoff === 'unknown' && failedCpus.length) {
    // 3. Xen answered, and had no data for any CPU: the hand-off did not happen.
    handoff = 'no';
    controller = 'none';
    const onlineFailCount = failedOnline.length || failedCpus.length - failedOffline.length;
    const firmware = firmwareWithoutPstates(s, onlineFailCount);
    const base = [failLine(failedCpus.filter((c) => online.get(c) !== false))];
    if (hwpLog) base.push(`${hwpLog} — yet no CPU has a Xen cpufreq policy: HWP also needs dom0's _PSS upload`);
    if (firmware) {
      findings.push(finding('FIRMWARE_NO_PSTATES', 'The firmware exposes no usable ACPI P-states: Xen has no P-state data and cannot scale CPU frequency.', [...base, ...firmware]));
      if (s.dom0.moduleInSysfs === false) {
        findings.push(finding('XEN_ACPI_PROCESSOR_NOT_LOADED', 'xen_acpi_processor is not loaded; it refuses to load when the firmware has no P-states.', evidenceOfModule(s), { severity: 'info' }));
      }
    } else {
      const modEv = evidenceOfModule(s);
      let why = 'the cause is not visible here';
      if (s.dom0.moduleOff === true) why = 'xen_acpi_processor is loaded with off=1, so it never makes the hypercalls';
      else if (s.dom0.blacklistTokens.length) why = 'xen_acpi_processor is blacklisted on the dom0 kernel command line';
      else if (s.dom0.moduleInSysfs === false) why = 'the dom0 driver that uploads them, xen_acpi_processor, is not loaded';
      else if (s.dom0.moduleInSysfs === true) why = s.platform.guestType === 'PVH'
        ? 'xen_acpi_processor is loaded but a PVH dom0 kernel without the PVH upload patches cannot match ACPI processors to Xen CPUs'
        : 'xen_acpi_processor is loaded but uploaded nothing Xen kept';
      else if (hwpLog) why = 'HWP was selected but no CPU got a cpufreq policy';
      findings.push(finding('XEN_PSTATE_HANDOFF_MISSING', `Xen has no ACPI P-state data for its online CPUs: ${why}. Xen never uses the fastest P-states.`,
        [...base, ...modEv, ...(uploadingLine ? [uploadingLine] : []), ...upload.lines,
          ...(opts && optsSource ? [`${optsSource}: cpufreq=${opts.cpufreqRaw ?? '(default: xen)'}`] : [])], { remedy: handoffRemedy(s) }));
      if (s.dom0.moduleInSysfs === false) {
        findings.push(finding('XEN_ACPI_PROCESSOR_NOT_LOADED', 'xen_acpi_processor is not loaded in dom0, so ACPI P-state and C-state data never reach Xen.', modEv, { severity: 'critical' }));
      }
    }
  } else if (handoff === 'unknown') {
    // 4. get-cpufreq-para said nothing usable: decide from the other signals, or stay unknown.
    const statesBlocks = s.xen.states?.cpus ?? [];
    const hwpStates = msgs.find((m) => m.kind === 'pstate-info-unsupported');
    const disabledOrMissing = msgs.find((m) => m.kind === 'cpufreq-disabled-or-unregistered');
    const logSays = kernelLogHandoff(s);
    const ringSays = consoleRingHandoff(s, opts?.verbose ?? false);
    if (statesBlocks.length) {
      handoff = 'yes';
      controller = 'xen';
    } else if (hwpStates) {
      controller = 'xen';
    } else if (logSays?.handoff === 'yes' && !disabledOrMissing) {
      handoff = 'yes';
      controller = 'xen';
    } else if (logSays?.handoff === 'no' || ringSays) {
      // The dom0 driver started but never uploaded, or Xen's whole console since boot shows no upload.
      handoff = 'no';
      controller = 'none';
      const ev = [...(logSays?.handoff === 'no' ? logSays.evidence : []), ...(ringSays ?? []), ...(hwpLog ? [`${hwpLog} — yet Xen never received _PSS data, and without it creates no cpufreq policy, HWP or not`] : [])];
      findings.push(finding('XEN_PSTATE_HANDOFF_MISSING', 'dom0 never handed the ACPI P-states to Xen, so Xen cannot scale CPU frequency.', ev, { remedy: handoffRemedy(s) }));
    } else if (disabledOrMissing) {
      // 4.19+ says one sentence for two causes: tell them apart where we can, say both where we cannot.
      controller = 'none';
      const ev = [`xenpm: ${disabledOrMissing.line}`, ...evidenceOfModule(s)];
      findings.push(finding('XEN_NOT_SCALING', 'Xen is not scaling CPU frequency: either it was booted with cpufreq disabled, or dom0 never handed it the ACPI P-states.', ev));
    } else if (s.dom0.moduleInSysfs === false && (tools.state !== 'answered' || !para)) {
      const evm = evidenceOfModule(s);
      const pxWanted = s.platform.startFlagPmPx === true ? ['/sys/hypervisor/start_flags/unknown09 = 1 (Xen expects P-state data from dom0)'] : [];
      if (opts && !cpufreqDisabledByOption(opts) || pxWanted.length) {
        handoff = 'no';
        controller = 'none';
        findings.push(finding('XEN_PSTATE_HANDOFF_MISSING', 'xen_acpi_processor is not loaded in dom0, so Xen cannot have the ACPI P-state data it needs (xenpm could not confirm).',
          [...evm, ...pxWanted, ...(opts && optsSource ? [`${optsSource}: cpufreq=${opts.cpufreqRaw ?? '(default: xen)'}`] : []), ...tools.evidence]));
        findings.push(finding('XEN_ACPI_PROCESSOR_NOT_LOADED', 'xen_acpi_processor is not loaded in dom0.', evm, { severity: 'critical' }));
      } else {
        findings.push(finding('XEN_ACPI_PROCESSOR_NOT_LOADED', 'xen_acpi_processor is not loaded in dom0; without xenpm or the Xen command line it is unknown whether Xen wanted P-state data.', evm));
      }
    } else if (uploadingLine && s.dom0.moduleOff !== true && (!upload.lines.length || uploadErrorsAreSiblings(upload))) {
      // The driver uploaded, and Xen refused nothing but parked SMT siblings.
      handoff = 'yes';
      controller = 'xen';
    }
  }

  // Upload errors not explained by offline CPUs.
  if (upload.lines.length && !findings.some((f) => f.id === 'FIRMWARE_NO_PSTATES' || f.id === 'XEN_PSTATE_HANDOFF_MISSING')) {
    const known = [...online.values()];
    const offlineCount = known.filter((v) => v === false).length;
    const allOnlineHaveData = known.length > 0 && [...online].every(([c, on]) => on !== true || withData.has(c));
    const explainedByOffline = blocks.length > 0 && allOnlineHaveData && upload.acpiIds.size <= Math.max(offlineCount, failedCpus.length);
    // Xen answers -19 (ENODEV) for the ACPI processors of parked SMT siblings: odd ids only is that pattern.
    if (!explainedByOffline && !uploadErrorsAreSiblings(upload)) {
      findings.push(finding('XEN_ACPI_UPLOAD_ERROR', `Xen rejected power-management data for ${upload.acpiIds.size || upload.lines.length} ACPI CPU(s).`, upload.lines));
    }
  }

  // Caps, pins and turbo, from the per-CPU data Xen has.
  const rows: CpuRow[] = [];
  const statesBy = new Map((s.xen.states?.cpus ?? []).map((c) => [c.cpu, c]));
  const idleBy = new Map((s.xen.idle?.cpus ?? []).map((c) => [c.cpu, c]));
  const table = new Set<number>();
  const implausible: string[] = [];
  const capped: string[] = [];
  const pinned: string[] = [];
  const turboOff: Array<{ cpu: number; text: string }> = [];
  const ok = (khz: number | null, label: string, cpu: number) => {
    if (khz === null) return null;
    if (khz > MAX_PLAUSIBLE_KHZ) { implausible.push(`CPU${cpu} ${label} = ${khz} kHz`); return null; }
    return khz;
  };
  for (const b of blocks) {
    for (const f of b.availableFrequenciesKhz ?? []) if (isPlausibleKhz(f)) table.add(f); else implausible.push(`CPU${b.cpu} scaling_avail_freq entry ${f} kHz`);
    const hwMax = ok(b.cpuinfoMaxKhz, 'cpuinfo max', b.cpu);
    const hwMin = ok(b.cpuinfoMinKhz, 'cpuinfo min', b.cpu);
    const scMax = ok(b.scalingMaxKhz, 'scaling max', b.cpu);
    const st = statesBy.get(b.cpu);
    if (st && st.usablePStates !== null && st.totalPStates !== null && st.usablePStates < st.totalPStates) {
      const top = st.states.find((x) => x.index === st.totalPStates! - st.usablePStates!);
      capped.push(`CPU${b.cpu}: usable P-states ${st.usablePStates} of ${st.totalPStates} (ACPI _PPC forbids the top ${st.totalPStates - st.usablePStates}${top?.freqMhz ? `; highest allowed ${top.freqMhz} MHz` : ''})`);
    } else if (scMax !== null && hwMax !== null && scMax < hwMax) {
      capped.push(`CPU${b.cpu}: scaling frequency max [${scMax}] < cpuinfo frequency max [${hwMax}]`);
    }
    if (b.cppc && b.cppc.highest !== null && b.cppc.max !== null && b.cppc.max < b.cppc.highest) {
      capped.push(`CPU${b.cpu}: HWP configured max [${b.cppc.max}] < highest [${b.cppc.highest}]`);
    }
    const lowest = hwMin ?? (b.availableFrequenciesKhz?.length ? Math.min(...b.availableFrequenciesKhz) : null);
    if (b.governor === 'powersave' || (b.governor === 'userspace' && b.userspaceSetspeedKhz !== null && lowest !== null && b.userspaceSetspeedKhz <= lowest) ||
      (scMax !== null && lowest !== null && hwMax !== null && hwMax > lowest && scMax <= lowest)) {
      pinned.push(`CPU${b.cpu}: governor ${b.governor ?? '?'}${b.userspaceSetspeedKhz !== null ? `, scaling_setspeed ${b.userspaceSetspeedKhz}` : ''}, scaling max [${b.scalingMaxKhz ?? '?'}], lowest ${lowest ?? '?'} kHz`);
    }
    if ((b.turbo === 'disabled' || b.turbo === 'disabled-or-na') && turboEntryKhz(b.availableFrequenciesKhz) !== null) {
      turboOff.push({ cpu: b.cpu, text: b.turbo === 'disabled' ? 'disabled' : 'disabled or n/a' });
    }
    const idle = idleBy.get(b.cpu);
    const c0 = idle?.states.find((x) => x.index === 0)?.residencyMs ?? null;
    const idleMs = idle?.idleTimeMs ?? null;
    rows.push({
      cpu: b.cpu, online: online.get(b.cpu) ?? true, source: 'xen',
      curHz: toHz(ok(b.scalingCurKhz ?? b.cpuinfoCurKhz, 'current', b.cpu)),
      minHz: toHz(hwMin), maxHz: toHz(hwMax), scalingMinHz: toHz(ok(b.scalingMinKhz, 'scaling min', b.cpu)), scalingMaxHz: toHz(scMax),
      governor: b.governor ?? (b.cppc ? 'hwp-internal' : null), driver: b.driver === '' ? 'Unknown' : b.driver,
      usablePStates: st?.usablePStates ?? null, totalPStates: st?.totalPStates ?? null,
      busyRatio: c0 !== null && idleMs !== null && c0 + idleMs > 0 ? c0 / (c0 + idleMs) : null,
    });
  }
  // Physical CPUs Xen reports offline (SMT siblings parked, hot-unplugged) complete the table.
  for (const [cpu, on] of online) {
    if (on === false && !withData.has(cpu)) {
      rows.push({ cpu, online: false, source: 'xen', curHz: null, minHz: null, maxHz: null, scalingMinHz: null, scalingMaxHz: null, governor: null, driver: null, usablePStates: null, totalPStates: null, busyRatio: null });
    }
  }
  rows.sort((a, b) => a.cpu - b.cpu);
  for (const st of s.xen.states?.cpus ?? []) {
    for (const p of st.states) {
      if (p.freqMhz === null) continue;
      if (isPlausibleKhz(p.freqMhz * 1000)) table.add(p.freqMhz * 1000);
      else implausible.push(`CPU${st.cpu} P${p.index} = ${p.freqMhz} MHz`);
    }
    if (st.usablePStates !== null && st.totalPStates !== null && st.usablePStates > st.totalPStates) {
      implausible.push(`CPU${st.cpu}: usable P-states ${st.usablePStates} of ${st.totalPStates}`);
    }
    if (!withData.has(st.cpu) && st.usablePStates !== null && st.totalPStates !== null && st.usablePStates < st.totalPStates) {
      capped.push(`CPU${st.cpu}: usable P-states ${st.usablePStates} of ${st.totalPStates} (ACPI _PPC)`);
    }
  }
  const ppc = s.xen.xlDmesg?.ppcValues.filter((v) => v > 0) ?? [];
  if (capped.length) {
    findings.push(finding('PSTATES_CAPPED', `${capped.length} CPU(s) cannot reach their maximum P-state.`, [...capped, ...(ppc.length ? [`xl dmesg: _PPC: ${ppc[ppc.length - 1]}`] : [])]));
  }
  if (pinned.length) findings.push(finding('GOVERNOR_PINNED_LOW', `${pinned.length} CPU(s) are held at their lowest frequency by Xen's governor settings.`, pinned));
  if (turboOff.length) {
    const cpus = formatCpuList(turboOff.map((t) => t.cpu));
    const said = turboOff[0]!.text;
    findings.push(finding('TURBO_DISABLED', said === 'disabled'
      ? `Turbo is disabled in Xen on CPU(s) ${cpus} although the P-state table has a turbo entry.`
      : `Xen reports turbo "disabled or n/a" on CPU(s) ${cpus} although the P-state table has a turbo entry: switched off, or not supported by this CPU.`,
    [`xenpm get-cpufreq-para: turbo mode : ${said} (CPUs ${cpus})`]));
  }
  for (const a of s.xen.average?.cpus ?? []) {
    const hwMax = blocks.find((b) => b.cpu === a.cpu)?.cpuinfoMaxKhz ?? null;
    if (a.averageKhz !== null && (a.averageKhz > MAX_PLAUSIBLE_KHZ || (hwMax !== null && a.averageKhz > hwMax * 2))) implausible.push(`CPU${a.cpu} average cpu frequency: ${a.averageKhz} kHz`);
  }
  if (implausible.length) findings.push(finding('IMPLAUSIBLE_READING', 'Xen reported readings outside physical bounds; they are left out of the frequency data.', implausible));

  const tableKhz = [...table].sort((a, b) => b - a);
  const hwMaxes = blocks.map((b) => b.cpuinfoMaxKhz).filter((v): v is number => v !== null && v <= MAX_PLAUSIBLE_KHZ);
  const hwMins = blocks.map((b) => b.cpuinfoMinKhz ?? b.cpuinfoBaseKhz).filter((v): v is number => v !== null && v <= MAX_PLAUSIBLE_KHZ);
  return {
    controller, handoff,
    driver: mostCommon(blocks.map((b) => (b.driver === '' ? 'Unknown' : b.driver))) ?? (msgs.some((m) => m.kind === 'pstate-info-unsupported') || hwpLog ? 'hwp' : null),
    governor: mostCommon(rows.map((r) => r.governor)),
    tableKhz,
    maxKhz: hwMaxes.length || tableKhz.length ? Math.max(...hwMaxes, ...tableKhz) : null,
    minKhz: hwMins.length || tableKhz.length ? Math.min(...hwMins, ...tableKhz) : null,
    rows, findings, tools,
  };
}

function toHz(khz: number | null): number | null {
  return khz === null ? null : khz * 1000;
}

