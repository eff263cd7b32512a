/**
 * Text from a host (xenpm output, kernel-log lines, sysfs words) can carry control sequences that drive a
 * terminal: ESC, the C1 controls (U+009B is a one-byte CSI), bidi overrides that reorder what is shown.
 * Everything the program prints for a person goes through here: those characters become visible escapes.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(c.charCodeAt(0) > 0xff ? 4 : 2, '0');

/** One line of text for a terminal: controls (newlines included) shown as `\xNN` / `\uNNNN`. */
export function terminalSafe(text: string): string {
  return text.replace(/\n/g, '\\n').replace(UNSAFE, (c) => (c.charCodeAt(0) > 0xff ? `\\u${hex(c)}` : `\\x${hex(c)}`));
}

/** JSON for a terminal: JSON.stringify escapes C0 already; the C1 and bidi controls are escaped too (still valid JSON). */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
