/*
 * dsdt_pvpanic.asl - the reference DSDT of the machine the VMM builds for
 * Linux: COM1, pvpanic, and two virtio-mmio transports (the console and a
 * disk) with windows of 0x200 bytes, 0x1000 apart, on GSIs 16 and 17;
 * \_S5.  test_acpi.c compares the VMM's DSDT for the same machine with
 * iasl's, byte for byte.
 * Spec: ACPI 6.5 "Differentiated System Description Table (DSDT)",
 * "Device Configuration" (_HID, _UID, _CRS); QEMU's docs/specs/pvpanic.rst
 * (the ID QEMU0001 and its I/O port).
 */
DefinitionBlock ("", "DSDT", 2, "HVCOUR", "HVSTEP07", 0x00000001)
{
    Scope (_SB)
    {
        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))     // 16550A-compatible COM port
            Name (_UID, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
                IRQNoFlags () {4}
            })
        }

        Device (PEVT)
        {
            Name (_HID, "QEMU0001")             // pvpanic
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x0505, 0x0505, 0x01, 0x01)
            })
        }

        Device (V000)
        {
            Name (_HID, "LNRO0005")             // virtio-mmio (Linux's ID)
            Name (_UID, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000000, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {16}
            })
        }

        Device (V001)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, One)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0001000, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {17}
            })
        }
    }

    /* S5 (soft off): the SLP_TYP the OS writes to the sleep control register. */
    Name (_S5, Package (0x01) { 0x05 })
}
