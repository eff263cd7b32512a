/**
 * Fitting text to a terminal width. Host text reaches here already escaped (util/terminal-safe.ts), so it
 * holds no control characters and a code point is a column (wide CJK glyphs aside, which no sysfs word or
 * xenpm line carries).
 */

/** The width every line of the text report keeps to: readable in an 80–120 column terminal, a pager, a mail. */
export const TEXT_WIDTH = 120;

export function columns(s: string): number {
  return [...s].length;
}

/**
 * Wraps `text` to `width` columns: the first line starts with `first`, the following ones with `rest` (a
 * hanging indent). Breaks at the last space that fits; a word longer than a line is cut. At most `maxLines`
 * lines; when text is left over, the last line ends in `…` (the JSON report has it whole).
 */
export function wrap(text: string, width: number, first: string, rest: string, maxLines = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  let cps = [...text];
  for (;;) {
    const prefix = out.length ? rest : first;
    const avail = Math.max(10, width - columns(prefix));
    if (cps.length <= avail) {
      out.push(prefix + cps.join(''));
      return out;
    }
    if (out.length + 1 >= maxLines) {
      out.push(prefix + cps.slice(0, avail - 1).join('').trimEnd() + '…');
      return out;
    }
    let cut = cps.lastIndexOf(' ', avail);
    // A break near the start of the line would leave it almost empty: cut the long word instead.
    if (cut < avail / 3) cut = -1;
    const line = cut > 0 ? cps.slice(0, cut) : cps.slice(0, avail);
    out.push((prefix + line.join('')).trimEnd());
    cps = cut > 0 ? cps.slice(cut + 1) : cps.slice(avail);
    while (cps[0] === ' ') cps.shift();
  }
}

/** Wraps a kernel CPU list (`0-3,8,10-11`) at its commas, each line at most `width` columns. */
export function wrapCpuList(list: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const part of list.split(',')) {
    const next = cur ? `${cur},${part}` : part;
    // The trailing comma stays on the line it ends, so each line reads as a continuation.
    if (cur && columns(next) + 1 > width) {
      out.push(`${cur},`);
      cur = part;
    } else {
      cur = next;
    }
  }
  out.push(cur);
  return out;
}
