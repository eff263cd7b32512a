// Everything a site may want to change, in one place. Override it when importing the mixin:
//   (import 'mixin.libsonnet') + { _config+:: { xenPmSelector: 'job="dom0"' } }
{
  _config+:: {
    // Selects xen-pm-exporter's series, its scrape job. Every alert, recording rule and dashboard
    // query is restricted by it; nothing else names a job.
    xenPmSelector: 'job="xen-pm"',

    // Where runbook_url points: %s is the alert name in lower case (GitHub's heading anchors).
    runbookURLPattern: 'https://github.com/xen-pm-exporter/xen-pm-exporter/blob/main/docs/runbooks.md#%s',

    // Pages: what hurts now.
    stuckFor: '10m',  // busy CPUs held low (the exporter already needs --probe.stuck-window of evidence)
    exporterDownFor: '10m',  // longer than a dom0 reboot usually takes, so a planned reboot does not page
    // Conditions that are there from boot and stay until someone acts: warnings, slow to fire so
    // a boot in progress (modules still loading) never raises them.
    handoffMissingFor: '15m',
    sinceBootFor: '30m',
    probeFailedFor: '15m',
    implausibleFor: '15m',
    targetUnreachableFor: '10m',
    // Data older than this is stale (the exporter re-probes every 15 s by default).
    staleAfterSeconds: 300,
    staleFor: '5m',

    // Grafana.
    dashboardUid: 'xen-pm-exporter',
    dashboardTitle: 'Xen CPU power management',
    dashboardTags: ['xen', 'cpufreq', 'xen-pm-exporter'],
    dashboardRefresh: '30s',
    dashboardFrom: 'now-6h',
  },
}
