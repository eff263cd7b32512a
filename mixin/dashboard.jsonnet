// Renders the Grafana dashboard (JSON):
//   jsonnet mixin/dashboard.jsonnet
//   jsonnet --tla-str selector='job="dom0s"' mixin/dashboard.jsonnet
function(selector=null)
  local m = (import 'mixin.libsonnet') + (if selector == null then {} else { _config+:: { xenPmSelector: selector } });
  m.grafanaDashboards['xen-pm-dashboard.json']
