import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNames } from '../helpers.js';

/**
 * Every HELP and TYPE line the exporter writes is ASCII: one character outside Latin-1 (an ellipsis, say)
 * makes V8 hold the whole exposition — hundreds of KB per host — as a two-byte string, which measured 50% slower
 * to render and twice the memory per fleet target. Host-supplied label values may still be anything.
 */
describe('exposition HELP texts', () => {
  it('are ASCII in every fixture\'s exposition', () => {
    const bad = new Set<string>();
    for (const f of fixtureNames()) {
      const text = fs.readFileSync(path.join(FIXTURES, f, 'expected-metrics.prom'), 'utf8');
      for (const line of text.split('\n')) if (line.startsWith('#') && /[^\x20-\x7e]/.test(line)) bad.add(line);
    }
    expect([...bad]).toEqual([]);
  });
});
