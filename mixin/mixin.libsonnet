// xen-pm-exporter monitoring mixin: alerts, recording rules and the Grafana dashboard, generated
// from one place with one selector (config.libsonnet). Layout as in node-mixin/kubernetes-mixin:
// prometheusAlerts, prometheusRules and grafanaDashboards.
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'rules/rules.libsonnet') +
(import 'dashboards/dashboards.libsonnet')
