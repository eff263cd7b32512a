/**
 * acpi-cpufreq (Linux and Xen) lists turbo as one pseudo P-state: "highest non-turbo + 1 MHz"
 * at the top of the table (e.g. 3401000 above 3400000 kHz). Returns that entry, or null.
 */
export function turboEntryKhz(tableKhz: readonly number[] | null | undefined): number | null {
  if (!tableKhz || tableKhz.length < 2) return null;
  const sorted = [...tableKhz].sort((a, b) => b - a);
  return sorted[0]! - sorted[1]! === 1000 ? sorted[0]! : null;
}
