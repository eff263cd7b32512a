// CPU cost of one full probe (read + parse + diagnose + render the exposition), in-process, on a root.
import { openHost } from '../dist/src/probe/open-host.js';
import { probeHost } from '../dist/src/probe/probe-host.js';
import { diagnose } from '../dist/src/diagnosis/diagnose.js';
import { buildRegistry, sourceOutcomes } from '../dist/src/exporter/metrics.js';
import { countersFromSnapshot } from '../dist/src/diagnosis/residency-history.js';
import { detectStuck } from '../dist/src/diagnosis/stuck.js';

const [root, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const host = openHost(root);
const cache = { scan: null };
async function once() {
  const s = await probeHost(host, { acpiCache: cache });
  const stuck = detectStuck([countersFromSnapshot(s, 0)]);
  const r = diagnose(s);
  const text = await buildRegistry({ snapshot: s, report: r, stuck, sources: sourceOutcomes(s), probeTimestampSeconds: 0, probesTotal: 1, probesSkipped: 0 }).metrics();
  return text.length;
}
await once(); await once(); // warm up the JIT
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let len = 0;
for (let i = 0; i < runs; i++) len = await once();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ cpuMsPerProbe: (cpu.user + cpu.system) / 1000 / runs, wallMsPerProbe: (performance.now() - t0) / runs, expositionBytes: len }));
