import { describe, expect, it } from 'vitest';
import { blocksOf } from '../xen/boot.js';

/**
 * The real-Xen harness reads dom0's answers off the serial console it shares with Xen. This line is
 * from a real boot (Xen 4.20 under QEMU TCG on a loaded host, test/xen, 2026-12-01): Xen's message cut
 * a base64 line of the capture in two.
 */
const CUT = 'VgrMzOqPkoiEGNXHpXy5wk4xv+cmql/N4E0e0u8Q+CiQ6uPy8kdQo4nfc+NQJbzJL/HLH0HG0mpx(XEN) [  191.470193] uart interrupt taking more than 4ms, switched to poll';

describe('console blocks', () => {
  it('drops Xen\'s own lines and joins a dom0 line that Xen cut in two', () => {
    const log = ['noise', 'XPM-BEGIN capture-tgz@s', 'AAAA', '(XEN) [  12.0] something', CUT, 'REST', 'BBBB', 'XPM-END capture-tgz@s', 'after'].join('\r\n');
    expect(blocksOf(log)).toEqual({ 'capture-tgz@s': ['AAAA', `${CUT.slice(0, CUT.indexOf('(XEN)'))}REST`, 'BBBB'].join('\n') });
  });
  it('keeps blocks apart and ignores an END of another block', () => {
    expect(blocksOf('XPM-BEGIN a\n1\nXPM-END b\n2\nXPM-END a\nXPM-BEGIN b\n3\nXPM-END b\n')).toEqual({ a: '1\nXPM-END b\n2', b: '3' });
  });
});
