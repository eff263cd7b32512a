import fs from 'node:fs';
import path from 'node:path';
import type { BootResult, Scenario } from './boot.js';
import type { ReleaseImage } from './image.js';

/** Provenance of a saved capture: written from the very boot that produced it. */
export function writeFixtureReadme(dir: string, img: ReleaseImage, sc: Scenario, step: string, res: BootResult): void {
  const rel = img.release;
  const steps = sc.steps ? [...sc.steps] : [sc.name];
  const qemu = res.qemuCommand
    .replace(/[^\s,']*\/xen\/boot\//, 'XEN_DIR/').replace(/[^\s,']*\/vmlinuz/, 'VMLINUZ').replace(/[^\s,']*\/dom0\.cpio/, 'DOM0.cpio')
    .replace(/file:\S*console\.log/, 'file:console.log').replace(/file=\S*\/(ssdt-[^/ ]+\.aml)/, 'file=$1');
  const text = `# ${path.basename(dir)}

**A real capture.** Written by \`xen-pm-exporter capture\` running inside a real Debian ${rel.debian} (${rel.suite})
Xen ${rel.xen} hypervisor with that release's Linux ${img.kernelVersion} PV dom0, booted under QEMU (TCG) by the real-Xen
suite (\`npm run test:xen\`, boot \`${sc.name}\`${steps.length > 1 ? `, situation \`${step}\` of ${steps.map((s) => `\`${s}\``).join(' → ')} (one boot, one daemon)` : ''}; harness in test/xen).
Nothing in it was edited.

## Scenario
${describe(sc, step)}

## Packages (Debian ${rel.suite}, fetched with \`apt-get download\`, unpacked with \`dpkg-deb -x\`)
\`\`\`
${img.versions.trim()}
\`\`\`

## Boot
- Xen command line: \`${res.xenCommandLine}\`
- dom0 command line: \`${res.dom0CommandLine}\`
- QEMU: \`${qemu}\`

The P-state numbers are whatever the test SSDT (test/xen/harness/ssdt-pstates.asl) says and "current frequency" is
Xen's bookkeeping: this proves formats, code paths and diagnosis on the real software stack, not hardware behaviour.
`;
  fs.writeFileSync(path.join(dir, 'README.md'), text);
}

function describe(sc: Scenario, step: string): string {
  const parts: string[] = [];
  parts.push(sc.ppc === null ? 'Stock QEMU ACPI tables (no _PSS).' : `An extra SSDT gives each of the ${sc.smp?.cpus ?? 2} processor objects _PCT (SystemIO)/_PSS (2401/2400/1800/1200 MHz)/_PSD/_PPC=${sc.ppc}.`);
  parts.push(sc.intel ? 'CPU model qemu64 with vendor GenuineIntel (Xen\'s acpi-cpufreq needs an Intel vendor).' : 'CPU model qemu64 (AMD-flavoured).');
  if (sc.smp) parts.push(`${sc.smp.cpus} CPUs, ${sc.smp.threads} threads per core; Xen booted with smt=0, so the odd CPUs are parked.`);
  if (sc.dom0?.length) parts.push(`dom0 kernel command line adds \`${sc.dom0.join(' ')}\`.`);
  if (sc.load) parts.push(`The daemon probes every ${sc.interval} with a ${sc.window} stuck window.`);
  const stepText: Record<string, string> = {
    'module-blacklisted': 'Captured with xen-acpi-processor not loaded: blacklisted, and loaded at boot with `modprobe -b` (what systemd-modules-load does).',
    'module-off': 'Captured after `modprobe xen-acpi-processor off=1` by hand: the module is loaded and uploads nothing.',
    'late-module-load': `Captured after ${sc.steps?.includes('module-off') ? '`modprobe -r xen-acpi-processor` and ' : ''}a plain \`modprobe xen-acpi-processor\` by hand (the command-line blacklist does not stop a by-name modprobe).`,
    'pstates-uploaded': sc.load ? 'Captured after the first probe, before any load.' : '',
    'governor-performance': 'Captured with the governor from the command line (performance).',
    'governor-powersave': 'Captured after `xenpm set-scaling-governor powersave`.',
    'governor-userspace-lowest': `Captured after \`xenpm set-scaling-governor userspace\` and \`xenpm set-scaling-speed ${sc.speed}\`.`,
    'free-under-load': `Captured right after both dom0 vCPUs were CPU-bound for ${sc.load} s, nothing pinned.`,
    'pinned-under-load': `Captured right after \`xenpm set-scaling-maxfreq ${sc.pin}\` and ${sc.load} s more of the same load.`,
  };
  if (stepText[step]) parts.push(stepText[step]!);
  return parts.join(' ');
}
