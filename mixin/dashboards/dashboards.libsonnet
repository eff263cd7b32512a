// The Grafana dashboard: a fleet row (all hosts the selector covers), then one row per selected
// instance. Every stat has thresholds and value mappings, so a critical host turns red; every
// time-series panel has one unit.
local p = import '../lib/panels.libsonnet';
local g = p.grid;

{
  local c = $._config,
  local sel = c.xenPmSelector,
  local host = '%s, instance=~"$instance"' % sel,
  local q(tmpl) = tmpl % { sel: sel, host: host },

  // One number per host for the verdict (0 ok, 1 warning, 2 critical, 3 unknown): the exporter
  // sets exactly one xen_pm_status series to 1. Same for the hand-off and the controller.
  local code(metric, label, values) = 'max by (instance) (' + std.join(' or ', [
    '(%s{%s, %s="%s"} == 1) * %d' % [metric, host, label, values[i], i]
    for i in std.range(0, std.length(values) - 1)
  ]) + ')',

  local fleet = [
    p.row('Fleet', 0),
    p.stat('Hosts', 'Hosts the exporter covers (xen_pm_platform_info).', q('count(xen_pm_platform_info{%(sel)s}) or vector(0)'), '', g(0, 1, 3, 4), [[null, 'blue']]),
    p.stat('OK', 'Hosts whose verdict is ok.', q('count(xen_pm_status{%(sel)s, status="ok"} == 1) or vector(0)'), '', g(3, 1, 3, 4), [[null, 'green']]),
    p.stat('Warning', 'Hosts whose verdict is warning.', q('count(xen_pm_status{%(sel)s, status="warning"} == 1) or vector(0)'), '', g(6, 1, 3, 4), [[null, 'green'], [1, 'orange']]),
    p.stat('Critical', 'Hosts whose verdict is critical.', q('count(xen_pm_status{%(sel)s, status="critical"} == 1) or vector(0)'), '', g(9, 1, 3, 4), [[null, 'green'], [1, 'red']]),
    p.stat('Unknown', 'Hosts the exporter cannot judge (missing signals).', q('count(xen_pm_status{%(sel)s, status="unknown"} == 1) or vector(0)'), '', g(12, 1, 3, 4), [[null, 'green'], [1, p.grey]]),
    p.stat('Without hand-off', 'dom0s whose kernel never handed the ACPI P-states to Xen.', q('count(xen_pm_pstate_handoff{%(sel)s, state="no"} == 1) or vector(0)'), '', g(15, 1, 3, 4), [[null, 'green'], [1, 'red']]),
    p.stat('Exporters down', 'Scrape targets Prometheus cannot reach (up == 0).', q('count(up{%(sel)s} == 0) or vector(0)'), '', g(18, 1, 3, 4), [[null, 'green'], [1, 'red']]),
    p.stat('Targets unreachable', 'Fleet targets whose last SSH probe gave no usable capture (xen_pm_target_up == 0).', q('count(xen_pm_target_up{%(sel)s} == 0) or vector(0)'), '', g(21, 1, 3, 4), [[null, 'green'], [1, 'orange']]),
    p.table(
      'Hosts not OK',
      'Every host whose verdict is not ok; open its row below for the findings.',
      q('max by (instance, status) (xen_pm_status{%(sel)s, status!="ok"} == 1)'),
      g(0, 5, 8, 8),
      ['Time', 'Value'],
      { status: { warning: ['warning', 'orange'], critical: ['critical', 'red'], unknown: ['unknown', p.grey] } },
    ),
    p.timeseries(
      'Hosts per hand-off state',
      'Recording rule xen_pm:hosts:count_by_handoff.',
      [{ expr: 'xen_pm:hosts:count_by_handoff', legend: '{{state}}' }],
      g(8, 5, 8, 8),
      'none',
      min=0,
      step=true,
      overrides=[
        { matcher: { id: 'byName', options: 'no' }, properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }] },
        { matcher: { id: 'byName', options: 'yes' }, properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }] },
      ],
    ),
    p.timeseries(
      'Effective / maximum frequency',
      'Residency-weighted frequency of the CPUs against their hardware maximum: the fleet (xen_pm:effective_to_max_frequency:ratio) and each host.',
      [
        { expr: 'xen_pm:effective_to_max_frequency:ratio', legend: 'fleet' },
        { expr: 'instance:xen_pm_effective_to_max_frequency:ratio', legend: '{{instance}}' },
      ],
      g(16, 5, 8, 8),
      'percentunit',
      min=0,
      max=1,
    ),
  ],

  local perHost(y) = [
    p.row('Host $instance', y, repeat='instance'),
    p.stat(
      'Verdict',
      'The diagnosis status: the worst active finding (xen_pm_status).',
      code('xen_pm_status', 'status', ['ok', 'warning', 'critical', 'unknown']),
      '{{instance}}',
      g(0, y + 1, 4, 4),
      [[null, 'green'], [1, 'orange'], [2, 'red'], [3, p.grey]],
      { '0': ['ok', 'green'], '1': ['warning', 'orange'], '2': ['critical', 'red'], '3': ['unknown', p.grey] },
    ),
    p.stat(
      'P-state hand-off',
      'Did dom0 hand the ACPI P-states to Xen (xen_pm_pstate_handoff)?',
      code('xen_pm_pstate_handoff', 'state', ['no', 'yes', 'not-applicable', 'unknown']),
      '{{instance}}',
      g(4, y + 1, 4, 4),
      [[null, 'red'], [1, 'green'], [2, 'blue'], [3, p.grey]],
      { '0': ['no', 'red'], '1': ['yes', 'green'], '2': ['n/a (not a dom0)', 'blue'], '3': ['unknown', p.grey] },
    ),
    p.stat(
      'Who drives frequency',
      'xen (the hypervisor), kernel (dom0 or bare metal), none (nobody scales), unknown.',
      code('xen_pm_pstate_controller', 'controller', ['xen', 'kernel', 'none', 'unknown']),
      '{{instance}}',
      g(8, y + 1, 4, 4),
      [[null, 'green'], [2, 'red'], [3, p.grey]],
      { '0': ['xen', 'green'], '1': ['kernel', 'green'], '2': ['none', 'red'], '3': ['unknown', p.grey] },
    ),
    p.stat(
      'Active findings',
      'Warning and critical findings now (the table below lists them).',
      q('count by (instance) (xen_pm_finding{%(host)s, severity!="info"} == 1) or sum by (instance) (xen_pm_finding{%(host)s} * 0)'),
      '{{instance}}',
      g(12, y + 1, 4, 4),
      [[null, 'green'], [1, 'orange']],
    ),
    p.stat(
      'Stuck CPUs',
      'CPUs busy over the window yet never at their top P-state (xen_pm_cpu_frequency_stuck).',
      q('sum by (instance) (xen_pm_cpu_frequency_stuck{%(host)s})'),
      '{{instance}}',
      g(16, y + 1, 4, 4),
      [[null, 'green'], [1, 'red']],
    ),
    p.stat(
      'Effective / maximum',
      'Residency-weighted frequency against the hardware maximum. Low is normal on an idle host.',
      q('sum by (instance) (xen_pm_cpu_effective_frequency_hertz{%(host)s}) / sum by (instance) (max by (instance, cpu) (xen_pm_cpu_frequency_max_hertz{%(host)s}) and on (instance, cpu) xen_pm_cpu_effective_frequency_hertz{%(host)s})'),
      '{{instance}}',
      g(20, y + 1, 4, 4),
      [[null, 'blue']],
      unit='percentunit',
      decimals=1,
    ),
    p.table(
      'Findings',
      'Active findings with their severity. Evidence and remedy: `xen-pm-exporter check` on the host, or its /health.',
      q('max by (instance, id, severity) (xen_pm_finding{%(host)s} == 1)'),
      g(0, y + 5, 24, 6),
      ['Time', 'Value'],
      { severity: { critical: ['critical', 'red'], warning: ['warning', 'orange'], info: ['info', 'blue'] } },
    ),
    p.timeseries(
      'Effective frequency against P0 and turbo',
      'Average and slowest CPU effective frequency, against the P-state table\'s P0 (highest non-turbo), its turbo entry and the policy maximum (xen_pm_frequency_reference_hertz, xen_pm_cpu_scaling_frequency_max_hertz).',
      [
        { expr: q('avg by (instance) (xen_pm_cpu_effective_frequency_hertz{%(host)s})'), legend: 'effective (average)' },
        { expr: q('min by (instance) (xen_pm_cpu_effective_frequency_hertz{%(host)s})'), legend: 'effective (slowest CPU)' },
        { expr: q('max by (instance) (xen_pm_frequency_reference_hertz{%(host)s, kind="max-non-turbo"})'), legend: 'P0 (max non-turbo)' },
        { expr: q('max by (instance) (xen_pm_frequency_reference_hertz{%(host)s, kind="turbo-entry"})'), legend: 'turbo entry' },
        { expr: q('max by (instance) (xen_pm_cpu_scaling_frequency_max_hertz{%(host)s})'), legend: 'scaling maximum' },
      ],
      g(0, y + 11, 12, 8),
      'hertz',
      min=0,
      overrides=[
        {
          matcher: { id: 'byFrameRefID', options: ref },
          properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }],
        }
        for ref in ['C', 'D', 'E']
      ],
    ),
    p.heatmap(
      'P-state residency',
      'Share of the host\'s P-state time spent at each frequency (rows), from xen_pm_pstate_residency_seconds_total.',
      q('sum by (instance, frequency_hertz) (rate(xen_pm_pstate_residency_seconds_total{%(host)s}[$__rate_interval])) / ignoring (frequency_hertz) group_left sum by (instance) (rate(xen_pm_pstate_residency_seconds_total{%(host)s}[$__rate_interval]))'),
      '{{frequency_hertz}}',
      g(12, y + 11, 12, 8),
      'hertz',
      'percentunit',
    ),
    p.timeseries(
      'C-state residency',
      'Share of time in each C-state (Xen counts C0, running, as one).',
      [{ expr: q('sum by (instance, state) (rate(xen_pm_cstate_residency_seconds_total{%(host)s}[$__rate_interval])) / ignoring (state) group_left sum by (instance) (rate(xen_pm_cstate_residency_seconds_total{%(host)s}[$__rate_interval]))'), legend: '{{state}}' }],
      g(0, y + 19, 12, 8),
      'percentunit',
      min=0,
      max=1,
      stack=true,
    ),
    p.timeseries(
      'Busy share and time at the top P-state',
      'Both over the exporter\'s stuck window: busy (C0) share, and share of P-state time at the top state. Busy and never at the top is what pages.',
      [
        { expr: q('avg by (instance) (xen_pm_cpu_busy_ratio{%(host)s})'), legend: 'busy (average)' },
        { expr: q('avg by (instance) (xen_pm_cpu_top_pstate_residency_ratio{%(host)s})'), legend: 'at top P-state (average)' },
      ],
      g(12, y + 19, 12, 8),
      'percentunit',
      min=0,
      max=1,
    ),
    p.heatmap(
      'CPU frequency / hardware maximum',
      'Per CPU (rows): the current (last requested) frequency against the CPU\'s hardware maximum.',
      q('xen_pm_cpu_frequency_hertz{%(host)s} / on (instance, cpu, source) xen_pm_cpu_frequency_max_hertz{%(host)s}'),
      'cpu {{cpu}}',
      g(0, y + 27, 12, 8),
      'none',
      'percentunit',
    ),
    p.timeseries(
      'Sources answering',
      '1 while a source (sysfs, kernel log, each xenpm/xl command) answers usably (xen_pm_probe_success).',
      [{ expr: q('min by (instance, source) (xen_pm_probe_success{%(host)s})'), legend: '{{source}}' }],
      g(12, y + 27, 6, 8),
      'none',
      min=0,
      max=1,
      step=true,
    ),
    p.timeseries(
      'Probe duration and data age',
      'How long each source took in the last probe, and how old the served data is.',
      [
        { expr: q('max by (instance, source) (xen_pm_probe_duration_seconds{%(host)s})'), legend: '{{source}}' },
        { expr: q('time() - max by (instance) (xen_pm_last_probe_timestamp_seconds{%(host)s})'), legend: 'data age' },
      ],
      g(18, y + 27, 6, 8),
      's',
      min=0,
    ),
  ],

  local panels = fleet + perHost(13),

  grafanaDashboards+:: {
    'xen-pm-dashboard.json': {
      uid: c.dashboardUid,
      title: c.dashboardTitle,
      tags: c.dashboardTags,
      description: 'CPU power management of Xen hosts, from xen-pm-exporter: verdicts, P-state hand-off, findings, effective frequency, P- and C-state residency.',
      schemaVersion: 39,
      version: 1,
      editable: true,
      graphTooltip: 1,
      refresh: c.dashboardRefresh,
      time: { from: c.dashboardFrom, to: 'now' },
      timepicker: {},
      timezone: '',
      links: [],
      annotations: { list: [] },
      templating: {
        list: [
          { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0, refresh: 1, regex: '', options: [] },
          {
            name: 'instance',
            label: 'Instance',
            type: 'query',
            datasource: p.ds,
            query: { query: 'label_values(xen_pm_platform_info{%s}, instance)' % sel, refId: 'instance' },
            multi: true,
            includeAll: true,
            allValue: '.*',
            refresh: 2,
            sort: 1,
            hide: 0,
            regex: '',
            options: [],
          },
        ],
      },
      panels: std.mapWithIndex(function(i, panel) panel + { id: i + 1 }, panels),
    },
  },
}
