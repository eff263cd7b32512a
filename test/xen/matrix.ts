import fs from 'node:fs';
import path from 'node:path';
import { CACHE } from './image.js';
import { SCENARIOS, situationsOf } from './scenarios.js';

/** One cell of the release × scenario table: what the daemon said, as measured. */
export interface Cell {
  suite: string;
  xen: string;
  scenario: string;
  /** `status FINDING,FINDING` per step, e.g. `critical XEN_PSTATE_HANDOFF_MISSING,...`. */
  verdict: string;
  passed: boolean;
  /** First line of the failure, when the cell failed. */
  error?: string;
  seconds: number;
  /** The boot (scenario) the situation was shown in; with `suite`, it names one QEMU run. */
  boot: string;
  /** init.sh's progress lines (dom0 uptime), for the summary's timings; none when the boot never ran. */
  timeline?: string[];
}

const DIR = path.join(CACHE, 'run', 'matrix');

export function clearMatrix(): void {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
}

/** Tests run in worker processes; each cell is a file the main process collects at the end. */
export function recordCell(cell: Cell): void {
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(path.join(DIR, `${cell.suite}--${cell.scenario}.json`), JSON.stringify(cell));
}

export function readMatrix(): Cell[] {
  if (!fs.existsSync(DIR)) return [];
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Cell);
}

/** Markdown table: one row per scenario, one column per release (the same table README shows). */
export function formatMatrix(cells: Cell[]): string {
  const releases = [...new Map(cells.map((c) => [c.suite, c.xen])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  // Rows in the order the scenarios define their situations.
  const order = Object.values(SCENARIOS).flatMap((sc) => situationsOf(sc));
  const scenarios = [...new Set(cells.map((c) => c.scenario))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const head = `| situation | ${releases.map(([s, x]) => `Xen ${x} (${s})`).join(' | ')} |`;
  const sep = `|---|${releases.map(() => '---').join('|')}|`;
  const rows = scenarios.map((sc) => `| ${sc} | ${releases.map(([s]) => {
    const c = cells.find((x) => x.suite === s && x.scenario === sc);
    return c ? `${c.passed ? 'pass' : '**FAIL**'}: ${c.verdict}` : '—';
  }).join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}

export function printMatrix(started: number): void {
  const cells = readMatrix();
  const total = ((Date.now() - started) / 1000).toFixed(0);
  // One cell per boot stands for it: its QEMU seconds, and where its time went (dom0 uptime at each step inside).
  const boots = [...new Map(cells.map((c) => [`${c.suite} ${c.boot}`, c])).values()];
  const qemu = boots.reduce((s, c) => s + c.seconds, 0).toFixed(0);
  const failures = cells.filter((c) => c.error).map((c) => `- ${c.suite} ${c.scenario}: ${c.error}`);
  const timings = boots.filter((c) => c.timeline).map((c) => `- ${c.suite} ${c.boot} (${c.seconds.toFixed(0)} s): ${c.timeline!.join(' | ')}`);
  process.stdout.write(`\nReal-Xen matrix (${cells.length} situations in ${boots.length} boots, ${qemu} s of QEMU, ${total} s wall):\n${formatMatrix(cells)}\n${failures.length ? `\nFailures:\n${failures.join('\n')}\n` : ''}${timings.length ? `\nBoot timelines (dom0 uptime):\n${timings.join('\n')}\n` : ''}\n`);
}
