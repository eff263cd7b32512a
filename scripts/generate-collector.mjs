// Writes collector/xen-pm-collect from the command table and the read manifest (src/remote/collector-script.ts).
// Run through `npm run collector`, which builds first. test/remote/collector-script.test.ts fails while the
// checked-in file differs from what this writes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectorScript } from '../dist/src/remote/collector-script.js';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'collector', 'xen-pm-collect');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, collectorScript(), { mode: 0o755 });
fs.chmodSync(out, 0o755);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
