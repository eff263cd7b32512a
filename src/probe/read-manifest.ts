/**
 * Every host path the probe's readers touch, declared once. The remote collector
 * (collector/xen-pm-collect) is generated from this list, so it reads what the probe reads and nothing
 * else; test/remote/manifest-coverage.test.ts records the paths the probe really asks for on every
 * fixture and fails when one is not covered here.
 *
 * A pattern is a root-relative path whose segments are literal, or a literal prefix followed by
 * `<n>` (one or more decimal digits: `cpu<n>` is cpu0, cpu12 …) or `<n?>` (zero or more digits:
 * `SSDT<n?>` is SSDT, SSDT1 …). Directories on the way to a file are part of the manifest too: the
 * collector reports each one that exists, which is what the probe's existence tests and listings see.
 */

/** `text`: read by content with a 256 KiB cap; `binary`: the ACPI tables, up to 8 MiB; `dir`: listed or tested. */
export type ManifestKind = 'text' | 'binary' | 'dir';

export interface ManifestEntry {
  kind: ManifestKind;
  pattern: string;
  /** A text file that can be large (cpuinfo, trans_table): the collector reads it in blocks, not line by line. */
  large?: boolean;
}

const CPU = 'sys/devices/system/cpu';

/** What readPolicy (read-cpufreq.ts) reads in a policy directory, and in an old kernel's cpuN/cpufreq. */
export const POLICY_FILES = [
  'affected_cpus', 'related_cpus', 'scaling_driver', 'scaling_governor', 'scaling_available_governors',
  'cpuinfo_min_freq', 'cpuinfo_max_freq', 'cpuinfo_cur_freq', 'cpuinfo_avg_freq', 'cpuinfo_transition_latency',
  'scaling_min_freq', 'scaling_max_freq', 'scaling_cur_freq', 'scaling_setspeed', 'bios_limit', 'base_frequency',
  'scaling_available_frequencies', 'scaling_boost_frequencies', 'boost', 'energy_performance_preference',
  'amd_pstate_max_freq', 'stats/time_in_state', 'stats/total_trans', 'stats/trans_table',
] as const;

const CPUIDLE_STATE_FILES = ['name', 'desc', 'latency', 'residency', 'usage', 'time', 'disable'] as const;

const text = (pattern: string): ManifestEntry => ({ kind: 'text', pattern });
/**
 * Tens to hundreds of KiB, once per host. Not the per-policy trans_table (a few KiB): measured on a
 * 64-CPU host, three processes per policy cost more than the shell's byte-wise reads they save.
 */
const large = (pattern: string): ManifestEntry => ({ kind: 'text', pattern, large: true });
const dir = (pattern: string): ManifestEntry => ({ kind: 'dir', pattern });

