/*
 * dsdt.asl - the reference DSDT for test_acpi.c: COM1 and three
 * virtio-mmio transports where the VMM puts them (MACHINE_VIRTIO_BASE +
 * i * 0x1000, GSI 16 + i), and \_S5.  tests/Makefile compiles it with
 * iasl; test_acpi.c builds the same machine and compares every byte of
 * the AML and of the header fields we set.
 * Spec: ACPI 6.5 "Differentiated System Description Table (DSDT)",
 * "Device Configuration" (_HID, _UID, _CRS), "\_Sx (System States)".
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

        Device (V000)
        {
            Name (_HID, "LNRO0005")             // virtio-mmio (Linux's ID)
            Name (_UID, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000000, 0x00001000)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {16}
            })
        }

        Device (V001)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, One)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0001000, 0x00001000)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {17}
            })
        }

        Device (V002)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, 0x02)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0002000, 0x00001000)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {18}
            })
        }
    }

    /* S5 (soft off): the SLP_TYP the OS writes to the sleep control register. */
    Name (_S5, Package (0x01) { 0x05 })
}
