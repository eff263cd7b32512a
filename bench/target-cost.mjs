// What one fleet target costs the exporter per collection, without the transport: decoding the collector's
// stream, then a ProbeCycle on it (probe → history → stuck → diagnosis → exposition), and what a cycle keeps
// between runs. The dom0 is scripts/generate-xen-dom0-fixture.mjs (N physical CPUs, a PV dom0 of min(N,16)
// vCPUs); its stream is what collector/xen-pm-collect prints for it under dash, with fake xenpm/xl/dmesg that
// replay the capture's commands/ (as test/remote/collector-harness.ts does).
// Two configurations: reuseStaticValues=false with a fresh StreamHost per collection and the capture dropped
// after the run (what src/fleet/target-runtime.ts does: the one that matters), and reuseStaticValues=true on
// one StreamHost (the daemon's own cycle).
// CPU is process.cpuUsage() (user+system) around each step, the median of RUNS runs after a warm-up.
// Retained memory: CYCLES ProbeCycles are each run HISTORY times (history full), then held; heap (JS heap + external,
// where typed arrays keep their bytes) and RSS are measured after gc before and after, and divided by the number of cycles (fewer past 64 CPUs: cyclesFor()). Needs --expose-gc (the npm script passes it)
// and a build (npm run build).
// servedResultKiB: what a fleet target keeps of its last run besides the cycle (report + exposition text).
// Usage: node --expose-gc bench/target-cost.mjs [SIZES=16,64,256] [RUNS=25] [CYCLES=200] [HISTORY=30]
// Writes bench/out/target-cost.json and prints it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generateXenDom0Fixture } from '../scripts/generate-xen-dom0-fixture.mjs';
import { collectorStream } from '../scripts/collector-stream.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (m) => import(path.join(REPO, 'dist/src', m));
const { decodeStream } = await dist('remote/stream-decoder.js');
const { StreamHost } = await dist('remote/stream-host.js');
const { ProbeCycle } = await dist('cycle/probe-cycle.js');
const { probeHost } = await dist('probe/probe-host.js');
const { buildView } = await dist('diagnosis/frequency-view.js');
const { diagnose } = await dist('diagnosis/diagnose.js');
const { countersFromView } = await dist('diagnosis/residency-history.js');
const { detectStuck } = await dist('diagnosis/stuck.js');
const { probeSources, readErrorsBySource } = await dist('probe/source-status.js');
const { Exposition } = await dist('cycle/exposition.js');

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc (npm run bench:target does)');
  process.exit(64);
}
const SIZES = (process.argv[2] ?? '16,64,256').split(',').map(Number);
const RUNS = Number(process.argv[3] ?? 25);
const CYCLES = Number(process.argv[4] ?? 200);
const HISTORY = Number(process.argv[5] ?? 30);
const WARMUP = 5;
/** Past 64 CPUs fewer cycles are held (a quarter per doubling, at least 25): 200 × 30 runs at 256 CPUs take minutes. */
const cyclesFor = (n) => (n <= 64 ? CYCLES : Math.max(25, Math.round(CYCLES * (64 / n) ** 2)));
const WINDOW_MS = 5 * 60_000;
const INTERVAL_MS = 60_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const cpuMs = (c0) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };

function decodeOk(stream) {
  const d = decodeStream(stream);
  if (!d.ok) throw new Error(`stream refused: ${d.reason} (line ${d.line})`);
  return d.capture;
}

/**
 * A host whose capture is swapped per collection, as src/remote/remote-host.ts does: refresh() puts a new
 * StreamHost in, forget() an empty one, and one ProbeCycle lives across collections.
 */
class SwapHost {
  live = false;
  path = 'bench';
  current = new StreamHost('bench', null);
  get problems() { return this.current.problems; }
  get meta() { return this.current.meta; }
  readText(rel) { return this.current.readText(rel); }
  readBytes(rel, max) { return this.current.readBytes(rel, max); }
  list(rel) { return this.current.list(rel); }
  exists(rel) { return this.current.exists(rel); }
  commandEnabled(name) { return this.current.commandEnabled(name); }
  runCommand(name) { return this.current.runCommand(name); }
}

