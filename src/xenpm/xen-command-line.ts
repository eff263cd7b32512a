/** What the Xen command line says about power management (docs/misc/xen-command-line.pandoc). */
export interface XenPmOptions {
  /** The raw `cpufreq=` value, or null when absent (default: xen). */
  cpufreqRaw: string | null;
  /** Modes in the order Xen tries them (`;` fallbacks since 4.18). */
  cpufreqModes: Array<'xen' | 'none' | 'dom0-kernel' | 'hwp' | 'amd-cppc' | 'unknown'>;
  /** `cpufreq=xen:<governor>` */
  governor: string | null;
  verbose: boolean;
  maxfreqKhz: number | null;
  cpuidle: boolean | null;
  maxCstate: number | null;
  /** The exact token(s), for evidence. */
  tokens: string[];
}

const FALSE = new Set(['0', 'no', 'off', 'false', 'disable', 'none']);
const TRUE = new Set(['1', 'yes', 'on', 'true', 'enable']);

export function parseXenCommandLine(cmdline: string): XenPmOptions {
  const r: XenPmOptions = { cpufreqRaw: null, cpufreqModes: ['xen'], governor: null, verbose: false, maxfreqKhz: null, cpuidle: null, maxCstate: null, tokens: [] };
  for (const token of cmdline.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    const key = (eq < 0 ? token : token.slice(0, eq)).toLowerCase().replace(/-/g, '_');
    const value = eq < 0 ? '' : token.slice(eq + 1);
    if (key === 'cpufreq') {
      r.tokens.push(token);
      r.cpufreqRaw = value;
      r.cpufreqModes = value.split(';').map((opt) => {
        // The head ends at ':' (sub-options) or ',' (`xen,verbose`, `hwp,verbose` since 4.18).
        const cut = opt.search(/[:,]/);
        const head = cut < 0 ? opt : opt.slice(0, cut);
        const rest = cut < 0 ? '' : opt.slice(cut + 1);
        const h = head.toLowerCase();
        for (const sub of rest.split(',')) {
          const s = sub.toLowerCase();
          if (s === 'verbose' || s.startsWith('verbose=')) r.verbose = true;
          else if (['powersave', 'performance', 'ondemand', 'userspace'].includes(s)) r.governor = s;
          else if (s.startsWith('maxfreq=')) r.maxfreqKhz = Number(s.slice(8)) || null;
        }
        if (h === 'xen' || TRUE.has(h)) return 'xen';
        if (FALSE.has(h)) return 'none';
        if (h === 'dom0_kernel' || h === 'dom0-kernel') return 'dom0-kernel';
        if (h === 'hwp') return 'hwp';
        if (h === 'amd-cppc' || h === 'amd_cppc') return 'amd-cppc';
        if (h === 'verbose') { r.verbose = true; return 'xen'; }
        return 'unknown';
      });
    } else if (key === 'cpuidle') {
      r.tokens.push(token);
      r.cpuidle = value === '' ? true : !FALSE.has(value.toLowerCase());
    } else if (key === 'max_cstate') {
      r.tokens.push(token);
      const n = Number.parseInt(value, 10);
      r.maxCstate = Number.isFinite(n) && n >= 0 ? n : null;
    }
  }
  return r;
}

/** True when Xen was told not to manage P-states at all (`none`, a false boolean, `dom0-kernel`). */
export function cpufreqDisabledByOption(o: XenPmOptions): boolean {
  return o.cpufreqRaw !== null && o.cpufreqModes.every((m) => m === 'none' || m === 'dom0-kernel');
}
