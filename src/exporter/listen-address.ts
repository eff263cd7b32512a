/** `:9863`, `0.0.0.0:9863`, `127.0.0.1:9863`, `[::1]:9863`, `localhost:9863` → host and port. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr.trim());
  if (!m) throw new Error(`--web.listen-address: expected [host]:port, got ${JSON.stringify(addr)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`--web.listen-address: port out of range in ${JSON.stringify(addr)}`);
  const host = m[1] ?? (m[2] || '::');
  return { host, port };
}

export const DEFAULT_LISTEN_ADDRESS = ':9863';
