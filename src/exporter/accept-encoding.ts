/**
 * Does the client accept gzip (RFC 9110 §12.5.3)? `gzip;q=0` and `*;q=0` refuse it; an explicit `gzip`
 * entry wins over `*`. Malformed q-values count as 1, as most servers read them.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  let gzip: number | null = null;
  let star: number | null = null;
  for (const part of text.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    const w = Number.isFinite(weight) ? weight : 1;
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, w);
    else if (coding === '*') star = w;
  }
  return gzip !== null ? gzip > 0 : star !== null && star > 0;
}
