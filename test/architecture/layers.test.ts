import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';

/**
 * The layering of docs/architecture.md, enforced: a folder imports only folders below it (or its own
 * files). cli/ and exporter/ sit side by side and never import each other; main.ts and options.ts at the
 * top of src/ wire them up.
 */
const LAYER: Record<string, number> = {
  util: 0,
  xenpm: 1,
  probe: 2,
  diagnosis: 3,
  remote: 3,
  render: 4,
  cycle: 5,
  cli: 6,
  exporter: 6,
  fleet: 7,
  '.': 8,
};

const SRC = path.join(REPO, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const folderOf = (file: string) => path.relative(SRC, path.dirname(file)).split(path.sep)[0] || '.';

describe('architecture', () => {
  const files = sourceFiles(SRC);
  it('every folder of src/ has a place in the layering', () => {
    expect(files.map(folderOf).filter((f) => !(f in LAYER))).toEqual([]);
  });
  it('no folder imports a folder above it or beside it', () => {
    const bad: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = folderOf(path.resolve(path.dirname(file), m[1]!));
        if (to !== from && LAYER[to]! >= LAYER[from]!) bad.push(`${path.relative(REPO, file)} imports ${m[1]} (${from} → ${to})`);
      }
    }
    expect(bad).toEqual([]);
  });
  it('diagnosis never parses text: no regular expression runs there', () => {
    const offenders = files
      .filter((f) => folderOf(f) === 'diagnosis')
      .filter((f) => /\.(?:test|exec|match|matchAll|split|search|replace)\(\s*\//.test(fs.readFileSync(f, 'utf8')) || /\/[^/\n]+\/[gimsuy]*\.(?:test|exec)\(/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(REPO, f))).toEqual([]);
  });
});
