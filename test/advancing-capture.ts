import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, tmpDir } from './helpers.js';

/**
 * A capture whose xenpm counters advance like a live host's, for tests of everything computed
 * across probes. Text follows Xen's 4.2+ format strings: 4 P-states with a turbo entry, C0/C1
 * only (QEMU's "no _CST" shape). `mode` says where the time goes.
 */
export type LoadMode = 'pinned-busy' | 'pinned-idle' | 'free-busy';
const FREQS = [2401, 2400, 2000, 1200];

function statesText(res: number[]): string {
  let out = '';
  for (const cpu of [0, 1]) {
    out += `cpu id               : ${cpu}\ntotal P-states       : 4\nusable P-states      : 4\ncurrent frequency    : 1200 MHz\n`;
    res.forEach((r, i) => {
      out += `${(i === 3 ? `*P${i}` : `P${i}`).padEnd(11)}[${String(FREQS[i]).padStart(4)} MHz]: transition [${String(i === 3 ? 5 : 1).padStart(20)}]\n`;
      out += `                       residency  [${String(r).padStart(20)} ms]\n`;
    });
    out += '\n';
  }
  return out;
}

function idleText(c0: number, idle: number): string {
  let out = 'Max possible C-state: C1\n\n';
  for (const cpu of [0, 1]) {
    out += `cpu id               : ${cpu}\ntotal C-states       : 2\nidle time(ms)        : ${idle}\n`;
    out += `C0                   : transition [${'1'.padStart(20)}]\n                       residency  [${String(c0).padStart(20)} ms]\n`;
    out += `C1                   : transition [${'1'.padStart(20)}]\n                       residency  [${String(idle).padStart(20)} ms]\n\n`;
  }
  return out;
}

export function advancingCapture(mode: LoadMode): { dir: string; stop: () => void } {
  const dir = tmpDir('advancing-');
  fs.cpSync(path.join(FIXTURES, 'xen-dom0-ppc-capped'), dir, { recursive: true, verbatimSymlinks: true });
  fs.rmSync(path.join(dir, 'commands/xl-dmesg.stdout'));
  const cmd = (n: string) => path.join(dir, 'commands', `${n}.stdout`);
  const write = (n: string, text: string) => {
    fs.writeFileSync(`${cmd(n)}.tmp`, text);
    fs.renameSync(`${cmd(n)}.tmp`, cmd(n)); // atomic: a probe never reads half a file
  };
  const res = [0, 0, 0, 0];
  let c0 = 1000;
  let idle = 1000;
  const advance = () => {
    const busy = mode !== 'pinned-idle';
    res[mode === 'free-busy' ? 0 : 3]! += 500;
    c0 += busy ? 480 : 10;
    idle += busy ? 20 : 490;
    write('xenpm-get-cpufreq-states', statesText(res));
    write('xenpm-get-cpuidle-states', idleText(c0, idle));
  };
  advance();
  const timer = setInterval(advance, 250);
  return { dir, stop: () => clearInterval(timer) };
}