export const READ_MANIFEST: readonly ManifestEntry[] = [
  // read-platform.ts
  ...['type', 'guest_type', 'version/major', 'version/minor', 'version/extra', 'start_flags/initdomain',
    'start_flags/unknown08', 'start_flags/unknown09'].map((f) => text(`sys/hypervisor/${f}`)),
  dir('proc/xen'),
  text('proc/xen/capabilities'),
  large('proc/cpuinfo'),
  text('proc/cmdline'),
  text('sys/class/dmi/id/sys_vendor'),
  text('sys/class/dmi/id/product_name'),
  text('proc/sys/kernel/hostname'),
  // read-cpus.ts
  dir(CPU),
  ...['online', 'offline', 'present', 'possible'].map((f) => text(`${CPU}/${f}`)),
  dir(`${CPU}/cpu<n>`),
  text(`${CPU}/cpu<n>/online`),
  ...['core_id', 'physical_package_id', 'thread_siblings_list'].map((f) => text(`${CPU}/cpu<n>/topology/${f}`)),
  // read-cpufreq.ts: policies, the old per-CPU directories (only where real, see REAL_DIRECTORIES_ONLY), globals
  dir(`${CPU}/cpufreq`),
  text(`${CPU}/cpufreq/boost`),
  ...POLICY_FILES.map((f) => text(`${CPU}/cpufreq/policy<n>/${f}`)),
  ...POLICY_FILES.map((f) => text(`${CPU}/cpu<n>/cpufreq/${f}`)),
  dir(`${CPU}/intel_pstate`),
  ...['status', 'no_turbo', 'max_perf_pct', 'min_perf_pct', 'turbo_pct', 'num_pstates'].map((f) => text(`${CPU}/intel_pstate/${f}`)),
  dir(`${CPU}/amd_pstate`),
  ...['status', 'prefcore'].map((f) => text(`${CPU}/amd_pstate/${f}`)),
  // read-cpuidle.ts
  ...['current_driver', 'current_governor', 'current_governor_ro'].map((f) => text(`${CPU}/cpuidle/${f}`)),
  dir(`${CPU}/cpu<n>/cpuidle`),
  ...CPUIDLE_STATE_FILES.map((f) => text(`${CPU}/cpu<n>/cpuidle/state<n>/${f}`)),
  // read-dom0.ts
  dir('sys/module'),
  dir('sys/module/xen_acpi_processor'),
  text('sys/module/xen_acpi_processor/initstate'),
  text('sys/module/xen_acpi_processor/parameters/off'),
  large('proc/modules'),
  dir('sys/devices/system/xen_cpu'),
  dir('sys/devices/system/xen_cpu/xen_cpu<n>'),
  text('sys/devices/system/xen_cpu/xen_cpu<n>/online'),
  // read-acpi-tables.ts (root-only on a real host)
  dir('sys/firmware/acpi/tables'),
  { kind: 'binary', pattern: 'sys/firmware/acpi/tables/DSDT' },
  { kind: 'binary', pattern: 'sys/firmware/acpi/tables/SSDT<n?>' },
  dir('sys/firmware/acpi/tables/dynamic'),
  { kind: 'binary', pattern: 'sys/firmware/acpi/tables/dynamic/SSDT<n?>' },
];

/**
 * Not host paths: a capture directory's own metadata, which the probe reads only below a capture root
 * (capture.json names the host the capture was taken on). The collector never reads them.
 */
export const CAPTURE_METADATA: readonly string[] = ['capture.json'];

/**
 * Directories read only when they are real directories, not symlinks: on kernels ≥ 4.7 `cpuN/cpufreq`
 * links to `cpufreq/policyN`, which the manifest already covers, and the probe reads the per-CPU
 * directory only for CPUs no policy covers (old kernels, where it is a real directory).
 */
export const REAL_DIRECTORIES_ONLY: readonly string[] = [`${CPU}/cpu<n>/cpufreq`];

/** One segment of a pattern as a regular expression source. */
function segmentSource(seg: string): string {
  const m = /^([^<]*)<(n|n\?)>$/.exec(seg);
  const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!m) return lit(seg);
  return `${lit(m[1]!)}${m[2] === 'n' ? '\\d+' : '\\d*'}`;
}

/** A pattern, or any directory on the way to it, as a regular expression over root-relative paths. */
export function patternRegExp(pattern: string): RegExp {
  const segs = pattern.split('/').map(segmentSource);
  // Every prefix of the pattern is a directory the collector reports.
  let src = segs[segs.length - 1]!;
  for (let i = segs.length - 2; i >= 0; i--) src = `${segs[i]}(?:/${src})?`;
  return new RegExp(`^${src}$`);
}

const MATCHERS = READ_MANIFEST.map((e) => patternRegExp(e.pattern));

/** Whether the collector reads `rel` (a root-relative path, no leading slash). */
export function manifestCovers(rel: string): boolean {
  const clean = rel.replace(/^\/+/, '').replace(/\/+$/, '');
  return clean === '' || MATCHERS.some((re) => re.test(clean));
}
