/*
 * xsdt.dsl - the reference XSDT for test_acpi.c (the 4-vCPU machine): the
 * FADT and the MADT at the addresses the layout gives them.
 * Spec: ACPI 6.5 "Extended System Description Table (XSDT)".
 */
[0004]                    Signature : "XSDT"
[0004]                 Table Length : 00000034
[0001]                     Revision : 01
[0001]                     Checksum : 00          // iasl computes it
[0006]                       Oem ID : "HVCOUR"
[0008]                 Oem Table ID : "HVSTEP07"
[0004]                 Oem Revision : 00000001
[0004]              Asl Compiler ID : "HVCR"
[0004]        Asl Compiler Revision : 00000001

[0008]       ACPI Table Address   0 : 00000000000E0070    // FADT
[0008]       ACPI Table Address   1 : 00000000000E0190    // MADT

