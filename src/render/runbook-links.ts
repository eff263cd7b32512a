import type { FindingId } from '../diagnosis/report.js';

/** The project's repository: the one place its address is written in src/ (the README and packaging name the same). */
export const PROJECT_URL = 'https://github.com/xen-pm-exporter/xen-pm-exporter';

/** docs/runbooks.md as the repository shows it; a section's anchor is appended (mixin/config.libsonnet agrees). */
export const RUNBOOKS_URL = `${PROJECT_URL}/blob/main/docs/runbooks.md`;

/**
 * The runbook section (the mixin alert's name) for each finding; null where no alert fires for it (an info
 * finding, or a guest whose frequency belongs to its host). A Record over FindingId: a new id does not compile
 * until someone decides where its runbook is.
 */
export const RUNBOOK_SECTION: Record<FindingId, string | null> = {
  XEN_PSTATE_HANDOFF_MISSING: 'XenPmPStateHandoffMissing',
  XEN_PSTATE_HANDOFF_PARTIAL: 'XenPmPStateHandoffPartial',
  XEN_ACPI_PROCESSOR_NOT_LOADED: 'XenPmAcpiProcessorNotLoaded',
  XEN_ACPI_UPLOAD_ERROR: 'XenPmAcpiUploadError',
  XEN_CPUFREQ_DISABLED: 'XenPmCpufreqDisabled',
  XEN_NOT_SCALING: 'XenPmNotScaling',
  XEN_TOOLS_UNAVAILABLE: 'XenPmToolsUnavailable',
  FIRMWARE_NO_PSTATES: 'XenPmFirmwareNoPStates',
  PSTATES_CAPPED: 'XenPmPStatesCapped',
  GOVERNOR_PINNED_LOW: 'XenPmGovernorPinnedLow',
  TURBO_DISABLED: null,
  FREQUENCY_STUCK_BELOW_MAX: 'XenPmFrequencyStuckBelowMax',
  CSTATES_LIMITED: null,
  IMPLAUSIBLE_READING: 'XenPmImplausibleReading',
  NO_CPUFREQ_DRIVER: 'XenPmNoCpufreqDriver',
  FREQUENCY_NOT_OBSERVABLE: null,
  PROBE_FAILED: 'XenPmProbeFailed',
};

/** The runbook URL of a section under `base`: GitHub's heading anchor is the heading in lower case. */
export function runbookUrl(base: string, section: string): string {
  return `${base}#${section.toLowerCase()}`;
}
