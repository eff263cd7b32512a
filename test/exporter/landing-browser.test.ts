import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { startSshWorld } from '../remote/ssh-world.js';
import { freePort } from '../net.js';
import { startFleet } from '../fleet/fleet-process.js';

/**
 * The landing page as a person sees it, in a real browser: Debian's chromium unpacked by
 * scripts/ensure-test-browser.sh (never downloaded by the driver, never installed), driven by playwright-core,
 * against the real daemon on fixtures of each status. It checks what is shown and its colour, that the page
 * loads nothing but itself, and that neither the console nor the CSP complained. Screenshots are kept.
 */
const CHROMIUM = process.env['XEN_PM_TEST_CHROMIUM'];
// The flags a CI box needs: no sandbox (root, containers), no GPU, and nothing that phones home.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Hue (degrees) and saturation (0..1) of a computed `rgb(r, g, b)` colour. */
function hsl(css: string): { hue: number; sat: number } {
  const m = /^rgba?\((\d+), (\d+), (\d+)/.exec(css);
  if (!m) throw new Error(`not a colour: ${css}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => Number(v) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const l = (max + min) / 2;
  const sat = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let hue = 0;
  if (d) hue = max === r ? 60 * (((g - b) / d) % 6) : max === g ? 60 * ((b - r) / d + 2) : 60 * ((r - g) / d + 4);
  return { hue: (hue + 360) % 360, sat };
}
const COLOUR = {
  red: (c: string) => { const { hue, sat } = hsl(c); return sat > 0.4 && (hue < 12 || hue > 348); },
  orange: (c: string) => { const { hue, sat } = hsl(c); return sat > 0.4 && hue >= 20 && hue <= 45; },
  green: (c: string) => { const { hue, sat } = hsl(c); return sat > 0.3 && hue >= 90 && hue <= 160; },
  grey: (c: string) => hsl(c).sat < 0.1,
};

const artefacts = path.join(REPO, 'test-artifacts');
const scratch = tmpDir('screens-');
let context: BrowserContext;
let profile = '';
const daemons: Daemon[] = [];

/** Processes whose command line names this run's browser profile: the browser and its helpers. */
function browserProcesses(): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile); } catch { return false; }
  }).map(Number);
}

beforeAll(async () => {
  expect(CHROMIUM, 'XEN_PM_TEST_CHROMIUM: run through vitest (test/global-setup.ts unpacks chromium)').toBeTruthy();
  fs.mkdirSync(artefacts, { recursive: true });
  // A fresh profile every run: nothing carried over between runs, removed with the scratch directory.
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, headless: true, args: FLAGS, timeout: 90_000, viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await Promise.all(daemons.map((d) => d.stop()));
  // The browser and every helper process it started are gone once the context is closed.
  if (profile) expect(browserProcesses()).toEqual([]);
});

/** Serves `root` with the real daemon, opens `/`, and reports what the browser saw and asked for. */
async function visit(root: string, shot: string) {
  const d = await startDaemon(['--root', root, '--probe.interval', '60s']);
  daemons.push(d);
  await waitHealthy(d);
  const report = await (await fetch(`${d.url}/health`)).json() as { verdict: string; status: string };
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Registered by the driver before the page's own content; CSP does not apply to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { cspViolations: string[] }).cspViolations ??= [];
      (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const res = await page.goto(`${d.url}/`, { waitUntil: 'load' });
  // Give a late favicon request or violation report the chance to show up.
  await page.waitForTimeout(300);
  const seen = {
    csp: res!.headers()['content-security-policy'] ?? '',
    banner: await page.$eval('#verdict', (el) => getComputedStyle(el).backgroundColor),
    verdict: (await page.textContent('#verdict h1'))!.trim(),
    scripts: await page.evaluate(() => document.scripts.length),
    violations: await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []),
    // The stylesheet applied: an unstyled page would show a transparent banner.
    styled: await page.$eval('body', (el) => getComputedStyle(el).margin === '0px'),
  };
  const file = path.join(scratch, `${shot}.png`);
  await page.screenshot({ path: file, fullPage: true });
  fs.copyFileSync(file, path.join(artefacts, `${shot}.png`));
  process.stdout.write(`landing page screenshot: ${file} (kept as ${path.join(artefacts, `${shot}.png`)})\n`);
  await page.close();
  await d.stop();
  return { url: `${d.url}/`, report, requests, problems, ...seen };
}

describe('the landing page in a real browser', () => {
  it('runs the unpacked chromium with the flags and a fresh profile', () => {
    const cmdlines = browserProcesses().map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    const main = cmdlines.find((c) => c.includes('--remote-debugging-pipe'));
    expect(main, 'the browser process').toBeDefined();
    expect(main![0]).toMatch(/\/xen-pm-exporter\/browser\/root\/usr\/lib\/chromium\/chromium$/);
    expect(FLAGS.filter((f) => !main!.includes(f))).toEqual([]);
    expect(main).toContain(`--user-data-dir=${profile}`);
  });

  it('critical (dom0 never handed its P-states to Xen): the verdict shown on a red banner, nothing else loaded', async () => {
    const v = await visit(path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor'), 'landing-critical');
    expect(v.report.status).toBe('critical');
    expect(v.verdict).toBe(v.report.verdict.replace(/`/g, ''));
    expect(v.verdict).toMatch(/^CRITICAL: Xen dom0 — XEN_PSTATE_HANDOFF_MISSING/);
    expect(COLOUR.red(v.banner), v.banner).toBe(true);
    expect(v.styled).toBe(true);
    expect(v.csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(v.scripts).toBe(0);
    expect(v.requests).toEqual([v.url]);
    expect(v.problems).toEqual([]);
    expect(v.violations).toEqual([]);
  });

  it('ok: green banner', async () => {
    const v = await visit(path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'), 'landing-ok');
    expect(v.report.status).toBe('ok');
    expect(COLOUR.green(v.banner), v.banner).toBe(true);
    expect(v.requests).toEqual([v.url]);
    expect([...v.problems, ...v.violations]).toEqual([]);
  });

  it('warning (a _PPC cap): orange banner', async () => {
    const v = await visit(path.join(FIXTURES, 'xen-dom0-ppc-capped'), 'landing-warning');
    expect(v.report.status).toBe('warning');
    expect(COLOUR.orange(v.banner), v.banner).toBe(true);
    expect(COLOUR.red(v.banner)).toBe(false);
    expect(v.requests).toEqual([v.url]);
    expect([...v.problems, ...v.violations]).toEqual([]);
  });

  it('a host name that is markup is shown as text: no element made of it, nothing fetched', async () => {
    const root = tmpDir('markup-');
    fs.cpSync(path.join(FIXTURES, 'kvm-guest-this-machine'), root, { recursive: true });
    const name = '<img src=/x onerror=alert(1)><style>*{display:none}</style>';
    fs.writeFileSync(path.join(root, 'capture.json'), JSON.stringify({ formatVersion: 1, hostname: name }));
    const d = await startDaemon(['--root', root, '--probe.interval', '60s']);
    daemons.push(d);
    await waitHealthy(d);
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${d.url}/`, { waitUntil: 'load' });
    expect(await page.textContent('#verdict b')).toBe(name);
    expect(await page.evaluate(() => document.querySelectorAll('img, main style').length)).toBe(0);
    expect(await page.$eval('#verdict', (el) => getComputedStyle(el).display)).toBe('block');
    expect(COLOUR.green(await page.$eval('#verdict', (el) => getComputedStyle(el).backgroundColor))).toBe(true);
    expect(requests).toEqual([`${d.url}/`]);
    await page.close();
    await d.stop();
  });

  it('the fleet page: each dom0 in the colour of its status, worst first, nothing else loaded', async () => {
    const w = await startSshWorld();
    const file = path.join(tmpDir('fleet-page-'), 'targets.yml');
    const dead = await freePort();
    const fx = ['qemu-xen-4.17-module-blacklisted', 'qemu-xen-4.17-pstates-uploaded', 'qemu-xen-4.17-ppc-capped'];
    fs.writeFileSync(file, `defaults: { known_hosts: ${w.knownHosts}, timeout: 10s }\ntargets:\n${[...fx.map((n) => `  - { name: ${n}, destination: "127.0.0.1:${w.sshd.port}", identity_file: ${w.keys[n]!.private} }`),
      `  - { name: dead, destination: "127.0.0.1:${dead}", identity_file: ${w.keys.refused!.private} }`].join('\n')}\n`);
    const fleet = await startFleet(file);
    try {
      for (const t of [...fx, 'dead']) expect((await fleet.get(`/probe?target=${t}`, { 'X-Prometheus-Scrape-Timeout-Seconds': '30' })).status).toBe(200);
      const page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
      const res = await page.goto(`${fleet.url}/`, { waitUntil: 'load' });
      expect(res!.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
      const colour = (t: string) => page.$eval(`#target-${t.replace(/\./g, '\\.')} td.st`, (el) => getComputedStyle(el).backgroundColor);
      expect(COLOUR.red(await colour(fx[0]!))).toBe(true);
      expect(COLOUR.green(await colour(fx[1]!))).toBe(true);
      expect(COLOUR.orange(await colour(fx[2]!))).toBe(true);
      expect(COLOUR.grey(await colour('dead'))).toBe(true);
      const order = await page.$$eval('table.fleet tbody tr', (rows) => rows.map((r) => r.id));
      expect(order).toEqual([`target-${fx[0]}`, 'target-dead', `target-${fx[2]}`, `target-${fx[1]}`]);
      expect(await page.textContent(`#target-dead`)).toMatch(/collection failed: connection refused/);
      const shot = path.join(scratch, 'fleet.png');
      await page.screenshot({ path: shot, fullPage: true });
      fs.copyFileSync(shot, path.join(artefacts, 'fleet.png'));
      process.stdout.write(`fleet page screenshot: ${shot} (kept as ${path.join(artefacts, 'fleet.png')})\n`);
      expect(requests).toEqual([`${fleet.url}/`]);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await fleet.stop();
      await w.sshd.stop();
    }
  }, 120_000);
});
