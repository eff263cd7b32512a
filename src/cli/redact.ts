/**
 * `capture --redact`: what identifies a host or its network is replaced before a capture is written, so it can
 * be attached to a public bug report. Each distinct value gets one placeholder for the whole bundle (the same
 * MAC address is `02:00:00:00:00:01` in every file), in a form the readers still take: addresses stay addresses
 * (RFC 5737 / RFC 3849 documentation ranges), names stay words. What power management needs — frequencies,
 * states, driver names, kernel and Xen options other than root=/UUID= — is left alone, which the suite checks
 * by diagnosing a redacted capture of every fixture.
 *
 * Replaced: the host's own names (wherever they stand as a name), DMI serial numbers, asset tags and the product
 * UUID (whole files), MAC addresses, IPv4 and IPv6 addresses (loopback and unspecified ones are kept: they say
 * nothing about a host), and the values of `root=` and `UUID=`/`PARTUUID=` in command lines.
 * Not touched: binary files (ACPI tables, which hold OEM ids, not serials).
 */

const KINDS = ['host name', 'serial number', 'MAC address', 'IPv4 address', 'IPv6 address', 'root= value', 'UUID= value'] as const;
export type RedactionKind = (typeof KINDS)[number];

/** Files that are an identifier as a whole: DMI serials, asset tags, the product UUID. */
const IDENTIFIER_FILE = /^sys\/(?:class\/dmi\/id|devices\/virtual\/dmi\/id)\/(?:[^/]*serial[^/]*|[^/]*asset_tag|product_uuid)$/;

/** A host name in /proc/sys/kernel/hostname, and where a name stands in command output: `xl info`'s host line, a journal line's host field. */
const HOSTNAME_FILE = 'proc/sys/kernel/hostname';
const XL_INFO_HOST = /^(host\s*:\s*)(\S+)[ \t]*$/gm;
const JOURNAL_HOST = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )(\S+)( )/gm;

/**
 * Names too common to replace wherever they occur as a word: the readers look for these words in logs and
 * options (`xen`, `dom0`), and a two-letter name would hit unrelated text. Such a host name is replaced only
 * where it stands as the host's name (the hostname file, capture.json, xl info's host line, journal lines).
 */
const COMMON_WORDS = new Set(['xen', 'dom0', 'domu', 'linux', 'kernel', 'localhost', 'host', 'cpu', 'acpi', 'none', 'debian', 'ubuntu',
  'xenserver', 'xcp-ng', 'qubes', 'alpine', 'kvm', 'server', 'intel', 'amd', 'hwp', 'pstate', 'cpufreq', 'cpuidle', 'ondemand',
  'performance', 'powersave', 'userspace', 'schedutil', 'conservative', 'boot', 'root', 'unknown']);

