/** The Debian releases the real-Xen matrix boots: each with its own hypervisor, tools and dom0 kernel. */
export interface Release {
  suite: 'bullseye' | 'bookworm' | 'trixie';
  debian: number;
  xen: '4.14' | '4.17' | '4.20';
  linux: string;
}

export const RELEASES = {
  bullseye: { suite: 'bullseye', debian: 11, xen: '4.14', linux: '5.10' },
  bookworm: { suite: 'bookworm', debian: 12, xen: '4.17', linux: '6.1' },
  trixie: { suite: 'trixie', debian: 13, xen: '4.20', linux: '6.12' },
} as const satisfies Record<string, Release>;
