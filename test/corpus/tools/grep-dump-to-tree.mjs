#!/usr/bin/env node
// Turns a published `grep . /sys/...` style dump (one `path:value` line per file line) into the
// capture tree the probe reads (DIR/sys/..., DIR/proc/...). It only writes files whose path and
// value both appear in the dump: nothing is guessed, nothing is filled in.
//
// Usage: node grep-dump-to-tree.mjs ENTRY_DIR [--input published.txt] [--sep grep|echo|tlp|cols|cat]
//                                   [--lines A-B] [--base /sys/devices/system/cpu] [--check]
//   --sep grep  `path:value`      (grep . FILES; the value is everything after the first colon)
//         echo  `path: value`     (for f in ...; do echo "$f: $(cat $f)"; done)
//         tlp   `path   =  value [unit]` (tlp-stat -p; the padding and tlp's unit note are dropped)
//         cols  `path     value`  (column-aligned listings: the padding between path and value is dropped)
//         cat   `[prompt] cat path` then the value on the next line (single-line files only: a value
//               line followed by anything but a blank line or a prompt is not derived; the
//               indentation some posters put before the value is dropped)
//   --lines     only read these 1-based lines of the input (a paste that also holds other text)
//   --base      prefix for relative paths (`grep . *` run inside a sysfs directory)
//   --check     write nothing; exit 1 if the tree on disk differs from what the dump gives
// Arguments not given on the command line come from ENTRY_DIR/derive.json, if present:
//   {"input": "published.txt", "tree": {"sep": "grep", "lines": "3-40", "base": null}}
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TLP_UNITS = /\s+\[(?:kHz|MHz|%|us|ms|EPP|HWP\.EPP)\]$/;

function parseArgs(argv) {
  const o = { dir: null, input: null, sep: null, lines: null, base: null, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') o.check = true;
    else if (a === '--input' || a === '--sep' || a === '--lines' || a === '--base') o[a.slice(2)] = argv[++i] ?? null;
    else if (!o.dir) o.dir = a;
    else throw new Error(`unexpected argument: ${a}`);
  }
  if (!o.dir) throw new Error('usage: grep-dump-to-tree.mjs ENTRY_DIR [--input F] [--sep grep|echo|tlp] [--lines A-B] [--base P] [--check]');
  const cfgFile = path.join(o.dir, 'derive.json');
  const cfg = fs.existsSync(cfgFile) ? JSON.parse(fs.readFileSync(cfgFile, 'utf8')) : {};
  const t = cfg.tree ?? {};
  return {
    dir: o.dir,
    input: o.input ?? cfg.input ?? 'published.txt',
    sep: o.sep ?? t.sep ?? 'grep',
    lines: o.lines ?? t.lines ?? null,
    base: o.base ?? t.base ?? null,
    check: o.check,
  };
}

/** `path` → the capture-relative path, or null when it would leave sys/ or proc/. */
export function captureRelative(p, base) {
  let abs = p;
  if (!abs.startsWith('/')) {
    if (!base) return null;
    abs = `${base.replace(/\/+$/, '')}/${abs}`;
  }
  if (abs.split('/').some((seg) => seg === '..' || seg === '.')) return null;
  if (/[\0\\]/.test(abs)) return null;
  const norm = path.posix.normalize(abs);
  if (!/^\/(?:sys|proc)\/[^/]/.test(norm) || norm.endsWith('/')) return null;
  return norm.slice(1);
}

/** One dump line → [path, value] or null when the line is not a `path SEP value` line. */
export function splitLine(line, sep) {
  const l = line.replace(/\r$/, '');
  if (sep === 'grep') {
    const m = /^([^\s:]+):(.*)$/.exec(l);
    return m ? [m[1], m[2]] : null;
  }
  if (sep === 'echo') {
    const m = /^([^\s:]+): ?(.*)$/.exec(l);
    return m ? [m[1], m[2]] : null;
  }
  if (sep === 'tlp') {
    const m = /^(\/\S+)\s+=\s*(.*?)\s*$/.exec(l);
    return m ? [m[1], m[2].replace(TLP_UNITS, '')] : null;
  }
  if (sep === 'cols') {
    const m = /^(\/\S+)\s+(.*?)\s*$/.exec(l);
    return m ? [m[1], m[2]] : null;
  }
  throw new Error(`unknown --sep ${sep}`);
}

