import { describe, expect, it } from 'vitest';
import { parseInvocation, UsageError } from '../../src/options.js';
import { classifySshError, parseDestination, sshArgv } from '../../src/remote/ssh.js';

describe('--ssh on the command line', () => {
  it('check --ssh builds a target; capture --ssh too', () => {
    const inv = parseInvocation(['check', '--ssh', 'root@dom0:2222', '--ssh.identity-file', '/k', '--ssh.known-hosts', '/kh', '--ssh.mode', 'stdin', '--ssh.timeout', '45s']);
    expect(inv).toMatchObject({ command: 'check', remote: { destination: 'root@dom0:2222', identityFile: '/k', knownHostsFile: '/kh', mode: 'stdin', timeoutMs: 45_000 } });
    expect(parseInvocation(['capture', '--ssh', 'dom0', '--out', '/tmp/x'])).toMatchObject({ command: 'capture', remote: { destination: 'dom0', mode: 'forced', timeoutMs: 30_000 } });
    expect(parseInvocation(['check'])).toMatchObject({ command: 'check', remote: null, host: { root: '/' } });
  });

  it.each([
    [['check', '--ssh', 'dom0', '--root', '/tmp'], /exclude each other/],
    [['check', '--ssh', 'dom0', '--ssh.mode', 'telnet'], /forced or stdin/],
    [['check', '--ssh.identity-file', '/k'], /needs --ssh/],
    [['check', '--ssh=-oProxyCommand=evil'], /not an SSH destination/],
    [['check', '--ssh', 'dom0:99999'], /bad port/],
    [['check', '--ssh', 'dom0', '--ssh.timeout', '0s'], /--ssh.timeout/],
    [['serve', '--ssh', 'dom0'], /for check and capture/],
  ])('refuses %j', (argv, why) => {
    expect(() => parseInvocation(argv)).toThrow(UsageError);
    expect(() => parseInvocation(argv)).toThrow(why);
  });
});

describe('the ssh argv', () => {
  it('is fixed: batch mode, strict host keys, no forwarding, the destination after --', () => {
    const argv = sshArgv({ destination: 'root@[fd00::5]:2200', mode: 'forced', identityFile: '/k', knownHostsFile: '/kh', timeoutMs: 30_000 });
    expect(argv).toEqual(['ssh', '-T', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=10', '-o', 'ClearAllForwardings=yes',
      '-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', '-o', 'PermitLocalCommand=no', '-o', 'RemoteCommand=none', '-o', 'RequestTTY=no',
      '-o', 'UserKnownHostsFile=/kh', '-i', '/k', '-o', 'IdentitiesOnly=yes', '-p', '2200', '--', 'root@fd00::5']);
    expect(sshArgv({ destination: 'dom0', mode: 'stdin', timeoutMs: 5000 }).slice(-4)).toEqual(['--', 'dom0', 'sh', '-s']);
    expect(parseDestination('xcp-7')).toEqual({ host: 'xcp-7', port: null });
  });
});

describe('what ssh says, typed', () => {
  // OpenSSH's own messages (sshconnect.c, ssh.c, sshconnect2.c of 9.x), as ssh prints them on stderr.
  it.each([
    ['No ED25519 host key is known for [10.0.0.5]:22 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'host-key', /unknown or changed host key for d: add it with ssh-keyscan after checking its fingerprint/],
    ['@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n', 'host-key', /unknown or changed host key/],
    ['root@10.0.0.5: Permission denied (publickey).\n', 'auth-refused', /refused the key .* — ssh said: root@10\.0\.0\.5: Permission denied \(publickey\)\./],
    ['ssh: connect to host 10.0.0.5 port 22: Connection refused\n', 'connection-refused', /Connection refused/],
    ['ssh: connect to host 10.0.0.5 port 22: No route to host\n', 'unreachable', /unreachable — ssh said: ssh: connect to host 10\.0\.0\.5 port 22: No route to host/],
    ['ssh: Could not resolve hostname nosuch: Name or service not known\n', 'unreachable', /Could not resolve hostname/],
    ['ssh: connect to host 10.0.0.5 port 22: Connection timed out\n', 'unreachable', /did not answer/],
    ['something new\n', 'unreachable', /ssh to d failed — ssh said: something new/],
  ])('%j', (stderr, kind, message) => {
    const f = classifySshError('d', stderr);
    expect(f.kind).toBe(kind);
    expect(f.message).toMatch(message);
  });
});
