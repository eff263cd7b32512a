import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHost } from '../../src/probe/open-host.js';
import { Recorder } from '../../src/probe/recorder.js';
import { parseCaptureHostname, parseHostname, readPlatform } from '../../src/probe/read-platform.js';
import { FIXTURES, reportFor, tmpDir } from '../helpers.js';

/** A root holding the given files (relative path → content). */
function rootWith(files: Record<string, string>): string {
  const root = tmpDir('hostname-');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const hostnameOf = (root: string, live: boolean) => {
  const rec = new Recorder({ ...openHost(root), live });
  return { name: readPlatform(rec).hostname, problems: rec.problems };
};

describe('the host name', () => {
  it('parses the kernel file and capture.json; the kernel default "(none)" and empty are unset', () => {
    expect(parseHostname('dom0-17\n')).toEqual({ ok: true, value: 'dom0-17' });
    expect(parseHostname('(none)\n')).toEqual({ ok: true, value: null });
    expect(parseHostname('\n')).toEqual({ ok: true, value: null });
    expect(parseHostname('a'.repeat(300))).toMatchObject({ ok: false });
    expect(parseCaptureHostname('{"formatVersion":1,"hostname":"vm"}')).toEqual({ ok: true, value: 'vm' });
    expect(parseCaptureHostname('{"hostname":"(none)"}')).toEqual({ ok: true, value: null });
    expect(parseCaptureHostname('{"formatVersion":1}')).toEqual({ ok: true, value: null });
    expect(parseCaptureHostname('{"hostname":7}')).toMatchObject({ ok: false });
    expect(parseCaptureHostname('not json')).toMatchObject({ ok: false });
  });

  it('a capture: capture.json wins over the recorded kernel file', () => {
    const root = rootWith({ 'capture.json': '{"hostname":"from-meta"}', 'proc/sys/kernel/hostname': 'from-proc\n' });
    expect(hostnameOf(root, false)).toEqual({ name: 'from-meta', problems: [] });
  });

  it('a capture with unusable or nameless capture.json falls back to the kernel file, without a probe problem', () => {
    expect(hostnameOf(rootWith({ 'capture.json': '{', 'proc/sys/kernel/hostname': 'h1\n' }), false)).toEqual({ name: 'h1', problems: [] });
    expect(hostnameOf(rootWith({ 'capture.json': '{"hostname":"(none)"}', 'proc/sys/kernel/hostname': 'h2\n' }), false).name).toBe('h2');
    expect(hostnameOf(rootWith({}), false)).toEqual({ name: null, problems: [] });
  });

  it('a live root reads only the kernel file, never a capture.json lying there', () => {
    const root = rootWith({ 'capture.json': '{"hostname":"stale"}', 'proc/sys/kernel/hostname': 'live-name\n' });
    expect(hostnameOf(root, true).name).toBe('live-name');
  });

  it('on this machine, the live root names the host as the kernel does', () => {
    const rec = new Recorder(openHost('/'));
    const name = readPlatform(rec).hostname;
    expect(name).toBe(os.hostname() === '(none)' ? null : os.hostname());
  });

  it('reaches the report: a fixture captured under QEMU names its host, one without a name says null', async () => {
    expect((await reportFor(path.join(FIXTURES, 'kvm-guest-this-machine'))).host).toEqual({ name: 'vm' });
    expect((await reportFor(path.join(FIXTURES, 'qemu-xen-4.17-pstates-uploaded'))).host).toEqual({ name: null });
  });
});
