// CPU cost of one full probe cycle (read + parse + diagnose + render the exposition), in-process, on a
// root, and where that time goes. Prints JSON.
import { openHost } from '../dist/src/probe/open-host.js';
import { probeHost } from '../dist/src/probe/probe-host.js';
import { ProbeCycle } from '../dist/src/cycle/probe-cycle.js';
import { buildView } from '../dist/src/diagnosis/frequency-view.js';
import { diagnose } from '../dist/src/diagnosis/diagnose.js';
import { detectStuck } from '../dist/src/diagnosis/stuck.js';
import { countersFromView } from '../dist/src/diagnosis/residency-history.js';
import { buildMetrics } from '../dist/src/render/metrics.js';
import { probeSources, readErrorsBySource } from '../dist/src/probe/source-status.js';

const [root, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const cpuMs = (f) => { const c = process.cpuUsage(); const r = f(); const d = process.cpuUsage(c); return [r, (d.user + d.system) / 1000]; };

async function measure(cycle) {
  await cycle.run(); await cycle.run(); // warm up the JIT (and the daemon's caches, when on)
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let len = 0;
  for (let i = 0; i < runs; i++) len = (await cycle.run()).exposition.text.length;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / runs, wallMs: (performance.now() - t0) / runs, len };
}

/** The same steps as ProbeCycle, timed one by one (the daemon's steady state: static values cached). */
async function phases() {
  const host = openHost(root);
  const options = { staticCache: new Map(), acpiCache: { scan: null } };
  const sums = { readSysfs: 0, commands: 0, view: 0, diagnose: 0, render: 0 };
  for (let i = 0; i < runs + 2; i++) {
    const c0 = process.cpuUsage();
    const s = await probeHost(host, options);
    const probeMs = ((d) => (d.user + d.system) / 1000)(process.cpuUsage(c0));
    const [view, viewMs] = cpuMs(() => buildView(s));
    const [report, diagMs] = cpuMs(() => { countersFromView(view, 0); return diagnose(s, view); });
    const [, renderMs] = cpuMs(() => buildMetrics({ report, view, stuck: detectStuck([]), sources: probeSources(s), readErrors: readErrorsBySource(s), probeTimestampSeconds: 0, probesTotal: 1, probesSkipped: 0 }).toText());
    if (i < 2) continue;
    const commandsShare = (s.durationsMs.commands ?? 0) / (s.durationsMs.total || 1);
    sums.readSysfs += probeMs * (1 - commandsShare);
    sums.commands += probeMs * commandsShare;
    sums.view += viewMs;
    sums.diagnose += diagMs;
    sums.render += renderMs;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / runs]));
}

// Cold: every file read, as `check` does (and the daemon's first run, and every 40th).
const cold = await measure(new ProbeCycle(openHost(root)));
// Steady: the daemon's runs, with static values cached across runs.
const steady = await measure(new ProbeCycle(openHost(root), { reuseStaticValues: true }));
console.log(JSON.stringify({ cpuMsPerProbe: steady.cpuMs, wallMsPerProbe: steady.wallMs, coldCpuMsPerProbe: cold.cpuMs, expositionBytes: steady.len, phasesCpuMs: await phases() }));
