/*
 * apic.dsl - the reference MADT for test_acpi.c: the machine with 4 vCPUs
 * (APIC IDs 0-3, ACPI Processor UIDs 0-3) and KVM's in-kernel IOAPIC.
 * iasl's data-table compiler turns it into bytes at test-build time.
 * Spec: ACPI 6.5 "Multiple APIC Description Table (MADT)", "Processor
 * Local APIC Structure", "I/O APIC Structure".
 */
[0004]                          Signature : "APIC"
[0004]                       Table Length : 00000058    // 44 + 4 * 8 + 12
[0001]                           Revision : 06          // ACPI 6.5
[0001]                           Checksum : 00          // iasl computes it
[0006]                             Oem ID : "HVCOUR"
[0008]                       Oem Table ID : "HVSTEP07"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "HVCR"      // iasl writes its own
[0004]              Asl Compiler Revision : 00000001

[0004]                 Local Apic Address : FEE00000    // MACHINE_LAPIC_ADDR
[0004]              Flags (decoded below) : 00000001
                      PC-AT Compatibility : 1           // KVM's 8259s exist

[0001]                      Subtable Type : 00 [Processor Local APIC]
[0001]                             Length : 08
[0001]                       Processor ID : 00
[0001]                      Local Apic ID : 00
[0004]              Flags (decoded below) : 00000001
                        Processor Enabled : 1
                   Runtime Online Capable : 0

[0001]                      Subtable Type : 00 [Processor Local APIC]
[0001]                             Length : 08
[0001]                       Processor ID : 01
[0001]                      Local Apic ID : 01
[0004]              Flags (decoded below) : 00000001
                        Processor Enabled : 1
                   Runtime Online Capable : 0

[0001]                      Subtable Type : 00 [Processor Local APIC]
[0001]                             Length : 08
[0001]                       Processor ID : 02
[0001]                      Local Apic ID : 02
[0004]              Flags (decoded below) : 00000001
                        Processor Enabled : 1
                   Runtime Online Capable : 0

[0001]                      Subtable Type : 00 [Processor Local APIC]
[0001]                             Length : 08
[0001]                       Processor ID : 03
[0001]                      Local Apic ID : 03
[0004]              Flags (decoded below) : 00000001
                        Processor Enabled : 1
                   Runtime Online Capable : 0

[0001]                      Subtable Type : 01 [I/O APIC]
[0001]                             Length : 0C
[0001]                        I/O Apic ID : 00          // KVM's IOAPIC resets to ID 0
[0001]                           Reserved : 00
[0004]                            Address : FEC00000    // MACHINE_IOAPIC_ADDR
[0004]                          Interrupt : 00000000    // GSI base: pins 0-23 are GSIs 0-23
