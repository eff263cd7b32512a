/**
 * How much of a host's data is believed, whatever it prints. Real hosts stay far inside these (Linux's
 * NR_CPUS tops out at 8192; ACPI tables list at most a few dozen P-states and a handful of C-states); a
 * host that claims more is garbage or hostile, and what lies beyond is dropped and reported, never kept.
 */
export const MAX_CPU_ID = 8191;
export const MAX_PSTATES_PER_CPU = 64;
export const MAX_CSTATES_PER_CPU = 32;

/** Counts what a parser refused to keep, so the probe can say so. */
export class DropCounter {
  count = 0;
  /** true when `cpu` is within bounds; counts it otherwise. */
  cpuOk(cpu: number): boolean {
    if (cpu <= MAX_CPU_ID) return true;
    this.count++;
    return false;
  }
  /** true while a list has room for one more of `max`; counts the overflow. */
  room(length: number, max: number): boolean {
    if (length < max) return true;
    this.count++;
    return false;
  }
}
