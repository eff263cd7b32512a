/**
 * The bounds of the capture stream, shared by the collector (which keeps to them on the dom0) and the
 * decoder (which enforces them on whatever arrives). The per-file caps match a capture directory's
 * (src/probe/root-files.ts, DEFAULT_COMMAND_SETTINGS).
 */
export const STREAM_LIMITS = {
  /** A sysfs/procfs text file, as RootFiles caps it. */
  maxTextBytes: 256 * 1024,
  /** An ACPI table. */
  maxBinaryBytes: 8 * 1024 * 1024,
  /** A command's stdout. */
  maxCommandBytes: 8 * 1024 * 1024,
  /** A command's stderr, as spawnCapped caps it. */
  maxStderrBytes: 1024 * 1024,
  /** xenpm and xl, each (--xenpm.timeout's default). */
  toolTimeoutSeconds: 5,
  /** dmesg and journalctl, each. */
  logTimeoutSeconds: 10,
  /** The whole run on the dom0. */
  deadlineSeconds: 25,
} as const;

/** What the decoder accepts at most, whatever the stream says. */
export const DECODE_LIMITS = {
  /** The whole stream: a 4096-CPU dom0 with full cpufreq stats is about 20 MiB. */
  maxStreamBytes: 64 * 1024 * 1024,
  /** Entry headers (D, F, B, E, C, M). A 4096-CPU host has about 250,000. */
  maxEntries: 500_000,
  /** One line of the stream; no file line or command line comes near it. */
  maxLineBytes: 1024 * 1024,
  /** A path's length and its number of segments. */
  maxPathBytes: 255,
  maxPathDepth: 16,
} as const;