/** A line right after a path line that is neither empty, nor a prompt, nor grep's own error. */
export function isContinuation(line) {
  const l = line.replace(/\r$/, '');
  if (l.trim() === '') return false;
  if (/^(?:grep:|cat:|\+\+\+ |--- |\[|\$ |# )/.test(l) || /[$#] \S/.test(l.slice(0, 80)) && /^\S*[@:~]/.test(l)) return false;
  return true;
}

const CAT_COMMAND = /^\s*(?:\S*[#$]\s+)?cat\s+(\/\S+)\s*$/;
/** The next command's prompt (`$ `, `# `, `user@host:~$ `) also ends a value. */
const PROMPT = /^\s*\S*[#$] \S/;

/**
 * `cat PATH` transcripts → `PATH:value` lines (the grep form). Only a command followed by exactly
 * one value line (then a blank line, another prompt, or the end) gives a pair; anything else
 * becomes a line that is not a pair, so nothing is guessed about multi-line or cut output.
 */
export function catToGrepLines(all) {
  const out = [];
  for (let i = 0; i < all.length; i++) {
    const m = CAT_COMMAND.exec(all[i].replace(/\r$/, ''));
    if (!m) { out.push(all[i]); continue; }
    const value = all[i + 1];
    const after = all[i + 2];
    const single = value !== undefined && value.trim() !== '' && !CAT_COMMAND.test(value)
      && (after === undefined || after.trim() === '' || CAT_COMMAND.test(after) || PROMPT.test(after));
    if (!single) { out.push(all[i]); continue; }
    out.push(`${m[1]}:${value.replace(/\r$/, '').replace(/^\s+/, '')}`);
    i++;
  }
  return out;
}

/** The files a dump describes: capture-relative path → content (lines of one file in dump order). */
export function treeOf(text, { sep = 'grep', lines = null, base = null } = {}) {
  let all = text.split('\n');
  if (lines) {
    const m = /^(\d+)-(\d+)$/.exec(lines);
    if (!m) throw new Error(`--lines wants A-B, got ${lines}`);
    all = all.slice(Number(m[1]) - 1, Number(m[2]));
  }
  if (sep === 'cat') {
    all = catToGrepLines(all);
    sep = 'grep';
  }
  const files = new Map();
  const conflicting = new Set();
  let previous = null;
  for (const line of all) {
    const kv = splitLine(line, sep);
    const rel = kv ? captureRelative(kv[0], base) : null;
    if (!kv || !rel) {
      // A mail client or bugzilla that wrapped a long value continues it on the next line: then the
      // value on the path line is cut short, and deriving it would put a wrong value in the tree.
      if (previous && isContinuation(line)) conflicting.add(previous);
      previous = null;
      continue;
    }
    if (rel === previous) {
      // grep prints the lines of one file one after the other: a multi-line file.
      files.get(rel).push(kv[1]);
    } else if (files.has(rel)) {
      // The same file printed again by a later command: a second reading of it. Identical, it adds
      // nothing; different, the dump holds two values for one file and neither is derived.
      if (files.get(rel).length !== 1 || files.get(rel)[0] !== kv[1]) conflicting.add(rel);
    } else {
      files.set(rel, [kv[1]]);
    }
    previous = rel;
  }
  for (const rel of conflicting) files.delete(rel);
  // A path that is also a directory of another path cannot be a file: the dump is inconsistent there.
  const out = new Map();
  for (const [rel, vals] of files) {
    const isDir = [...files.keys()].some((k) => k.startsWith(`${rel}/`));
    if (!isDir) out.set(rel, `${vals.join('\n')}\n`);
  }
  return out;
}

function existingTree(dir) {
  const out = new Map();
  const walk = (rel) => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  walk('sys');
  walk('proc');
  return out;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const text = fs.readFileSync(path.join(o.dir, o.input), 'utf8');
  const tree = treeOf(text, o);
  if (o.check) {
    const have = existingTree(o.dir);
    const diff = [...new Set([...tree.keys(), ...have.keys()])].filter((k) => tree.get(k) !== have.get(k));
    for (const k of diff) console.error(`differs: ${k}`);
    process.exit(diff.length ? 1 : 0);
  }
  const root = path.resolve(o.dir);
  for (const [rel, content] of tree) {
    const dest = path.resolve(root, rel);
    if (!dest.startsWith(`${root}${path.sep}`)) throw new Error(`refusing to write outside ${root}: ${rel}`);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, content);
  }
  console.log(`${tree.size} file(s) written under ${o.dir}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
