import type { Scenario } from './boot.js';

/**
 * Every boot of the matrix. A boot shows one or more SITUATIONS (its steps), each read out from the
 * same running daemon; a one-situation boot's step is called after the boot. Situations that need only
 * a runtime change (a modprobe, a governor, load) share a boot: a boot under TCG costs minutes, a step
 * one or two. Xen logs the P-state data it receives with cpufreq=xen:verbose. The SSDT's lowest state is 1200 MHz (harness/ssdt-pstates.asl).
 */
const VERBOSE = 'cpufreq=xen:verbose';
const LOWEST_KHZ = 1_200_000;
const BLACKLIST = 'modprobe.blacklist=xen_acpi_processor';

export const SCENARIOS = {
  /** (a) Stock QEMU firmware: no _PSS anywhere. */
  'stock-firmware': { name: 'stock-firmware', intel: false, ppc: null, xen: VERBOSE, timeoutS: 600 },
  /**
   * (b) P-state SSDT, xen-acpi-processor loaded at boot: the hand-off works. A boot of its own only where
   * the release has no under-load boot (4.14): elsewhere it is that boot's first step, read before any load.
   */
  'pstates-uploaded': { name: 'pstates-uploaded', intel: true, ppc: 0, xen: VERBOSE, timeoutS: 600 },
  /**
   * (c) The same SSDT, module blacklisted on the dom0 command line (the 2011 situation); then loaded with
   * `off=1` (present, uploads nothing); then unloaded and loaded by hand with a plain modprobe — all
   * while the SAME daemon keeps running. The module has a module_exit, so it can be reloaded.
   */
  'module-late': {
    name: 'module-late', intel: true, ppc: 0, xen: VERBOSE, dom0: [BLACKLIST], steps: ['module-blacklisted', 'module-off', 'late-module-load'], timeoutS: 1200,
  },
  /** (d) Xen told not to manage frequency. */
  'cpufreq-none': { name: 'cpufreq-none', intel: true, ppc: 0, xen: 'cpufreq=none', timeoutS: 600 },
  /** (e) _PPC forbids the top two states. */
  'ppc-capped': { name: 'ppc-capped', intel: true, ppc: 2, xen: VERBOSE, timeoutS: 600 },
  /**
   * (f) Both vCPUs busy for 60 s, then the scaling maximum pinned to the lowest state and 60 s more: the
   * stuck window (25 s) sees only the pinned phase by the second reading.
   */
  'under-load': {
    name: 'under-load', intel: true, ppc: 0, xen: VERBOSE, pin: LOWEST_KHZ, load: 60, interval: '3s', window: '25s',
    steps: ['pstates-uploaded', 'free-under-load', 'pinned-under-load'], timeoutS: 1500,
  },
  /** Two threads per core, Xen booted smt=0: the odd CPUs are parked, the hand-off still works. */
  'smt-siblings-parked': { name: 'smt-siblings-parked', intel: true, ppc: 0, xen: `${VERBOSE} smt=0`, smp: { cpus: 4, threads: 2 }, timeoutS: 600 },
  /**
   * One boot, one daemon, three governor settings: cpufreq=xen:performance from the command line, then
   * `set-scaling-governor powersave`, then `userspace` at the lowest speed; `check` runs inside dom0
   * after each. max_cstate=1 rides along (it changes C-states only, which no governor check looks at).
   */
  governors: {
    name: 'governors', intel: true, ppc: 0, xen: 'cpufreq=xen:performance,verbose max_cstate=1', speed: LOWEST_KHZ,
    steps: ['governor-performance', 'governor-powersave', 'governor-userspace-lowest'], checkInDom0: true, timeoutS: 1500,
  },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/** The situations a boot shows, in order. */
export const situationsOf = (sc: Scenario): string[] => sc.steps ? [...sc.steps] : [sc.name];
