// Renders the alert and recording rules as one Prometheus rule file (YAML):
//   jsonnet -S mixin/rules.jsonnet                                   # job="xen-pm"
//   jsonnet -S --tla-str selector='job="dom0s"' mixin/rules.jsonnet  # your own selector
function(selector=null)
  local m = (import 'mixin.libsonnet') + (if selector == null then {} else { _config+:: { xenPmSelector: selector } });
  '# Generated from mixin/ (jsonnet -S mixin/rules.jsonnet) with selector ' + m._config.xenPmSelector + '. Do not edit: change the mixin and run `npm run mixin`.\n'
  + std.manifestYamlDoc({ groups: m.prometheusAlerts.groups + m.prometheusRules.groups }, indent_array_in_object=true, quote_keys=false)
  + '\n'
