// Turns the rule file jsonnet prints (JSON on stdin) into readable block YAML on stdout, keys in
// the order Prometheus' documentation uses. jsonnet's own std.manifestYamlDoc takes ~100x longer.
//   jsonnet mixin/rules.jsonnet | node mixin/to-yaml.mjs 'header comment'
import { stringify } from 'yaml';

const ORDER = ['name', 'alert', 'record', 'expr', 'for', 'labels', 'annotations', 'summary', 'description', 'runbook_url', 'rules'];
const rank = (k) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
const sortKeys = (v) =>
  Array.isArray(v) ? v.map(sortKeys)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((k) => [k, sortKeys(v[k])]))
  : v;

let input = '';
for await (const chunk of process.stdin) input += chunk;
const header = process.argv[2] ? `# ${process.argv[2]}\n` : '';
process.stdout.write(header + stringify(sortKeys(JSON.parse(input)), { lineWidth: 0 }));
