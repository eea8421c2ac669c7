/*
 * dsdt_bare.asl - the reference DSDT of a machine with no COM1 and no
 * virtio device: an empty \_SB and \_S5, the least a DSDT of ours holds.
 */
DefinitionBlock ("", "DSDT", 2, "HVCOUR", "HVSTEP07", 0x00000001)
{
    Scope (_SB)
    {
    }

    Name (_S5, Package (0x01) { 0x05 })
}
