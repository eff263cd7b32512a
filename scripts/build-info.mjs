// Writes dist/build-info.json: the git revision and branch this build came from, for xen_pm_build_info
// and --version. Outside a git checkout (a tarball) both are "unknown".
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const git = (...args) => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
};
const info = { revision: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD') };
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/build-info.json', `${JSON.stringify(info)}\n`);
