/** The diagnosis report, contract version 1 (docs/report-schema.md). Fields may be added, never renamed. */

export type Severity = 'info' | 'warning' | 'critical';
export type Status = 'ok' | 'warning' | 'critical' | 'unknown';
export type PlatformKind = 'xen-dom0' | 'xen-guest' | 'vm-guest' | 'bare-metal' | 'unknown';
export type Controller = 'xen' | 'kernel' | 'none' | 'unknown';
export type Handoff = 'yes' | 'no' | 'not-applicable' | 'unknown';

export type FindingId =
  | 'XEN_PSTATE_HANDOFF_MISSING'
  | 'XEN_PSTATE_HANDOFF_PARTIAL'
  | 'XEN_ACPI_PROCESSOR_NOT_LOADED'
  | 'XEN_ACPI_UPLOAD_ERROR'
  | 'XEN_CPUFREQ_DISABLED'
  | 'XEN_NOT_SCALING'
  | 'XEN_TOOLS_UNAVAILABLE'
  | 'FIRMWARE_NO_PSTATES'
  | 'PSTATES_CAPPED'
  | 'GOVERNOR_PINNED_LOW'
  | 'TURBO_DISABLED'
  | 'FREQUENCY_STUCK_BELOW_MAX'
  | 'CSTATES_LIMITED'
  | 'IMPLAUSIBLE_READING'
  | 'NO_CPUFREQ_DRIVER'
  | 'FREQUENCY_NOT_OBSERVABLE'
  | 'PROBE_FAILED';

export interface Finding {
  id: FindingId;
  severity: Severity;
  summary: string;
  evidence: string[];
  remedy: string;
}

export interface CpuRow {
  cpu: number;
  online: boolean | null;
  source: 'xen' | 'kernel';
  curHz: number | null;
  minHz: number | null;
  maxHz: number | null;
  scalingMinHz: number | null;
  scalingMaxHz: number | null;
  governor: string | null;
  driver: string | null;
  usablePStates: number | null;
  totalPStates: number | null;
  /** Share of time in C0 over the observed period (Xen: since boot), 0..1. */
  busyRatio: number | null;
}

export interface Report {
  schemaVersion: 1;
  status: Status;
  /** One line for a human: the status and the most important reason. */
  verdict: string;
  generatedAt: string;
  /** Which host this is: its name as the host gives it (capture.json in a capture), null when unset or unread. */
  host: { name: string | null };
  platform: { kind: PlatformKind; hypervisor: string | null; xenVersion: string | null; guestType: string | null; evidence: string[] };
  pstates: {
    controller: Controller;
    handoff: Handoff;
    driver: string | null;
    governor: string | null;
    frequenciesHz: number[];
    maxHz: number | null;
    minHz: number | null;
    /** The acpi-cpufreq "max non-turbo + 1 MHz" entry, when the table has one. */
    turboEntryHz: number | null;
  };
  cpus: CpuRow[];
  findings: Finding[];
  /** Where each part of the report came from: which sources answered and which did not. */
  sources: Array<{ source: string; ok: boolean; detail: string }>;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
