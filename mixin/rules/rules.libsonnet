// Recording rules for the fleet view (level:metric:operations naming).
{
  local c = $._config,
  prometheusRules+:: {
    groups+: [
      {
        name: 'xen-pm-rules',
        rules: [
          {
            // How many hosts are in each hand-off state (yes, no, not-applicable, unknown).
            record: 'xen_pm:hosts:count_by_handoff',
            expr: 'count by (state) (xen_pm_pstate_handoff{%(sel)s} == 1)' % { sel: c.xenPmSelector },
          },
          {
            // How many hosts have each verdict (ok, warning, critical, unknown).
            record: 'xen_pm:hosts:count_by_status',
            expr: 'count by (status) (xen_pm_status{%(sel)s} == 1)' % { sel: c.xenPmSelector },
          },
          {
            // Per host: effective frequency of the CPUs that have one, against their hardware maximum.
            record: 'instance:xen_pm_effective_to_max_frequency:ratio',
            expr: 'sum by (instance) (xen_pm_cpu_effective_frequency_hertz{%(sel)s}) / sum by (instance) (max by (instance, cpu) (xen_pm_cpu_frequency_max_hertz{%(sel)s}) and on (instance, cpu) xen_pm_cpu_effective_frequency_hertz{%(sel)s})' % { sel: c.xenPmSelector },
          },
          {
            // The same over the whole fleet.
            record: 'xen_pm:effective_to_max_frequency:ratio',
            expr: 'sum (xen_pm_cpu_effective_frequency_hertz{%(sel)s}) / sum (max by (instance, cpu) (xen_pm_cpu_frequency_max_hertz{%(sel)s}) and on (instance, cpu) xen_pm_cpu_effective_frequency_hertz{%(sel)s})' % { sel: c.xenPmSelector },
          },
        ],
      },
    ],
  },
}
