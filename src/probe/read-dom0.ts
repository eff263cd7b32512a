import type { Recorder } from './recorder.js';
import type { XenDom0Signals } from './snapshot.js';
import { parseFlag, parseWord } from './parse-sysfs-values.js';

const SRC = 'xen-dom0';
const MODULE = 'sys/module/xen_acpi_processor';
const NAMES = /^(?:xen[-_]acpi[-_]processor)$/;

/** Pure: kernel command-line tokens that blacklist xen_acpi_processor. */
export function blacklistTokens(cmdline: string | null): string[] {
  if (!cmdline) return [];
  return cmdline.split(/\s+/).filter((tok) => {
    const m = /^(?:modprobe\.blacklist|module_blacklist)=(.*)$/.exec(tok);
    return m ? m[1]!.split(',').some((n) => NAMES.test(n)) : false;
  });
}

/** Pure: the `xen_acpi_processor` line of /proc/modules, if loaded as a module. */
function findProcModulesLine(text: string): string | null {
  for (const line of text.split('\n')) if (/^xen_acpi_processor\s/.test(line)) return line.trim();
  return null;
}

export function readDom0(rec: Recorder, kernelCmdline: string | null): XenDom0Signals {
  // No sys/module at all (a capture of one command) says nothing; an existing sys/module without it does.
  const inSysfs = rec.host.exists(MODULE) ? true : rec.host.exists('sys/module') ? false : null;
  const procModules = rec.text('proc/modules', SRC);
  const xenCpuEntries = rec.host.exists('sys/devices/system/xen_cpu') ? rec.list('sys/devices/system/xen_cpu', SRC) : null;
  let physicalCpus: XenDom0Signals['physicalCpus'] = null;
  if (xenCpuEntries) {
    physicalCpus = [];
    for (const e of xenCpuEntries) {
      const m = /^xen_cpu(\d+)$/.exec(e);
      if (!m) continue;
      const cpu = Number(m[1]);
      // xen_cpu0 hides its `online` attribute: the boot CPU cannot go offline.
      const online = rec.value(`sys/devices/system/xen_cpu/${e}/online`, SRC, parseFlag);
      physicalCpus.push({ cpu, online: online ?? (cpu === 0 ? true : null) });
    }
    physicalCpus.sort((a, b) => a.cpu - b.cpu);
  }
  return {
    moduleInSysfs: inSysfs,
    moduleInitstate: inSysfs ? rec.value(`${MODULE}/initstate`, SRC, parseWord) : null,
    moduleOff: inSysfs ? rec.value(`${MODULE}/parameters/off`, SRC, parseFlag) : null,
    procModulesLine: procModules === null ? null : findProcModulesLine(procModules),
    blacklistTokens: blacklistTokens(kernelCmdline),
    physicalCpus,
  };
}
