// npm run bench: xen-pm-exporter against Debian's prometheus-node-exporter (cpufreq collector only) on
// generated 64/256/512/1024-CPU sysfs fixtures, in the same run. Writes bench/out/results.json (every number,
// machine-readable), bench/out/report.md and bench/out/cost.svg. node_exporter comes from the private
// tool cache (scripts/ensure-test-tools.sh): unpacked, never installed, so no service is enabled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { generateFixture } from './generate-fixture.mjs';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.join(REPO, 'bench/out');
const SIZES = (process.env.BENCH_SIZES ?? '64,256,512,1024').split(',').map(Number);
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 2000);
const TOOLS_BIN = execFileSync('bash', [path.join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const NE = path.join(TOOLS_BIN, 'prometheus-node-exporter');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function freePort() { return 20000 + Math.floor(Math.random() * 20000); }
async function waitUp(url) {
  for (let i = 0; i < 300; i++) { try { const r = await fetch(url); if (r.status === 200) return; } catch { /* not yet */ } await sleep(50); }
  throw new Error(`${url} never answered`);
}
function procStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const tick = 100; // USER_HZ
  return { rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024, cpuMs: ((Number(stat[11]) + Number(stat[12])) / tick) * 1000 };
}
function load(url, count, gzip) {
  return JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'bench/load.mjs'), url, String(count), '32', gzip ? 'gzip' : ''], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

async function measure(name, argv, url, count) {
  const proc = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  try {
    await waitUp(url);
    await sleep(500);
    load(url, 20, true); // warm-up
    const before = procStats(proc.pid);
    const l = load(url, count, true);
    const after = procStats(proc.pid);
    return { name, ...l, rssMb: after.rssMb, cpuMsPerScrape: (after.cpuMs - before.cpuMs) / l.requests };
  } finally {
    proc.kill('SIGTERM');
    await sleep(200);
  }
}

execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
fs.mkdirSync(OUT, { recursive: true });
const rows = [];
for (const n of SIZES) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `xpm-bench-${n}-`));
  generateFixture(n, root);
  const probe = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'bench/probe-cost.mjs'), root, '10'], { encoding: 'utf8' }));
  const p1 = freePort();
  const ours = await measure('xen-pm-exporter', [process.execPath, path.join(REPO, 'dist/src/main.js'), 'serve', '--root', root, '--probe.interval', '1s', '--web.listen-address', `127.0.0.1:${p1}`, '--log.level', 'error'], `http://127.0.0.1:${p1}/metrics`, SCRAPES);
  const p2 = freePort();
  const ne = await measure('node_exporter', [NE, '--collector.disable-defaults', '--collector.cpufreq', `--path.sysfs=${path.join(root, 'sys')}`, `--path.procfs=${path.join(root, 'proc')}`, `--web.listen-address=127.0.0.1:${p2}`, '--log.level=error'], `http://127.0.0.1:${p2}/metrics`, Math.max(50, Math.round(SCRAPES / 20)));
  rows.push({ n, probe, ours, ne });
  console.log(`${n} CPUs: probe ${probe.cpuMsPerProbe.toFixed(1)} ms CPU; ours ${ours.rps.toFixed(0)} scrapes/s p99 ${ours.p99.toFixed(1)} ms RSS ${ours.rssMb.toFixed(0)} MB; node_exporter ${ne.rps.toFixed(1)} scrapes/s p99 ${ne.p99.toFixed(0)} ms RSS ${ne.rssMb.toFixed(0)} MB; errors ${ours.errors}/${ne.errors}`);
  fs.rmSync(root, { recursive: true, force: true });
}

