import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers.js';
import { CompressedExposition, Exposition } from '../../src/cycle/exposition.js';

/** Fleet mode keeps each target's metrics gzipped only: every form a scrape can ask for must be unchanged. */
describe('CompressedExposition', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'qemu-xen-4.17-pstates-uploaded/expected-metrics.prom'), 'utf8');
  it('gives back the same text, gzip body and OpenMetrics text as the plain exposition, in a fraction of the bytes', async () => {
    const plain = new Exposition(text, []);
    const packed = await CompressedExposition.of(text);
    expect(packed.text).toBe(text);
    expect(gunzipSync(await packed.gzipped()).toString('utf8')).toBe(text);
    expect(packed.openMetrics()).toBe(plain.openMetrics());
    expect(packed.bytes).toBeLessThan(Buffer.byteLength(text) / 4);
  });
});
