/*
 * P-states for QEMU's processor objects (\_SB.CPUS.C000, C001, ...). The block between XPM-CPU-BEGIN
 * and XPM-CPU-END is repeated once per processor object by test/xen/ssdt.ts (CNNN = the object's name,
 * DOMAIN = its index), so the table declares exactly the objects QEMU's DSDT has (2, or 4 with SMT).
 * _PCT uses SystemIO space (port 0x80): the FFixedHW/MSR form needs CPUID EST, which QEMU's TCG cannot
 * provide. PPC_VALUE is replaced per scenario (0: all states usable; 2: the top two forbidden). The top
 * entry is "max non-turbo + 1 MHz", the way Intel firmware lists turbo for acpi-cpufreq.
 */
DefinitionBlock ("", "SSDT", 2, "XPMTST", "PSTATES", 0x00000001)
{
    // XPM-CPU-BEGIN
    External (\_SB.CPUS.CNNN, ProcessorObj)
    Scope (\_SB.CPUS.CNNN)
    {
        Name (_PCT, Package (0x02) {
            ResourceTemplate () { Register (SystemIO, 0x08, 0x00, 0x0000000000000080, ,) },
            ResourceTemplate () { Register (SystemIO, 0x08, 0x00, 0x0000000000000080, ,) }
        })
        Name (_PSS, Package (0x04) {
            Package (0x06) { 2401, 35000, 10, 10, 0x00, 0x00 },
            Package (0x06) { 2400, 30000, 10, 10, 0x01, 0x01 },
            Package (0x06) { 1800, 20000, 10, 10, 0x02, 0x02 },
            Package (0x06) { 1200, 10000, 10, 10, 0x03, 0x03 }
        })
        Method (_PPC, 0, NotSerialized) { Return (PPC_VALUE) }
        Name (_PSD, Package (0x01) { Package (0x05) { 0x05, 0x00, DOMAIN, 0xFC, 0x01 } })
    }
    // XPM-CPU-END
}