// Report
const at = rows.find((r) => r.n === 512) ?? rows[rows.length - 1];
const ratio = at.ours.rps / at.ne.rps;
const linear = (get) => {
  const a = rows[0], b = rows[rows.length - 1];
  return (get(b) / get(a)) / (b.n / a.n);
};
const probeRatio = at.probe.cpuMsPerProbe / at.ne.cpuMsPerScrape;
const targets = [
  ['a full probe at 512 CPUs (steady state; read + parse + diagnose + render) costs no more CPU than one node_exporter cpufreq scrape of the same tree', probeRatio <= 1, `${at.probe.cpuMsPerProbe.toFixed(1)} ms against ${at.ne.cpuMsPerScrape.toFixed(1)} ms (${probeRatio.toFixed(2)}×; cold: ${at.probe.coldCpuMsPerProbe.toFixed(1)} ms)`],
  ['RSS ≤ 100 MB at 512 CPUs', at.ours.rssMb <= 100, `${at.ours.rssMb.toFixed(0)} MB`],
  ['scrape p99 ≤ 5 ms at 512 CPUs while probes run every second', at.ours.p99 <= 5, `${at.ours.p99.toFixed(2)} ms`],
  ['scrape throughput ≥ 20× node_exporter at 512 CPUs', ratio >= 20, `${ratio.toFixed(1)}×`],
  ['probe cost linear in CPUs (growth per CPU, last/first size; 1.0 = linear)', linear((r) => r.probe.cpuMsPerProbe) <= 1.3, linear((r) => r.probe.cpuMsPerProbe).toFixed(2)],
  ['zero scrape errors', rows.every((r) => r.ours.errors === 0), `${rows.reduce((a, r) => a + r.ours.errors, 0)} errors`],
];
const md = [
  '# xen-pm-exporter benchmark', '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}. Fixtures: generated sysfs with 16 P-states (time_in_state, trans_table) and 4 cpuidle states per CPU. Load: ${SCRAPES} scrapes (node_exporter: ${Math.max(50, Math.round(SCRAPES / 20))}) at concurrency 32 with gzip, like Prometheus. Both measured in the same run.`, '',
  '| CPUs | probe CPU ms (steady) | probe CPU ms (cold) | probe wall ms | exposition KB | ours scrapes/s | ours p50/p99 ms | ours RSS MB | ours CPU ms/scrape | node_exporter scrapes/s | ne p50/p99 ms | ne RSS MB | ne CPU ms/scrape | throughput ratio |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.n} | ${r.probe.cpuMsPerProbe.toFixed(1)} | ${r.probe.coldCpuMsPerProbe.toFixed(1)} | ${r.probe.wallMsPerProbe.toFixed(1)} | ${(r.probe.expositionBytes / 1024).toFixed(0)} | ${r.ours.rps.toFixed(0)} | ${r.ours.p50.toFixed(1)}/${r.ours.p99.toFixed(1)} | ${r.ours.rssMb.toFixed(0)} | ${r.ours.cpuMsPerScrape.toFixed(2)} | ${r.ne.rps.toFixed(1)} | ${r.ne.p50.toFixed(0)}/${r.ne.p99.toFixed(0)} | ${r.ne.rssMb.toFixed(0)} | ${r.ne.cpuMsPerScrape.toFixed(1)} | ${(r.ours.rps / r.ne.rps).toFixed(1)}× |`),
  '', '## Targets', '', '| target | met | measured |', '|---|---|---|',
  ...targets.map(([t, ok, v]) => `| ${t} | ${ok ? 'yes' : '**no**'} | ${v} |`),
  '', `Where a steady 512-CPU probe's CPU goes (ms): ${Object.entries(at.probe.phasesCpuMs).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}.`,
  '', 'node_exporter reads sysfs on every scrape; xen-pm-exporter reads it once per probe and serves the rendered, pre-compressed exposition, so its scrape cost does not grow with scrapes. Its probe cost is what grows with CPUs.', '',
  '![cost against CPUs](cost.svg)', '',
];
fs.writeFileSync(path.join(OUT, 'report.md'), md.join('\n'));
fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? null, node: process.version, loadavg: os.loadavg() },
  scrapes: SCRAPES,
  sizes: rows.map((r) => ({ cpus: r.n, probe: r.probe, xenPmExporter: r.ours, nodeExporter: r.ne, probeCpuRatioToNodeExporterScrape: r.probe.cpuMsPerProbe / r.ne.cpuMsPerScrape, throughputRatio: r.ours.rps / r.ne.rps })),
  targets: targets.map(([target, met, measured]) => ({ target, met, measured })),
}, null, 2) + '\n');
// SVG: probe CPU ms (ours) and CPU ms per scrape (node_exporter) against CPUs.
const W = 640, H = 360, L = 60, B = 40;
const maxX = Math.max(...rows.map((r) => r.n));
const maxY = Math.max(...rows.flatMap((r) => [r.probe.cpuMsPerProbe, r.ne.cpuMsPerScrape])) * 1.1;
const X = (n) => L + (n / maxX) * (W - L - 20);
const Y = (v) => H - B - (v / maxY) * (H - B - 20);
const line = (get, color, label, i) => `<polyline fill="none" stroke="${color}" stroke-width="2" points="${rows.map((r) => `${X(r.n).toFixed(1)},${Y(get(r)).toFixed(1)}`).join(' ')}"/>` +
  rows.map((r) => `<circle cx="${X(r.n).toFixed(1)}" cy="${Y(get(r)).toFixed(1)}" r="3" fill="${color}"/>`).join('') +
  `<text x="${L + 10}" y="${20 + i * 16}" fill="${color}" font-size="12">${label}</text>`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<line x1="${L}" y1="${H - B}" x2="${W - 20}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="20" x2="${L}" y2="${H - B}" stroke="black"/>
${rows.map((r) => `<text x="${X(r.n)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${r.n}</text>`).join('')}
<text x="${(W + L) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">CPUs</text>
<text x="14" y="${H / 2}" font-size="12" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">CPU ms</text>
${[0.25, 0.5, 0.75, 1].map((f) => `<text x="${L - 6}" y="${Y(maxY * f) + 4}" font-size="10" text-anchor="end">${(maxY * f).toFixed(0)}</text>`).join('')}
${line((r) => r.probe.cpuMsPerProbe, '#1f77b4', 'xen-pm-exporter: CPU ms per probe (once per interval)', 0)}
${line((r) => r.ne.cpuMsPerScrape, '#d62728', 'node_exporter (cpufreq only): CPU ms per scrape', 1)}
${line((r) => r.ours.cpuMsPerScrape, '#2ca02c', 'xen-pm-exporter: CPU ms per scrape', 2)}
</svg>`;
fs.writeFileSync(path.join(OUT, 'cost.svg'), svg);
console.log(`\n${md.join('\n')}\nwrote ${path.relative(REPO, OUT)}/results.json, report.md and cost.svg`);
