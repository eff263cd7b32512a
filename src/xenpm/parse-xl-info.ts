import { toCount, toLines } from './normalize-text.js';

export interface XlInfo {
  fields: Record<string, string>;
  xenVersion: string | null;
  xenCommandline: string | null;
  nrCpus: number | null;
  maxCpuId: number | null;
  threadsPerCore: number | null;
}

/** `xl info`: `"%-23s: %s"` lines. Unknown keys are kept so evidence can quote them. */
export function parseXlInfo(stdout: string): XlInfo {
  const fields: Record<string, string> = {};
  for (const line of toLines(stdout)) {
    const m = /^([a-z_][a-z0-9_]*)\s*:\s?(.*)$/i.exec(line);
    if (m) fields[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  const version =
    fields['xen_version'] ??
    (fields['xen_major'] !== undefined && fields['xen_minor'] !== undefined
      ? `${fields['xen_major']}.${fields['xen_minor']}${fields['xen_extra'] ?? ''}`
      : undefined);
  return {
    fields,
    xenVersion: version && /^\d+\.\d+/.test(version) ? version : null,
    xenCommandline: fields['xen_commandline'] ?? null,
    nrCpus: toCount(fields['nr_cpus']),
    maxCpuId: toCount(fields['max_cpu_id']),
    threadsPerCore: toCount(fields['threads_per_core']),
  };
}
