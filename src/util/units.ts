/**
 * The one plausibility bound for CPU frequencies, and the one way to print them. Above 10 GHz a reading is
 * not a CPU frequency (a real report showed an average of 884114144 kHz): it is reported as
 * IMPLAUSIBLE_READING and left out of tables, metrics and judgements.
 */
export const MAX_PLAUSIBLE_KHZ = 10_000_000;

export function isPlausibleKhz(khz: number): boolean {
  return khz > 0 && khz <= MAX_PLAUSIBLE_KHZ;
}

/** kHz → MHz rounded to one decimal (3401000 → 3401, 1199950 → 1200). */
function mhzOf(khz: number): number {
  return Math.round(khz / 100) / 10;
}

/** `3401 MHz`, or `?` when unknown. */
export function formatMhz(khz: number | null | undefined): string {
  return khz === null || khz === undefined ? '?' : `${mhzOf(khz)} MHz`;
}
