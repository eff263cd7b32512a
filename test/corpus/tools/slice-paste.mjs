#!/usr/bin/env node
// Cuts one published paste into the capture's command files, by 1-based line ranges, so every
// command file is an exact slice of what was published (the corpus test re-checks this).
//
// Usage: node slice-paste.mjs ENTRY_DIR [--check]
// ENTRY_DIR/derive.json: {"input": "published.txt", "slices": {"commands/xl-info.stdout": "12-40", ...}}
// A range "A-B" takes lines A..B; "A-B,C-D" concatenates ranges (a paste interrupted by prose).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The text of `ranges` ("3-10" or "3-10,14-20") of `text`, each slice's lines ending in "\n". */
export function slice(text, ranges) {
  const lines = text.split('\n');
  const out = [];
  for (const r of ranges.split(',')) {
    const m = /^(\d+)-(\d+)$/.exec(r.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < Number(m[1]) || Number(m[2]) > lines.length) throw new Error(`bad range ${r}`);
    out.push(...lines.slice(Number(m[1]) - 1, Number(m[2])));
  }
  return `${out.join('\n')}\n`;
}

/** Only commands/NAME.stdout|stderr|exit targets inside the entry are allowed. */
export function sliceTarget(dir, rel) {
  if (!/^commands\/[a-z0-9-]+\.(?:stdout|stderr)$/.test(rel)) throw new Error(`not a command file: ${rel}`);
  return path.join(dir, rel);
}

function main() {
  const [dir, flag] = process.argv.slice(2);
  if (!dir) throw new Error('usage: slice-paste.mjs ENTRY_DIR [--check]');
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'derive.json'), 'utf8'));
  const text = fs.readFileSync(path.join(dir, cfg.input ?? 'published.txt'), 'utf8');
  let bad = 0;
  for (const [rel, ranges] of Object.entries(cfg.slices ?? {})) {
    const dest = sliceTarget(dir, rel);
    const want = slice(text, ranges);
    if (flag === '--check') {
      if (!fs.existsSync(dest) || fs.readFileSync(dest, 'utf8') !== want) { console.error(`differs: ${rel}`); bad++; }
      continue;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, want);
  }
  process.exit(bad ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
