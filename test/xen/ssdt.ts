import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * Compiles the P-state SSDT for `cpus` processor objects and a _PPC value. The ASL holds one
 * processor's block between XPM-CPU markers; it is repeated per object because ACPICA refuses a
 * table that scopes into an object QEMU's DSDT does not have.
 */
export function buildSsdt(template: string, outDir: string, cpus: number, ppc: number): string {
  const m = /^([\s\S]*?)[ \t]*\/\/ XPM-CPU-BEGIN\n([\s\S]*?)[ \t]*\/\/ XPM-CPU-END\n([\s\S]*)$/.exec(template);
  if (!m) throw new Error('ssdt-pstates.asl: XPM-CPU-BEGIN/END markers missing');
  const [, head, block, tail] = m as unknown as [string, string, string, string];
  // QEMU names its processor objects C%03X.
  const body = Array.from({ length: cpus }, (_, i) => block.replace(/CNNN/g, `C${i.toString(16).toUpperCase().padStart(3, '0')}`).replace(/DOMAIN/g, `0x${i.toString(16).padStart(2, '0')}`)).join('');
  const base = path.join(outDir, `ssdt-${cpus}cpu-ppc${ppc}`);
  fs.writeFileSync(`${base}.asl`, (head + body + tail).replace(/PPC_VALUE/g, String(ppc)));
  execFileSync('iasl', ['-p', base, `${base}.asl`], { stdio: 'pipe' });
  return `${base}.aml`;
}
