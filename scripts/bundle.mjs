// Builds dist/xen-pm-exporter.mjs: the daemon and its dependencies in one file that a dom0 without
// npm runs with plain `node xen-pm-exporter.mjs`. pino-pretty (TTY only) is left out: logs stay JSON.
import { build } from 'esbuild';
import fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/xen-pm-exporter.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['pino-pretty'],
  define: { __XEN_PM_EXPORTER_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies call require(); give the ES module one.
  banner: { js: "import { createRequire as __xpmCreateRequire } from 'node:module';\nconst require = __xpmCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
fs.chmodSync('dist/xen-pm-exporter.mjs', 0o755);
console.log(`dist/xen-pm-exporter.mjs (${(fs.statSync('dist/xen-pm-exporter.mjs').size / 1024).toFixed(0)} KiB, version ${pkg.version})`);