const MAC = /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Not part of a longer dotted number (a 5-part version), not followed by more digits.
const IPV4 = new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?!\\d|\\.\\d)`, 'g');
// Full 8-group form, or a compressed one with `::`; bounded by anything that is not part of a word or address.
const IPV6 = /(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}(?:[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4})(?![\w:.])/g;
// PXELINUX's IPAPPEND 2 puts the boot NIC's MAC on the command line after a hardware type: BOOTIF=01-88-99-aa-bb-cc-dd.
const BOOTIF = /(BOOTIF=[0-9A-Fa-f]{2}-)([0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})(?![0-9A-Fa-f-])/g;
const ROOT = /(?<![\w.-])(root=)(\S+)/g;
const UUID = /(?<![\w.-])((?:PART)?UUID=)(\S+)/g;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private readonly seen = new Map<RedactionKind, Map<string, string>>();
  /** The host's names, longest first so `dom0-17.example.org` goes before `dom0-17`. */
  readonly names: string[];

  constructor(hostNames: Iterable<string | null | undefined>) {
    const names = new Set<string>();
    for (const n of hostNames) {
      const t = n?.trim();
      if (!t || t === '(none)') continue;
      names.add(t);
      // The short name of a fully qualified one stands alone in journal lines and prompts.
      const short = t.split('.')[0]!;
      if (short && short !== t) names.add(short);
    }
    this.names = [...names].sort((a, b) => b.length - a.length);
  }

  private placeholder(kind: RedactionKind, value: string, make: (n: number) => string): string {
    let m = this.seen.get(kind);
    if (!m) this.seen.set(kind, (m = new Map()));
    let p = m.get(value);
    if (p === undefined) m.set(value, (p = make(m.size + 1)));
    return p;
  }

  private mac(m: string): string {
    return this.placeholder('MAC address', m.toLowerCase().replace(/-/g, ':'), (n) => `02:00:00:00:${hex2(n >> 8)}:${hex2(n)}`);
  }

  /** The placeholder for one of the host's names (stable: the same name, the same placeholder). */
  hostName(name: string): string {
    return this.placeholder('host name', name.toLowerCase(), (n) => `redacted-host-${n}`);
  }

  private isName(word: string): boolean {
    return this.names.some((n) => n.toLowerCase() === word.toLowerCase());
  }

  /** Free text (a command's output, a log, a command line, a sysfs value). */
  text(input: string): string {
    let t = input
      .replace(ROOT, (_m, k: string, v: string) => k + this.placeholder('root= value', v, (n) => `REDACTED-ROOT-${n}`))
      .replace(UUID, (_m, k: string, v: string) => k + this.placeholder('UUID= value', v, (n) => `REDACTED-UUID-${n}`))
      .replace(BOOTIF, (_m, k: string, v: string) => k + this.mac(v).replace(/:/g, '-'))
      .replace(MAC, (m) => this.mac(m))
      .replace(IPV6, (m) => (isPlainIpv6(m) ? this.placeholder('IPv6 address', m.toLowerCase(), (n) => `2001:db8::${n.toString(16)}`) : m))
      .replace(IPV4, (m) => (m === '0.0.0.0' || m.startsWith('127.') ? m : this.placeholder('IPv4 address', m, ipv4Placeholder)));
    t = t.replace(XL_INFO_HOST, (m, k: string, v: string) => (this.isName(v) ? k + this.hostName(v) : m));
    t = t.replace(JOURNAL_HOST, (m, a: string, v: string, b: string) => (this.isName(v) ? a + this.hostName(v) + b : m));
    for (const name of this.names) {
      if (name.length < 3 || COMMON_WORDS.has(name.toLowerCase())) continue;
      // As a name: not inside a longer word, path or domain (`dom0-17` must not hit `dom0-170`).
      const re = new RegExp(`(?<![A-Za-z0-9_.-])${escapeRe(name)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'gi');
      t = t.replace(re, (m) => this.hostName(m));
    }
    return t;
  }

  /** A whole file read from the host, by its path under the root. */
  file(rel: string, text: string): string {
    const value = text.trim();
    if (IDENTIFIER_FILE.test(rel) && value) return `${this.placeholder('serial number', value, (n) => `REDACTED-SERIAL-${n}`)}\n`;
    if (rel === HOSTNAME_FILE && value && value !== '(none)') return `${this.hostName(value)}\n`;
    return this.text(text);
  }

  /** How many distinct values of each kind were replaced, for what `capture` prints. */
  counts(): Array<{ kind: RedactionKind; distinct: number }> {
    return KINDS.filter((k) => this.seen.has(k)).map((kind) => ({ kind, distinct: this.seen.get(kind)!.size }));
  }
}

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');

/** The n-th IPv4 placeholder, from the three documentation ranges (762 before they repeat). */
function ipv4Placeholder(n: number): string {
  const ranges = ['192.0.2', '198.51.100', '203.0.113'];
  return `${ranges[Math.floor((n - 1) / 254) % ranges.length]}.${((n - 1) % 254) + 1}`;
}

/** An IPv6 address worth hiding: at least two groups, so loopback (`::1`), `::` and `a::`-like text stay. */
function isPlainIpv6(m: string): boolean {
  return m.split(':').filter(Boolean).length >= 2;
}
