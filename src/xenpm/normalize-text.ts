/**
 * Real xenpm output reaches us pasted and mangled: CRLF (and `\r\r\n` from a serial console),
 * tabs, non-breaking spaces, collapsed whitespace, labels padded one column off, a cut-off last
 * line. Every xenpm parser first turns text into clean lines with this.
 */
export function toLines(text: string): string[] {
  return text
    .replace(/\r+\n/g, '\n')
    .replace(/\r/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .split('\n')
    // trimEnd() drops exactly what /\s+$/ did (WhiteSpace and LineTerminator) without the regex's
    // backtracking over every run of padding in xenpm's column-aligned lines.
    .map((l) => l.trimEnd());
}

/** `label : value` with any padding; label keeps inner single spaces (`cpu id`, `turbo mode`). */
export function splitLabel(line: string): { label: string; value: string } | null {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_ ()\-]*?)?\s*:\s?(.*)$/.exec(line);
  if (!m) return null;
  return { label: (m[1] ?? '').replace(/\s+/g, ' ').trim().toLowerCase(), value: (m[2] ?? '').trim() };
}

/** `max [3401000] min [1200000] cur [3401000]` → { max: '3401000', min: ..., cur: ... }. */
export function bracketPairs(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z_][A-Za-z_ ]*?)\s*\[\s*([^\]]*?)\s*\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) out.set(m[1]!.replace(/\s+/g, ' ').trim().toLowerCase(), m[2]!);
  return out;
}

/** A non-negative integer out of xenpm text (zero-padded `%020` counters included). */
export function toCount(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A kHz value. Deliberately not bounded here: an absurd reading (a real report showed an
 * average of 884114144 kHz) must reach the diagnosis to be reported as IMPLAUSIBLE_READING.
 */
export function toKhz(text: string | undefined): number | null {
  return toCount(text);
}
