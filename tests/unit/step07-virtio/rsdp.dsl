/*
 * rsdp.dsl - the reference RSDP for test_acpi.c: revision 2, the XSDT at
 * 0xE0030, no RSDT.  iasl computes both checksums, so every byte of ours
 * must match.
 * Spec: ACPI 6.5 "Root System Description Pointer (RSDP) Structure".
 */
[0008]                          Signature : "RSD PTR "
[0001]                           Checksum : 00          // of the first 20 bytes
[0006]                             Oem ID : "HVCOUR"
[0001]                           Revision : 02
[0004]                       RSDT Address : 00000000
[0004]                             Length : 00000024
[0008]                       XSDT Address : 00000000000E0030
[0001]                  Extended Checksum : 00          // of all 36 bytes
[0003]                           Reserved : 000000
