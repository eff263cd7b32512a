import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeStream, StreamDecoder, type DecodeLimits } from '../../src/remote/stream-decoder.js';
import { StreamHost } from '../../src/remote/stream-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';

/** Streams are written here from the format of docs/capture-stream.md, the way the collector prints them. */
const stream = (...lines: string[]) => Buffer.from(['XPM-CAPTURE 1', ...lines, `END ${lines.filter((l) => /^(?:[DFBECM]) /.test(l)).length}`, ''].join('\n'));
const refusal = (b: Buffer, limits: Partial<DecodeLimits> = {}) => {
  const r = decodeStream(b, limits);
  return r.ok ? null : r.reason;
};

describe('decoding a capture stream', () => {
  it('round-trips text files byte for byte: trailing newline or not, empty, CRLF, NUL', () => {
    const d = decodeStream(stream('D sys', 'F sys/a', '|1', '|', 'F sys/b', '|no newline', 'F sys/c', '|', 'F sys/d', '|x\r', '|y\0z', '|', 'F sys/e', '|', '|'));
    if (!d.ok) throw new Error(d.reason);
    const text = (p: string) => d.capture.files.get(p)!.bytes.toString('latin1');
    expect(text('sys/a')).toBe('1\n');
    expect(text('sys/b')).toBe('no newline');
    expect(text('sys/c')).toBe('');
    expect(text('sys/d')).toBe('x\r\ny\0z\n');
    expect(text('sys/e')).toBe('\n');
  });

  it('decodes binary files from base64 and from od hex', () => {
    const bytes = Buffer.from('SSDT\0\x01_PSS_PPC', 'latin1');
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const d = decodeStream(stream(`B sys/t/A base64`, `=${bytes.toString('base64')}`, 'B sys/t/B hex', `= ${hex}`));
    if (!d.ok) throw new Error(d.reason);
    expect(d.capture.files.get('sys/t/A')!.bytes.equals(bytes)).toBe(true);
    expect(d.capture.files.get('sys/t/B')!.bytes.equals(bytes)).toBe(true);
  });

  it('keeps command stdout, stderr and status apart, in any order inside the block', () => {
    const d = decodeStream(stream('C xl-info /usr/sbin/xl', 'e err1', 'o out1', 'x 3', 'e ', 'o ', 'C dmesg /bin/dmesg', 'n'));
    if (!d.ok) throw new Error(d.reason);
    const c = d.capture.commands.get('xl-info')![0]!;
    expect([c.stdout.toString(), c.stderr.toString(), c.status]).toEqual(['out1\n', 'err1\n', { kind: 'exit', code: 3 }]);
    expect(d.capture.commands.get('dmesg')![0]!.status).toEqual({ kind: 'not-installed' });
  });

  it('cuts content at exactly the cap, separators counted, whatever line the cap falls in', () => {
    // The content is the lines joined with "\n" (abc\nde\n\nfgh\n), cut at the cap; truncated only when something was cut.
    const whole = 'abc\nde\n\nfgh\n';
    for (let cap = 0; cap <= whole.length + 2; cap++) {
      const d = decodeStream(stream('F proc/x', '|abc', '|de', '|', '|fgh', '|', 'C xl-info /usr/sbin/xl', 'o abc', 'o de', 'o ', 'o fgh', 'o ', 'x 0'), { maxTextBytes: cap, maxCommandBytes: cap });
      if (!d.ok) throw new Error(d.reason);
      const f = d.capture.files.get('proc/x')!;
      const c = d.capture.commands.get('xl-info')![0]!;
      expect([f.bytes.toString('latin1'), f.truncated], `cap ${cap}`).toEqual([whole.slice(0, cap), cap < whole.length]);
      expect([c.stdout.toString('latin1'), c.stdoutTruncated], `cap ${cap}`).toEqual([whole.slice(0, cap), cap < whole.length]);
    }
  });

  it('caps each file at its limit and says so', () => {
    const d = decodeStream(stream('F proc/cpuinfo', `|${'x'.repeat(300)}`, '|'), { maxTextBytes: 100 });
    if (!d.ok) throw new Error(d.reason);
    expect(d.capture.files.get('proc/cpuinfo')).toMatchObject({ truncated: true });
    expect(d.capture.files.get('proc/cpuinfo')!.bytes.length).toBe(100);
  });

  it.each([
    ['a truncated stream (no END)', Buffer.from('XPM-CAPTURE 1\nD sys\n'), /no END/],
    ['a stream cut inside a line', Buffer.from('XPM-CAPTURE 1\nD sys\nEND 1'), /middle of a line/],
    ['garbage', Buffer.from('<html>hello</html>\n'), /not a capture stream/],
    ['an empty answer', Buffer.alloc(0), /empty/],
    ['another version', Buffer.from('XPM-CAPTURE 2\n'), /unsupported stream version/],
    ['a path escape', stream('F ../etc/passwd', '|root'), /escapes the root/],
    ['a path escape in the middle', stream('F sys/../../etc/passwd', '|root'), /escapes the root/],
    ['an absolute path', stream('F /etc/passwd', '|root'), /absolute/],
    ['an empty segment', stream('D sys//cpu'), /empty path segment/],
    ['a control character in a name', stream('F sys/a\x1bb', '|1'), /control character/],
    ['a space in a name', stream('F sys/a b', '|1'), /unexpected words/],
    ['a duplicate path', stream('F sys/a', '|1', 'F sys/a', '|2'), /given twice/],
    ['a file below a file', stream('F sys/a', '|1', 'F sys/a/b', '|2'), /below the file/],
    ['an unknown line type', stream('L sys/link ../../etc'), /unknown line type/],
    ['a content line outside a file', stream('D sys', '|x'), /outside a file/],
    ['an output line outside a command', stream('o hello'), /outside a command/],
    ['a second status', stream('C xl-info xl', 'x 0', 'x 1'), /second status/],
    ['an exit status above 255', stream('C xl-info xl', 'x 999'), /bad exit status/],
    ['a command given twice', stream('C xl-info xl', 'x 0', 'C xl-info xl', 'x 0'), /more often/],
    ['an END that miscounts', Buffer.from('XPM-CAPTURE 1\nD sys\nD proc\nEND 1\n'), /END counts 1/],
    ['data after END', Buffer.from('XPM-CAPTURE 1\nEND 0\nD sys\n'), /after END/],
    ['bad base64', stream('B sys/t base64', '=!!!'), /bad base64/],
    ['a too deep path', stream(`D ${Array(20).fill('a').join('/')}`), /deeper/],
    ['a too long path', stream(`D ${'a'.repeat(300)}`), /longer than/],
    ['an unknown error kind', stream('E sys/a weird'), /unknown kind/],
  ])('refuses %s', (_what, bytes, why) => {
    expect(refusal(bytes)).toMatch(why);
  });

  it('refuses a stream over its total size, an over-long line, too many entries, and stops reading', () => {
    const d = new StreamDecoder({ maxStreamBytes: 1000 });
    expect(d.push(Buffer.from('XPM-CAPTURE 1\n'))).toBe(true);
    expect(d.push(Buffer.alloc(2000, 0x41))).toBe(false);
    expect(d.push(Buffer.from('more'))).toBe(false);
    expect(d.end()).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than 1000/) });
    expect(refusal(Buffer.from(`XPM-CAPTURE 1\nF sys/a\n|${'y'.repeat(5000)}\n`), { maxLineBytes: 4096 })).toMatch(/line longer/);
    expect(refusal(stream(...Array.from({ length: 20 }, (_, i) => `D d${i}`)), { maxEntries: 10 })).toMatch(/more than 10 entries/);
  });
});

