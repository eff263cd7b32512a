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
let staticCache = null;
async function once() {
  const s = await probeHost(host, { acpiCache: cache, ...(staticCache ? { staticCache } : {}) });
  const stuck = detectStuck([countersFromSnapshot(s, 0)]);
  const r = diagnose(s);
  const text = await buildRegistry({ snapshot: s, report: r, stuck, sources: sourceOutcomes(s), probeTimestampSeconds: 0, probesTotal: 1, probesSkipped: 0 }).metrics();
  return text.length;
}
async function measure() {
  await once(); await once(); // warm up the JIT (and the daemon's caches, when on)
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let len = 0;
  for (let i = 0; i < runs; i++) len = await once();
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / runs, wallMs: (performance.now() - t0) / runs, len };
}
// Cold: every file read, as `check` and the daemon's first probe (and every 40th) do.
const cold = await measure();
// Steady: the daemon's probes, with static values cached across probes.
staticCache = new Map();
const steady = await measure();
console.log(JSON.stringify({ cpuMsPerProbe: steady.cpuMs, wallMsPerProbe: steady.wallMs, coldCpuMsPerProbe: cold.cpuMs, expositionBytes: steady.len }));
