/* QEMU-style DSDT: processor objects \_SB.CPUS.C000/C001 as QEMU's ACPI builder declares them, with no _PSS/_PCT/_PPC. */
DefinitionBlock ("dsdt.aml", "DSDT", 1, "BOCHS ", "BXPC    ", 0x00000001)
{
    Scope (\_SB)
    {
        Device (CPUS)
        {
            Name (_HID, "ACPI0010")
            Name (_CID, EisaId ("PNP0A05"))
            Processor (C000, 0x00, 0x00000000, 0x00) { Method (_STA, 0, Serialized) { Return (0x0F) } }
            Processor (C001, 0x01, 0x00000000, 0x00) { Method (_STA, 0, Serialized) { Return (0x0F) } }
        }
    }
}
