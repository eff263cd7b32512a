/** What hypervisor a vendor string (DMI sys_vendor/product_name, `Hypervisor detected: …`) names. */
const HYPERVISOR_NAMES: Array<[RegExp, string]> = [
  [/^Xen/i, 'xen'], [/KVM/i, 'kvm'], [/Hyper-V/i, 'hyperv'], [/VMware/i, 'vmware'], [/ACRN/i, 'acrn'],
  [/Jailhouse/i, 'jailhouse'], [/bhyve/i, 'bhyve'], [/QEMU/i, 'kvm'], [/VirtualBox|innotek/i, 'virtualbox'],
  [/Amazon EC2/i, 'kvm'], [/Google Compute Engine/i, 'kvm'], [/Microsoft Corporation/i, 'hyperv'],
];

export function nameHypervisor(text: string | null): string | null {
  if (!text) return null;
  for (const [re, name] of HYPERVISOR_NAMES) if (re.test(text)) return name;
  return null;
}

/** A Xen release number (`4.17.5-pre` → 4, 17), for rules that depend on what a release prints. */
export interface XenRelease {
  major: number;
  minor: number;
}

export function parseXenRelease(text: string | null | undefined): XenRelease | null {
  const m = /^(\d+)\.(\d+)/.exec(text ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}