/** Per-phase CPU of one collection, the same steps ProbeCycle.doRun takes, on a cycle-like history. */
async function phases(stream, runs, reuse) {
  const out = { decode: [], host: [], probe: [], diagnose: [], render: [], cycle: [] };
  const acpiCache = { scan: null };
  const staticCache = new Map();
  let history = [];
  let text = '';
  const fixedHost = new StreamHost('bench', decodeOk(stream));
  for (let i = 0; i < runs + WARMUP; i++) {
    const keep = i >= WARMUP;
    let c = process.cpuUsage();
    const capture = decodeOk(stream);
    if (keep) out.decode.push(cpuMs(c));
    c = process.cpuUsage();
    const host = reuse ? fixedHost : new StreamHost('bench', capture);
    if (keep) out.host.push(cpuMs(c));
    c = process.cpuUsage();
    const snapshot = await probeHost(host, reuse ? { acpiCache, staticCache } : {});
    if (keep) out.probe.push(cpuMs(c));
    c = process.cpuUsage();
    const view = buildView(snapshot);
    history.push(countersFromView(view, i * INTERVAL_MS));
    if (history.length > 8) history = history.slice(-8);
    const stuck = detectStuck(history);
    const report = diagnose(snapshot, view, stuck.finding ? [stuck.finding] : []);
    if (keep) out.diagnose.push(cpuMs(c));
    c = process.cpuUsage();
    const e = Exposition.render({ report, view, stuck, sources: probeSources(snapshot), readErrors: readErrorsBySource(snapshot),
      probeTimestampSeconds: 0, probesTotal: i + 1, probesSkipped: 0 });
    text = e.text;
    if (keep) out.render.push(cpuMs(c));
  }
  // The whole cycle, as src/fleet/target-runtime.ts drives it (decode, the capture in for the run and out
  // after it) or as the daemon's own cycle does (one host, static values reused); GC included.
  let t = 0;
  const clock = () => t;
  const swap = new SwapHost();
  const cycle = new ProbeCycle(reuse ? fixedHost : swap, { reuseStaticValues: reuse, clock });
  for (let i = 0; i < runs + WARMUP; i++) {
    const c = process.cpuUsage();
    if (!reuse) swap.current = new StreamHost('bench', decodeOk(stream));
    await cycle.run();
    if (!reuse) swap.current = new StreamHost('bench', null);
    if (i >= WARMUP) out.cycle.push(cpuMs(c));
    t += INTERVAL_MS;
  }
  const med = Object.fromEntries(Object.entries(out).map(([k, v]) => [`${k}Ms`, round(median(v))]));
  return { ...med, probeDiagnoseRenderMs: round(med.probeMs + med.diagnoseMs + med.renderMs), text };
}

/**
 * Memory a cycle keeps between runs. A cycle over a host whose capture the caller swaps per collection
 * (the fleet's RemoteHost) keeps only its own history and caches once the host forgets the capture.
 */
async function retained(stream, reuse, count) {
  const capture = decodeOk(stream);
  const cycles = [];
  const served = [];
  // Typed arrays over 64 bytes keep their bytes outside the JS heap: heapUsed + external counts them.
  const measure = () => { globalThis.gc(); globalThis.gc(); const m = process.memoryUsage(); return { heap: m.heapUsed + m.external, rss: m.rss }; };
  const before = measure();
  for (let k = 0; k < count; k++) {
    let t = 0;
    // The capture is there during the run and gone after it, as RemoteHost.forget() does.
    const swap = new SwapHost();
    const cycle = new ProbeCycle(swap, { reuseStaticValues: reuse, clock: () => t, stuck: { windowMs: WINDOW_MS } });
    let result = null;
    for (let i = 0; i < HISTORY; i++) {
      swap.current = new StreamHost('bench', capture);
      result = await cycle.run();
      t += INTERVAL_MS / 4;
    }
    swap.current = new StreamHost('bench', null);
    // What src/fleet/target-runtime.ts keeps of the last run besides the cycle: the report and the text
    // (flattened, as the first scrape leaves it).
    const text = `${result.exposition.text}\n`;
    text.charCodeAt(0);
    served.push({ report: result.report, text });
    cycles.push(cycle);
  }
  const held = measure();
  served.length = 0;
  const after = measure();
  const historySize = cycles[0].historySize;
  cycles.length = 0;
  return { cycles: count, heapKiBPerCycle: round((after.heap - before.heap) / 1024 / count, 1), rssKiBPerCycle: round((after.rss - before.rss) / 1024 / count, 1), historySamples: historySize,
    servedResultKiB: round((held.heap - after.heap) / 1024 / count, 1) };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xpm-target-cost-'));
const results = { node: process.version, load: os.loadavg().map((l) => round(l, 1)), runs: RUNS, cycles: CYCLES, historyRuns: HISTORY, sizes: [] };
try {
  for (const n of SIZES) {
    const root = path.join(tmp, `dom0-${n}`);
    const { vcpus } = generateXenDom0Fixture(n, root);
    const stream = collectorStream(root, path.join(tmp, `tools-${n}`));
    const capture = decodeOk(stream);
    const row = { cpus: n, dom0Vcpus: vcpus, streamBytes: stream.length, streamGzipBytes: gzipSync(stream).length, entries: capture.entries };
    for (const reuse of [false, true]) {
      await phases(stream, 10, reuse); // warm-up: the first runs pay for the JIT
      const p = await phases(stream, RUNS, reuse);
      const key = reuse ? 'reuseStaticValues' : 'fleet';
      row[key] = { ...Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'text')), retained: await retained(stream, reuse, cyclesFor(n)) };
      row.expositionBytes = Buffer.byteLength(p.text);
      row.expositionGzipBytes = gzipSync(p.text, { level: 6 }).length;
    }
    results.sizes.push(row);
    process.stderr.write(`N=${n} done\n`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
fs.mkdirSync(path.join(REPO, 'bench/out'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'bench/out/target-cost.json'), JSON.stringify(results, null, 2) + '\n');
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
