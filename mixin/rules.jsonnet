// The alert and recording rules as one Prometheus rule file (JSON is YAML too; mixin/render.sh
// turns it into block YAML):
//   jsonnet mixin/rules.jsonnet                                   # job="xen-pm"
//   jsonnet --tla-str selector='job="dom0s"' mixin/rules.jsonnet  # your own selector
function(selector=null)
  local m = (import 'mixin.libsonnet') + (if selector == null then {} else { _config+:: { xenPmSelector: selector } });
  { groups: m.prometheusAlerts.groups + m.prometheusRules.groups }
