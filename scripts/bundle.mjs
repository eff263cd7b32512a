// Builds dist/xen-pm-exporter.mjs: the daemon and its dependencies in one file that a dom0 without
// npm runs with plain `node xen-pm-exporter.mjs`.
// The licences of everything bundled travel with it: dist/THIRD-PARTY-LICENSES.txt beside the file,
// and the same text appended to the bundle as comments, so the single file is complete on its own.
import { build } from 'esbuild';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const OUT = 'dist/xen-pm-exporter.mjs';
const LICENSES = 'dist/THIRD-PARTY-LICENSES.txt';
const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
/** The git revision and branch baked into the bundle (xen_pm_build_info), "unknown" outside a checkout. */
function gitBuild() {
  const git = (...args) => {
    try { return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown'; } catch { return 'unknown'; }
  };
  return { revision: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD') };
}
const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  define: {
    __XEN_PM_EXPORTER_VERSION__: JSON.stringify(pkg.version),
    __XEN_PM_EXPORTER_BUILD__: JSON.stringify(gitBuild()),
  },
  // CommonJS dependencies call require(); give the ES module one.
  banner: {
    js: `// xen-pm-exporter ${pkg.version}, Apache-2.0. Bundled third-party packages and their licences are listed at the end of this file.\n` +
      "import { createRequire as __xpmCreateRequire } from 'node:module';\nconst require = __xpmCreateRequire(import.meta.url);\n" +
      // …and the CommonJS module globals some of them read (ssh2's agent code resolves a path with __dirname).
      "import { fileURLToPath as __xpmFileURLToPath } from 'node:url';\nconst __filename = __xpmFileURLToPath(import.meta.url);\nconst __dirname = __xpmFileURLToPath(new URL('.', import.meta.url));",
  },
  // Licence comments inside the sources (/*! ... */, @license) are kept at the end too.
  legalComments: 'eof',
  // ssh2's native crypto binding and cpu-features are optional speed-ups it loads inside try/catch; without
  // them it runs its pure-JS code. A native addon cannot live in one .mjs file, so they stay out.
  external: ['*.node', 'cpu-features'],
  metafile: true,
  logLevel: 'warning',
  // Written below in one rename, licences included: a reader (another build, the .deb packer, a test running
  // beside this one) never sees a half-written or licence-less file.
  write: false,
});

/** node_modules/<name>/ or node_modules/@scope/<name>/ of every bundled input: the packages inside. */
function bundledPackages(inputs) {
  const dirs = new Set();
  for (const file of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m) dirs.add(m[1]);
  }
  return [...dirs].sort();
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.|-|$)/i;
const packages = bundledPackages(Object.keys(result.metafile.inputs)).map((dir) => {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const files = fs.readdirSync(dir).filter((f) => LICENSE_FILE.test(f) && fs.statSync(path.join(dir, f)).isFile()).sort();
  const texts = files.map((f) => `--- ${f} ---\n${fs.readFileSync(path.join(dir, f), 'utf8').trim()}`);
  if (!texts.length) {
    // A few packages ship no licence file, only a licence section in their README: keep that, and say so.
    const readme = fs.readdirSync(dir).find((f) => /^readme(\.md)?$/i.test(f));
    const section = readme && /^#+\s*licen[cs]e\b[^\n]*\n([\s\S]*?)(?=^#+\s|(?![\s\S]))/im.exec(fs.readFileSync(path.join(dir, readme), 'utf8'));
    if (section && section[1].trim()) texts.push(`--- ${readme}, licence section (the package ships no licence file) ---\n${section[1].trim()}`);
  }
  return { name: meta.name, version: meta.version, license: typeof meta.license === 'string' ? meta.license : JSON.stringify(meta.license ?? null), texts };
});
const missing = packages.filter((p) => !p.texts.length);
if (missing.length) {
  // An MIT/BSD/Apache licence must travel with the code; a package that ships no text needs a look.
  console.error(`bundle: no licence file in ${missing.map((p) => `${p.name}@${p.version}`).join(', ')}`);
  process.exit(1);
}

const text = [
  `Third-party software bundled in xen-pm-exporter ${pkg.version} (dist/xen-pm-exporter.mjs).`,
  `xen-pm-exporter itself is licensed under the Apache License 2.0 (LICENSE).`,
  `${packages.length} packages:`,
  ...packages.map((p) => `  ${p.name}@${p.version} (${p.license})`),
  '',
  ...packages.flatMap((p) => [`=== ${p.name}@${p.version} — ${p.license} ===`, ...p.texts, '']),
].join('\n');
const code = result.outputFiles.find((f) => f.path.endsWith('.mjs')).text;
const licenceComment = `\n// ${'='.repeat(76)}\n${text.split('\n').map((l) => `// ${l}`.trimEnd()).join('\n')}\n`;
const atomically = (file, content, mode) => {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
};
atomically(LICENSES, text, 0o644);
atomically(OUT, code + licenceComment, 0o755);
console.log(`${OUT} (${(fs.statSync(OUT).size / 1024).toFixed(0)} KiB, version ${pkg.version}, ${packages.length} bundled packages; licences in ${LICENSES})`);
