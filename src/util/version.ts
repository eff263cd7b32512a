import fs from 'node:fs';

/** Read from package.json next to the build, so `npm version` is the single source. */
function readVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'xen-pm-exporter' && pkg.version) return pkg.version;
    } catch { /* try the next layout (bundle vs dist) */ }
  }
  return '0.0.0-unknown';
}

/** Set by the single-file bundle (scripts/bundle.mjs), which has no package.json beside it. */
declare const __XEN_PM_EXPORTER_VERSION__: string | undefined;
declare const __XEN_PM_EXPORTER_BUILD__: { revision: string; branch: string } | undefined;

export const VERSION = typeof __XEN_PM_EXPORTER_VERSION__ === 'string' ? __XEN_PM_EXPORTER_VERSION__ : readVersion();

/** The git revision and branch of this build (dist/build-info.json, written by scripts/build-info.mjs). */
function readBuild(): { revision: string; branch: string } {
  try {
    const b = JSON.parse(fs.readFileSync(new URL('../../build-info.json', import.meta.url), 'utf8')) as { revision?: string; branch?: string };
    return { revision: b.revision || 'unknown', branch: b.branch || 'unknown' };
  } catch {
    return { revision: 'unknown', branch: 'unknown' };
  }
}

export const BUILD = typeof __XEN_PM_EXPORTER_BUILD__ === 'object' && __XEN_PM_EXPORTER_BUILD__ ? __XEN_PM_EXPORTER_BUILD__ : readBuild();