describe('hostile streams (property tests)', () => {
  const limits: Partial<DecodeLimits> = { maxStreamBytes: 64 * 1024, maxEntries: 200, maxLineBytes: 4096, maxTextBytes: 512, maxBinaryBytes: 512, maxCommandBytes: 1024, maxStderrBytes: 256 };
  const line = fc.oneof(
    fc.constantFrom('D sys', 'D sys/devices', 'F sys/a', 'F proc/cmdline', 'B sys/t base64', 'B sys/t hex', 'E sys/e busy EBUSY', 'C xl-info /usr/sbin/xl', 'C dmesg dmesg', 'C nope x',
      'x 0', 'x 1', 't', 'n', 'M hostname h', 'END 3', 'F ../x', 'F /etc/passwd', 'D sys//a', '|', '=QUJD', '= 41 42', 'o ', 'e '),
    fc.string({ maxLength: 40 }).map((s) => `|${s}`),
    fc.string({ maxLength: 40 }).map((s) => `o ${s}`),
    fc.string({ maxLength: 60 }),
    fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a).toString('latin1')),
  );
  const hostile = fc.tuple(fc.boolean(), fc.array(line, { maxLength: 120 }), fc.boolean()).map(([head, lines, nl]) =>
    Buffer.from(`${head ? 'XPM-CAPTURE 1\n' : ''}${lines.join('\n')}${nl ? '\n' : ''}`, 'latin1'));

  it('the decoder never throws, and a decoded capture stays within its bounds', () => {
    fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 97 }), (bytes, chunk) => {
      const d = new StreamDecoder(limits);
      for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
      const r = d.end();
      if (!r.ok) return typeof r.reason === 'string' && r.reason.length < 400;
      const c = r.capture;
      expect(c.entries).toBeLessThanOrEqual(limits.maxEntries!);
      for (const f of c.files.values()) expect(f.bytes.length).toBeLessThanOrEqual(f.kind === 'text' ? limits.maxTextBytes! : limits.maxBinaryBytes!);
      for (const blocks of c.commands.values()) for (const b of blocks) {
        expect(b.stdout.length).toBeLessThanOrEqual(limits.maxCommandBytes!);
        expect(b.stderr.length).toBeLessThanOrEqual(limits.maxStderrBytes!);
      }
      for (const p of [...c.files.keys(), ...c.dirs]) expect(p.split('/').every((s) => s !== '..' && s !== '' && s !== '.')).toBe(true);
      return true;
    }), { numRuns: 3000 });
  });

  it('chunking does not change the result', () => {
    fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 13 }), (bytes, chunk) => {
      const whole = decodeStream(bytes, limits);
      const d = new StreamDecoder(limits);
      for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
      const parts = d.end();
      expect(parts.ok).toBe(whole.ok);
      if (!parts.ok && !whole.ok) expect(parts.reason).toBe(whole.reason);
    }), { numRuns: 1000 });
  });

  it('whatever a decoded stream holds, the probe and the diagnosis over it never throw', async () => {
    await fc.assert(fc.asyncProperty(hostile, async (bytes) => {
      const r = decodeStream(bytes, limits);
      const host = new StreamHost('ssh://prop', r.ok ? r.capture : null, r.ok ? [] : [{ source: 'remote-stream', reason: r.reason }]);
      const report = diagnose(await probeHost(host));
      expect(['ok', 'warning', 'critical', 'unknown']).toContain(report.status);
      if (!r.ok) expect(report.status).not.toBe('ok');
    }), { numRuns: 300 });
  });
});
