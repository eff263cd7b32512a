import type { Scenario } from './boot.js';

/**
 * Every situation the matrix boots. Xen logs the P-state data it receives with cpufreq=xen:verbose.
 * The SSDT's lowest state is 1200 MHz (harness/ssdt-pstates.asl).
 */
const VERBOSE = 'cpufreq=xen:verbose';
const LOWEST_KHZ = 1_200_000;
const BLACKLIST = 'modprobe.blacklist=xen_acpi_processor';

export const SCENARIOS = {
  /** (a) Stock QEMU firmware: no _PSS anywhere. */
  'stock-firmware': { name: 'stock-firmware', intel: false, ppc: null, xen: VERBOSE, timeoutS: 480 },
  /** (b) P-state SSDT, xen-acpi-processor loaded at boot: the hand-off works. */
  'pstates-uploaded': { name: 'pstates-uploaded', intel: true, ppc: 0, xen: VERBOSE, timeoutS: 480 },
  /** (c) The same SSDT, module blacklisted on the dom0 command line (the 2011 situation). */
  'module-blacklisted': { name: 'module-blacklisted', intel: true, ppc: 0, xen: VERBOSE, dom0: [BLACKLIST], timeoutS: 480 },
  /** (d) Xen told not to manage frequency. */
  'cpufreq-none': { name: 'cpufreq-none', intel: true, ppc: 0, xen: 'cpufreq=none', timeoutS: 480 },
  /** (e) _PPC forbids the top two states. */
  'ppc-capped': { name: 'ppc-capped', intel: true, ppc: 2, xen: VERBOSE, timeoutS: 480 },
  /** (f) Scaling maximum pinned to the lowest state, both vCPUs busy for 40 s. */
  'pinned-under-load': { name: 'pinned-under-load', intel: true, ppc: 0, xen: VERBOSE, pin: LOWEST_KHZ, load: 40, interval: '3s', window: '25s', timeoutS: 720 },
  /** (f) The same load without the pin. */
  'free-under-load': { name: 'free-under-load', intel: true, ppc: 0, xen: VERBOSE, load: 40, interval: '3s', window: '25s', timeoutS: 720 },
  /** Two threads per core, Xen booted smt=0: the odd CPUs are parked, the hand-off still works. */
  'smt-siblings-parked': { name: 'smt-siblings-parked', intel: true, ppc: 0, xen: `${VERBOSE} smt=0`, smp: { cpus: 4, threads: 2 }, timeoutS: 480 },
  /**
   * One boot, one daemon, three governor settings: cpufreq=xen:performance from the command line, then
   * `set-scaling-governor powersave`, then `userspace` at the lowest speed. max_cstate=1 rides along
   * (it changes C-states only, which none of the governor checks look at).
   */
  governors: {
    name: 'governors', intel: true, ppc: 0, xen: 'cpufreq=xen:performance,verbose max_cstate=1', speed: LOWEST_KHZ,
    steps: ['performance', 'powersave', 'userspace-lowest'], checkInDom0: true, timeoutS: 1200,
  },
  /** Blacklisted at boot, then loaded by hand with a plain modprobe while the same daemon keeps running. */
  'late-module-load': { name: 'late-module-load', intel: true, ppc: 0, xen: VERBOSE, dom0: [BLACKLIST], steps: ['before', 'late-modprobe'], timeoutS: 720 },
  /** xen-acpi-processor loaded with off=1: present, uploads nothing. */
  'module-off': { name: 'module-off', intel: true, ppc: 0, xen: VERBOSE, dom0: ['xen_acpi_processor.off=1'], timeoutS: 480 },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;
