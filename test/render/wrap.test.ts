import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columns, wrap, wrapCpuList } from '../../src/render/wrap.js';
import { describeAge, formatAge, formatProbeTime } from '../../src/render/probe-time.js';
import { formatCpuList } from '../../src/util/cpu-list.js';

describe('wrapping for a terminal', () => {
  it('any text: every line within the width, the prefixes in place, no character lost but the break spaces', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '—', 'x'), maxLength: 600 }), fc.integer({ min: 30, max: 140 }), (text, width) => {
      const lines = wrap(text, width, '  first: ', '         ');
      for (const l of lines) expect(columns(l)).toBeLessThanOrEqual(width);
      expect(lines[0]!.startsWith('  first: ')).toBe(true);
      expect(lines.slice(1).every((l) => l.startsWith('         '))).toBe(true);
      const body = lines.map((l) => l.slice(9)).join('');
      expect(body.replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }));
  });

  it('a word longer than a line is cut, and a bound on lines ends in an ellipsis', () => {
    const lines = wrap('x'.repeat(300), 120, 'evidence: ', '          ');
    expect(lines.map(columns)).toEqual([120, 120, 90]);
    const cut = wrap('word '.repeat(200), 60, '', '  ', 3);
    expect(cut).toHaveLength(3);
    expect(cut[2]!.endsWith('…')).toBe(true);
    expect(columns(cut[2]!)).toBeLessThanOrEqual(60);
  });

  it('CPU lists break after a comma and read back whole', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 8191 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 12, max: 60 }), (cpus, width) => {
      const list = formatCpuList(cpus);
      const lines = wrapCpuList(list, width);
      for (const l of lines) expect(columns(l)).toBeLessThanOrEqual(width);
      expect(lines.join('')).toBe(list);
      expect(lines.slice(0, -1).every((l) => l.endsWith(','))).toBe(true);
    }));
  });
});

describe('probe time', () => {
  it('ages in at most two units; a future probe time says the clocks disagree', () => {
    expect([0, 59_999, 60_000, 3_599_999, 3_600_000, 5_400_000, 47 * 3_600_000, 50 * 3_600_000].map(formatAge))
      .toEqual(['0 s', '59 s', '1 min', '59 min', '1 h', '1 h 30 min', '47 h', '2 d 2 h']);
    expect(describeAge(5000)).toBe('5 s ago');
    expect(describeAge(-500)).toBe('0 s ago');
    expect(describeAge(-120_000)).toBe('2 min in the future — clocks disagree');
    expect(formatProbeTime('2026-01-01T00:00:00.000Z')).toBe('2026-01-01 00:00:00 UTC');
    expect(formatProbeTime('not a time')).toBe('not a time');
  });
});
