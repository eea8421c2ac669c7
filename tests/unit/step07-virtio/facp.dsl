/*
 * facp.dsl - the reference FADT for test_acpi.c (the 4-vCPU machine whose
 * DSDT is dsdt.asl, at 0xE01F0): hardware-reduced ACPI 6.5.  Everything
 * is zero but the flags, the DSDT's 64-bit address and the two sleep
 * registers.  iasl's data-table compiler turns it into bytes.
 * Spec: ACPI 6.5 "Fixed ACPI Description Table (FADT)", "IA-PC Boot
 * Architecture Flags", "Fixed ACPI Description Table Fixed Feature
 * Flags", "Generic Address Structure (GAS)", "Sleep Control and Status
 * Registers".
 */
[0004]                    Signature : "FACP"
[0004]                 Table Length : 00000114
[0001]                     Revision : 06          // ACPI 6.5 (minor revision below)
[0001]                     Checksum : 00          // iasl computes it
[0006]                       Oem ID : "HVCOUR"
[0008]                 Oem Table ID : "HVSTEP07"
[0004]                 Oem Revision : 00000001
[0004]              Asl Compiler ID : "HVCR"      // iasl writes its own
[0004]        Asl Compiler Revision : 00000001

[0004]                 FACS Address : 00000000
[0004]                 DSDT Address : 00000000    // X_DSDT below is the one
[0001]                        Model : 00
[0001]                   PM Profile : 00 [Unspecified]
[0002]                SCI Interrupt : 0000
[0004]             SMI Command Port : 00000000
[0001]            ACPI Enable Value : 00
[0001]           ACPI Disable Value : 00
[0001]               S4BIOS Command : 00
[0001]              P-State Control : 00
[0004]     PM1A Event Block Address : 00000000
[0004]     PM1B Event Block Address : 00000000
[0004]   PM1A Control Block Address : 00000000
[0004]   PM1B Control Block Address : 00000000
[0004]    PM2 Control Block Address : 00000000
[0004]       PM Timer Block Address : 00000000
[0004]           GPE0 Block Address : 00000000
[0004]           GPE1 Block Address : 00000000
[0001]       PM1 Event Block Length : 00
[0001]     PM1 Control Block Length : 00
[0001]     PM2 Control Block Length : 00
[0001]        PM Timer Block Length : 00
[0001]            GPE0 Block Length : 00
[0001]            GPE1 Block Length : 00
[0001]             GPE1 Base Offset : 00
[0001]                 _CST Support : 00
[0002]                   C2 Latency : 0000
[0002]                   C3 Latency : 0000
[0002]               CPU Cache Size : 0000
[0002]           Cache Flush Stride : 0000
[0001]            Duty Cycle Offset : 00
[0001]             Duty Cycle Width : 00
[0001]          RTC Day Alarm Index : 00
[0001]        RTC Month Alarm Index : 00
[0001]            RTC Century Index : 00
[0002]   Boot Flags (decoded below) : 002D
               Legacy Devices Supported (V2) : 1   // COM1
            8042 Present on ports 60/64 (V2) : 0   // Linux skips the i8042
                        VGA Not Present (V4) : 1
                      MSI Not Supported (V4) : 1   // no PCI
                PCIe ASPM Not Supported (V4) : 0
                   CMOS RTC Not Present (V5) : 1   // kvmclock tells the time
[0001]                     Reserved : 00
[0004]        Flags (decoded below) : 00100031
      WBINVD instruction is operational (V1) : 1   // required
              WBINVD flushes all caches (V1) : 0
                    All CPUs support C1 (V1) : 0
                  C2 works on MP system (V1) : 0
            Control Method Power Button (V1) : 1   // no fixed button
            Control Method Sleep Button (V1) : 1
        RTC wake not in fixed reg space (V1) : 0
            RTC can wake system from S4 (V1) : 0
                        32-bit PM Timer (V1) : 0
                      Docking Supported (V1) : 0
               Reset Register Supported (V2) : 0
                            Sealed Case (V3) : 0
                    Headless - No Video (V3) : 0
        Use native instr after SLP_TYPx (V3) : 0
              PCIEXP_WAK Bits Supported (V4) : 0
                     Use Platform Timer (V4) : 0
               RTC_STS valid on S4 wake (V4) : 0
                Remote Power-on capable (V4) : 0
                 Use APIC Cluster Model (V4) : 0
     Use APIC Physical Destination Mode (V4) : 0
                       Hardware Reduced (V5) : 1   // HW_REDUCED_ACPI
                      Low Power S0 Idle (V5) : 0

[0012]               Reset Register : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0001]         Value to cause reset : 00
[0002]    ARM Flags (decoded below) : 0000
                              PSCI Compliant : 0
                       Must use HVC for PSCI : 0

[0001]          FADT Minor Revision : 05    // 6.5
[0008]                 FACS Address : 0000000000000000
[0008]                 DSDT Address : 00000000000E01F0    // X_DSDT
[0012]             PM1A Event Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]             PM1B Event Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]           PM1A Control Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]           PM1B Control Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]            PM2 Control Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]               PM Timer Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]                   GPE0 Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000

[0012]                   GPE1 Block : [Generic Address Structure]
[0001]                     Space ID : 00 [SystemMemory]
[0001]                    Bit Width : 00
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 00 [Undefined/Legacy]
[0008]                      Address : 0000000000000000


[0012]       Sleep Control Register : [Generic Address Structure]
[0001]                     Space ID : 01 [SystemIO]
[0001]                    Bit Width : 08
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 01 [Byte Access:8]
[0008]                      Address : 0000000000000600    // MACHINE_ACPI_SLEEP_CONTROL_PORT

[0012]        Sleep Status Register : [Generic Address Structure]
[0001]                     Space ID : 01 [SystemIO]
[0001]                    Bit Width : 08
[0001]                   Bit Offset : 00
[0001]         Encoded Access Width : 01 [Byte Access:8]
[0008]                      Address : 0000000000000601    // MACHINE_ACPI_SLEEP_STATUS_PORT

[0008]                Hypervisor ID : 0000000000000000

