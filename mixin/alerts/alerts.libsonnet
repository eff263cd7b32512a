// Alerts. One prefix (XenPm), one alert per finding an operator acts on, a page only for what
// hurts now. All finding alerts read xen_pm_finding, which the exporter always exposes for every
// id (0 or 1), so none needs absent(); when a host reboots its series go stale and every pending
// alert starts its `for:` again from zero.
local finding(c, id, extra='') =
  // severity!="info": some findings are info when something else explains them (firmware, offline
  // CPUs, not a dom0) and must not alert then.
  // The `unless` drops a fleet target whose last SSH probe failed: its host series are not current.
  '(xen_pm_finding{%(sel)s, id="%(id)s", severity!="info"} == 1%(extra)s) unless ignoring (id, severity) (xen_pm_target_up{%(sel)s} == 0)'
  % { sel: c.xenPmSelector, id: id, extra: extra };

local evidence = 'Run `xen-pm-exporter check` on {{ $labels.instance }} (or read its /health?format=text) for the evidence lines and the remedy.';

{
  local c = $._config,
  local alert(name, expr, forDuration, severity, summary, description) = {
    alert: name,
    expr: expr,
    'for': forDuration,
    labels: { severity: severity },
    annotations: {
      summary: summary,
      description: description,
      runbook_url: c.runbookURLPattern % std.asciiLower(name),
    },
  },

  prometheusAlerts+:: {
    groups+: [
      {
        name: 'xen-pm-alerts',
        rules: [
          // ---- pages: it hurts now ----
          alert(
            'XenPmFrequencyStuckBelowMax',
            finding(c, 'FREQUENCY_STUCK_BELOW_MAX'),
            c.stuckFor,
            'critical',
            'Busy CPUs on {{ $labels.instance }} never reach their top P-state',
            'CPUs of {{ $labels.instance }} were busy (>= 50 % in C0) over the exporter\'s window yet spent <= 5 % of it at the top usable P-state: the host runs its load slowly now. An idle host at low frequency never raises this. xen_pm_cpu_frequency_stuck names the CPUs. ' + evidence,
          ),
          alert(
            'XenPmExporterDown',
            'up{%(sel)s} == 0' % { sel: c.xenPmSelector },
            c.exporterDownFor,
            'critical',
            'xen-pm-exporter on {{ $labels.instance }} cannot be scraped',
            'Prometheus has not scraped {{ $labels.instance }} for ' + c.exporterDownFor + ': none of its CPU frequency alerts can fire while it is down. Check `systemctl status xen-pm-exporter` and `journalctl -u xen-pm-exporter` on the host.',
          ),

          // ---- warnings: present since boot, or the data is in doubt ----
          alert(
            'XenPmPStateHandoffMissing',
            finding(c, 'XEN_PSTATE_HANDOFF_MISSING'),
            c.handoffMissingFor,
            'warning',
            'Xen on {{ $labels.instance }} has no ACPI P-state data: it cannot scale CPU frequency',
            'dom0 on {{ $labels.instance }} never handed the ACPI P-states to Xen (xen_acpi_processor absent, blacklisted, off=1 or ineffective), so Xen never uses the fast P-states. ' + evidence,
          ),
          alert(
            'XenPmPStateHandoffPartial',
            finding(c, 'XEN_PSTATE_HANDOFF_PARTIAL'),
            c.sinceBootFor,
            'warning',
            'Xen on {{ $labels.instance }} has P-state data for some online CPUs only',
            'Some online CPUs of {{ $labels.instance }} have no P-state data in Xen: they cannot scale. Offline SMT siblings are not counted. ' + evidence,
          ),
          alert(
            'XenPmAcpiProcessorNotLoaded',
            // The hand-off alert already says it when the missing module is why Xen has no data.
            finding(c, 'XEN_ACPI_PROCESSOR_NOT_LOADED', ' unless ignoring (id, severity) (xen_pm_finding{%(sel)s, id="XEN_PSTATE_HANDOFF_MISSING"} == 1)' % { sel: c.xenPmSelector }),
            c.sinceBootFor,
            'warning',
            'xen_acpi_processor is not loaded in dom0 of {{ $labels.instance }}',
            'The dom0 driver that hands ACPI power data (P- and C-states) to Xen is not loaded on {{ $labels.instance }}. ' + evidence,
          ),
          alert(
            'XenPmAcpiUploadError',
            finding(c, 'XEN_ACPI_UPLOAD_ERROR'),
            c.sinceBootFor,
            'warning',
            'Xen rejected power-management data uploaded by dom0 of {{ $labels.instance }}',
            'The dom0 kernel log of {{ $labels.instance }} has `xen_acpi_processor: ... Hypervisor error (N)` lines that offline CPUs do not explain. ' + evidence,
          ),
          alert(
            'XenPmCpufreqDisabled',
            finding(c, 'XEN_CPUFREQ_DISABLED'),
            c.sinceBootFor,
            'warning',
            'Xen on {{ $labels.instance }} was booted not to manage CPU frequency',
            '{{ $labels.instance }} runs Xen with cpufreq=none (or off, or dom0-kernel): nobody scales frequency. If that is intended, silence this alert for the host. ' + evidence,
          ),
          alert(
            'XenPmNotScaling',
            finding(c, 'XEN_NOT_SCALING'),
            c.sinceBootFor,
            'warning',
            'Xen on {{ $labels.instance }} does not scale CPU frequency',
            'Xen on {{ $labels.instance }} answers "Either Xen cpufreq is disabled or no valid information is registered!": it was booted with cpufreq disabled, or dom0 never handed it the P-states. ' + evidence,
          ),
          alert(
            'XenPmToolsUnavailable',
            finding(c, 'XEN_TOOLS_UNAVAILABLE'),
            c.sinceBootFor,
            'warning',
            'xenpm cannot talk to the hypervisor on {{ $labels.instance }}',
            'xen-pm-exporter on dom0 {{ $labels.instance }} cannot run xenpm (missing, no access to /dev/xen/privcmd, or built for another Xen): Xen\'s view of the P-states is unknown. ' + evidence,
          ),
          alert(
            'XenPmFirmwareNoPStates',
            finding(c, 'FIRMWARE_NO_PSTATES'),
            c.sinceBootFor,
            'warning',
            'The firmware of {{ $labels.instance }} exposes no usable P-states',
            'The ACPI tables of {{ $labels.instance }} publish no _PSS/_CPC, or Xen rejected them on every CPU: neither dom0 nor Xen can scale frequency until the BIOS power settings change. ' + evidence,
          ),
          alert(
            'XenPmPStatesCapped',
            finding(c, 'PSTATES_CAPPED'),
            c.sinceBootFor,
            'warning',
            'CPUs on {{ $labels.instance }} cannot reach their maximum frequency',
            'A firmware _PPC/bios_limit or a scaling maximum forbids the top P-states of {{ $labels.instance }}. ' + evidence,
          ),
          alert(
            'XenPmGovernorPinnedLow',
            finding(c, 'GOVERNOR_PINNED_LOW'),
            c.sinceBootFor,
            'warning',
            'A governor holds the CPUs of {{ $labels.instance }} at their lowest frequency',
            '{{ $labels.instance }} runs a powersave/userspace governor at the minimum, or a scaling maximum at the minimum. ' + evidence,
          ),
          alert(
            'XenPmImplausibleReading',
            finding(c, 'IMPLAUSIBLE_READING'),
            c.implausibleFor,
            'warning',
            '{{ $labels.instance }} reports CPU frequencies outside physical bounds',
            'xen-pm-exporter on {{ $labels.instance }} left readings out of its data that cannot be true (above 10 GHz, or twice the CPU\'s maximum). ' + evidence,
          ),
          alert(
            'XenPmNoCpufreqDriver',
            finding(c, 'NO_CPUFREQ_DRIVER'),
            c.sinceBootFor,
            'warning',
            'No cpufreq driver is bound on {{ $labels.instance }}',
            'The kernel of bare-metal host {{ $labels.instance }} has no cpufreq policy: it does not scale CPU frequency. ' + evidence,
          ),
          alert(
            'XenPmProbeFailed',
            finding(c, 'PROBE_FAILED'),
            c.probeFailedFor,
            'warning',
            'xen-pm-exporter on {{ $labels.instance }} cannot read a source',
            'A source of {{ $labels.instance }} fails (xen_pm_probe_success == 0 names it): what depends on it is unknown, and alerts that need it cannot fire. ' + evidence,
          ),
          alert(
            'XenPmProbesStale',
            'time() - xen_pm_last_probe_timestamp_seconds{%(sel)s} > %(s)d' % { sel: c.xenPmSelector, s: c.staleAfterSeconds },
            c.staleFor,
            'warning',
            'xen-pm-exporter on {{ $labels.instance }} serves data older than %d seconds' % c.staleAfterSeconds,
            'The last probe of {{ $labels.instance }} finished {{ $value | humanizeDuration }} ago: its findings are stale. Check /healthz and `journalctl -u xen-pm-exporter` (a hung xenpm is killed after --xenpm.timeout).',
          ),
          alert(
            'XenPmTargetUnreachable',
            'xen_pm_target_up{%(sel)s} == 0' % { sel: c.xenPmSelector },
            c.targetUnreachableFor,
            'warning',
            'xen-pm-exporter cannot probe fleet target {{ $labels.instance }} over SSH',
            'The last SSH probes of {{ $labels.instance }} returned no usable capture for ' + c.targetUnreachableFor + ': its host alerts are suspended until it answers. Check SSH reachability, the key and the remote command.',
          ),
        ],
      },
    ],
  },
}
