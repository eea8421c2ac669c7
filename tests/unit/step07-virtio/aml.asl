/*
 * aml.asl - the reference for test_aml.c: one of each thing the AML
 * encoder (step07-virtio/boot/aml.c) writes.  tests/Makefile compiles it
 * with iasl -on (names exactly as written: no path shortening), and
 * test_aml.c encodes the same objects in the same order and compares
 * every byte after the table header.
 */
DefinitionBlock ("", "SSDT", 2, "HVCOUR", "AMLTEST", 1)
{
    /* "Data Objects Encoding": the smallest encoding of each integer. */
    Name (I000, 0)
    Name (I001, 1)
    Name (I002, 2)
    Name (I0FF, 0xFF)
    Name (I100, 0x0100)
    Name (IFFF, 0xFFFF)
    Name (I10K, 0x00010000)
    Name (I4GM, 0xFFFFFFFF)
    Name (I4GB, 0x0000000100000000)
    Name (IBIG, 0xFFFFFFFFFFFFFFFE)
    Name (IMAX, 0xFFFFFFFFFFFFFFFF)

    /* Strings */
    Name (SEMP, "")
    Name (SHID, "LNRO0005")

    /* Buffers */
    Name (BEMP, Buffer (Zero) {})
    Name (BTWO, Buffer () {0x12, 0x34})

    /* EisaId: three letters and four hex digits, packed into a DWord. */
    Name (E000, EisaId ("PNP0501"))
    Name (E001, EisaId ("PNP0A03"))
    Name (E002, EisaId ("QEM7EFF"))

    /* Packages, nested */
    Name (PKG0, Package (Zero) {})
    Name (PKG3, Package (0x03) { 0x05, "S", Package (One) { One } })

    /* Names: one segment (padded), parent prefix, dual and multi paths. */
    Scope (_SB)
    {
        Device (DEV0)
        {
            Name (_ADR, Zero)
            Device (SUB)
            {
                Name (_ADR, Zero)
            }
        }
        Name (^RT1, One)
    }
    Name (\_SB.DEV0.SUB.X, One)
    Name (_SB.DEV0.Y, 0x02)
    Name (_SB.Z, 0x03)

    /* "Resource Data Types for ACPI": every descriptor the encoder has. */
    Name (RES0, ResourceTemplate ()
    {
        Memory32Fixed (ReadWrite, 0xD0000000, 0x00001000)
        Memory32Fixed (ReadOnly, 0xFED00000, 0x00000400)
        Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {16}
        Interrupt (ResourceConsumer, Edge, ActiveLow, Shared) {0x12345678}
        Interrupt (ResourceProducer, Level, ActiveHigh, ExclusiveAndWake) {5}
        IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
        IO (Decode10, 0x0060, 0x0064, 0x04, 0x01)
        IRQNoFlags () {0}
        IRQNoFlags () {15}
    })
    Name (RES1, ResourceTemplate () {})
}
