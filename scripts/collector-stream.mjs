// The stream collector/xen-pm-collect prints for a capture directory, run here under dash with fake
// xenpm/xl/dmesg/journalctl that replay the capture's commands/ (as test/remote/collector-harness.ts does).
// Used by the benchmarks to get a realistic stream of a generated host.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SH_QUOTE = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The stream the collector prints for a capture directory, with fake tools replaying its commands/. */
export function collectorStream(root, tmp) {
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const replay = (nameExpr) => `#!/bin/sh
d=${SH_QUOTE(path.join(root, 'commands'))}
n=${nameExpr}
[ -e "$d/$n.exit" ] || { echo "not recorded: $n" >&2; exit 99; }
[ ! -e "$d/$n.stdout" ] || cat "$d/$n.stdout"
[ ! -e "$d/$n.stderr" ] || cat "$d/$n.stderr" >&2
exit "$(cat "$d/$n.exit")"
`;
  for (const [name, expr] of Object.entries({ xenpm: 'xenpm-$1', xl: 'xl-$1', dmesg: 'dmesg', journalctl: 'journalctl' })) {
    fs.writeFileSync(path.join(bin, name), replay(expr), { mode: 0o755 });
  }
  return execFileSync('/usr/bin/dash', [path.join(REPO, 'collector/xen-pm-collect'), '--root', root], {
    env: { PATH: `${bin}:/usr/bin:/bin` }, maxBuffer: 1 << 28,
  });
}

