import type { FindingId, Severity } from './report.js';

/**
 * The finding catalogue: one place for each id's default severity and what an operator does
 * about it. README's finding table is written from this.
 */
export const CATALOG: Record<FindingId, { severity: Severity; title: string; remedy: string }> = {
  XEN_PSTATE_HANDOFF_MISSING: {
    severity: 'critical',
    title: 'Xen has no ACPI P-state data for the online CPUs: it cannot scale CPU frequency',
    remedy:
      'Make dom0 upload the ACPI P-states: load the module (`modprobe xen-acpi-processor`, and list it in /etc/modules-load.d/), ' +
      'or build the dom0 kernel with CONFIG_XEN_ACPI_PROCESSOR=y|m; remove any modprobe.blacklist/module_blacklist entry for it. ' +
      'Then check with `xenpm get-cpufreq-para`.',
  },
  XEN_PSTATE_HANDOFF_PARTIAL: {
    severity: 'warning',
    title: 'Xen has P-state data for some CPUs but not for others',
    remedy:
      'Compare the CPUs without data with `xl dmesg | grep -i px` and the dom0 kernel log; offline CPUs (SMT disabled) are expected to have none. ' +
      'For online CPUs, reload xen-acpi-processor after all CPUs are up, and check dom0_max_vcpus against the ACPI processor count.',
  },
  XEN_ACPI_PROCESSOR_NOT_LOADED: {
    severity: 'warning',
    title: 'The dom0 driver that hands ACPI power data to Xen (xen_acpi_processor) is not loaded',
    remedy:
      '`modprobe xen-acpi-processor` and add it to /etc/modules-load.d/xen.conf; if modprobe says "No such device", the firmware exposes no P-states (see FIRMWARE_NO_PSTATES).',
  },
  XEN_ACPI_UPLOAD_ERROR: {
    severity: 'warning',
    title: 'Xen rejected part of the power-management data dom0 uploaded',
    remedy:
      'Read the quoted `Hypervisor error (N)` lines: -19 (ENODEV) means Xen\'s cpufreq driver cannot use the data for that CPU; ' +
      'check `xl dmesg` with `cpufreq=xen:verbose`, and the firmware power settings.',
  },
  XEN_CPUFREQ_DISABLED: {
    severity: 'warning',
    title: 'Xen was booted not to manage CPU frequency',
    remedy:
      'Frequency is deliberately unmanaged. If that is not intended, drop `cpufreq=none` (or `cpufreq=dom0-kernel`) from the Xen command line ' +
      '(GRUB_CMDLINE_XEN_DEFAULT in /etc/default/grub, then update-grub) and reboot.',
  },
  XEN_NOT_SCALING: {
    severity: 'warning',
    title: 'Xen is not scaling CPU frequency, and its answer does not say why',
    remedy:
      'Xen 4.19+ says "Either Xen cpufreq is disabled or no valid information is registered!" for two causes. Tell them apart: ' +
      '`xl info | grep xen_commandline` shows cpufreq=none (or dom0-kernel) when it is disabled on purpose; otherwise dom0 never ' +
      'handed over the P-states — `lsmod | grep xen_acpi_processor` and, with cpufreq=xen:verbose, `xl dmesg | grep "Px State"` show it.',
  },
  XEN_TOOLS_UNAVAILABLE: {
    severity: 'warning',
    title: 'xenpm cannot talk to the hypervisor, so Xen\'s view of P-states is unknown',
    remedy:
      'Install the Xen tools (xen-utils / xen-tools), run the exporter as root with /dev/xen/privcmd reachable and xenfs mounted on /proc/xen, ' +
      'and make sure the tools match the running hypervisor; set --xenpm.path if xenpm is not on PATH.',
  },
  FIRMWARE_NO_PSTATES: {
    severity: 'critical',
    title: 'The firmware exposes no usable ACPI P-states, so neither dom0 nor Xen can scale frequency',
    remedy:
      'In the BIOS/UEFI set the power profile to OS control ("OS DBPM", "Performance Per Watt (OS)"), enable EIST/SpeedStep or Cool\'n\'Quiet/P-states, ' +
      'and update the firmware; on Intel with HWP try `cpufreq=hwp;xen` (Xen ≥ 4.18), or `cpufreq=xen:no-hwp` if HWP is what fails.',
  },
  PSTATES_CAPPED: {
    severity: 'warning',
    title: 'The top P-states are forbidden: the CPUs cannot reach their maximum frequency',
    remedy:
      'A _PPC/bios_limit cap comes from the firmware: look at BIOS power capping, thermal limits and power supply/AC state (xl dmesg `_PPC:` lines). ' +
      'A scaling maximum below the hardware maximum was set by someone: `xenpm set-scaling-maxfreq` / `cpufreq=xen:...,maxfreq=`, or scaling_max_freq in sysfs.',
  },
  GOVERNOR_PINNED_LOW: {
    severity: 'warning',
    title: 'A governor or setting holds the CPUs at their lowest frequency',
    remedy:
      'Switch to ondemand/schedutil or performance: `xenpm set-scaling-governor ondemand` on Xen (cpufreq=xen:ondemand on the command line), ' +
      '`cpupower frequency-set -g schedutil` elsewhere; raise scaling_max_freq / `xenpm set-scaling-maxfreq` back to the hardware maximum.',
  },
  TURBO_DISABLED: {
    severity: 'info',
    title: 'Turbo/boost is supported but switched off',
    remedy: '`xenpm enable-turbo-mode` on Xen; `echo 0 > /sys/devices/system/cpu/intel_pstate/no_turbo` or `echo 1 > .../cpufreq/boost` elsewhere; check the BIOS turbo setting.',
  },
  FREQUENCY_STUCK_BELOW_MAX: {
    severity: 'critical',
    title: 'Busy CPUs never reach the top P-state',
    remedy:
      'The CPUs are loaded but stay at low P-states: look for a pinned governor or scaling maximum, a _PPC cap, thermal or power capping, ' +
      'and for a missing P-state hand-off; compare `xenpm get-cpufreq-states` residencies over a minute of load.',
  },
  CSTATES_LIMITED: {
    severity: 'info',
    title: 'C-states are limited',
    remedy:
      'Deep C-states save power and raise turbo headroom: remove `max_cstate=` from the Xen command line (`xenpm set-max-cstate unlimited`), ' +
      'and make dom0 upload _CST (xen-acpi-processor) on platforms without mwait-idle.',
  },
  IMPLAUSIBLE_READING: {
    severity: 'warning',
    title: 'A reading lies outside physical bounds and was left out of the frequency data',
    remedy: 'Do not trust this reading; report it with a capture (`xen-pm-exporter capture --out DIR`). Averages can be corrupted by concurrent readers of get-cpufreq-average.',
  },
  NO_CPUFREQ_DRIVER: {
    severity: 'warning',
    title: 'No cpufreq driver is bound: the kernel does not scale CPU frequency',
    remedy: 'Load a driver (`modprobe acpi-cpufreq`, or boot with intel_pstate/amd_pstate enabled), and set the BIOS power profile to OS control.',
  },
  FREQUENCY_NOT_OBSERVABLE: {
    severity: 'info',
    title: 'This is a virtual machine: CPU frequency is managed by the host and not visible here',
    remedy: 'Nothing to do inside the guest. Run xen-pm-exporter on the host (the Xen dom0) to see its frequency scaling.',
  },
  PROBE_FAILED: {
    severity: 'warning',
    title: 'A source could not be read',
    remedy: 'Read the quoted error. Run as root for root-only files and commands; a timeout or crash of xenpm points at the Xen tools or the hypervisor.',
  },
};
