// A small HTTP load generator: `concurrency` keep-alive loops GET `url` until `count` requests are done.
// Prints JSON {requests, errors, seconds, rps, p50, p99, bytes}. Runs as its own process so that it does
// not share an event loop with what it measures.
import http from 'node:http';

const [url, countArg, concArg, gzipArg] = process.argv.slice(2);
const count = Number(countArg ?? 1000);
const concurrency = Number(concArg ?? 32);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = gzipArg === 'gzip' ? { 'accept-encoding': 'gzip' } : {};
const lat = [];
let started = 0;
let errors = 0;
let bytes = 0;
const one = () => new Promise((resolve) => {
  const t = performance.now();
  const req = http.get(url, { agent, headers }, (res) => {
    res.on('data', (c) => { bytes += c.length; });
    res.on('end', () => { if (res.statusCode !== 200) errors++; lat.push(performance.now() - t); resolve(); });
  });
  req.on('error', () => { errors++; lat.push(performance.now() - t); resolve(); });
});
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => { while (started < count) { started++; await one(); } }));
const seconds = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
console.log(JSON.stringify({ requests: lat.length, errors, seconds, rps: lat.length / seconds, p50: q(0.5), p99: q(0.99), bytes }));
agent.destroy();
