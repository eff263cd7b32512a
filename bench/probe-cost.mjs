// CPU cost of one full probe cycle (read + parse + diagnose + render the exposition), in-process, on a root.
import { openHost } from '../dist/src/probe/open-host.js';
import { ProbeCycle } from '../dist/src/cycle/probe-cycle.js';

const [root, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
async function measure(cycle) {
  await cycle.run(); await cycle.run(); // warm up the JIT (and the daemon's caches, when on)
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let len = 0;
  for (let i = 0; i < runs; i++) len = (await cycle.run()).exposition.text.length;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / runs, wallMs: (performance.now() - t0) / runs, len };
}
// Cold: every file read, as `check` does (and the daemon's first run, and every 40th).
const cold = await measure(new ProbeCycle(openHost(root)));
// Steady: the daemon's runs, with static values cached across runs.
const steady = await measure(new ProbeCycle(openHost(root), { reuseStaticValues: true }));
console.log(JSON.stringify({ cpuMsPerProbe: steady.cpuMs, wallMsPerProbe: steady.wallMs, coldCpuMsPerProbe: cold.cpuMs, expositionBytes: steady.len }));
