; SPDX-License-Identifier: GPL-2.0
;
; guest.asm - the step04 guest: a flat binary that starts like a PC boot
; sector, in real mode at 0000:7C00, switches itself to 32-bit protected
; mode (unrestricted guest lets VMX run real mode directly), and then uses
; three kinds of guest-physical memory:
;   - RAM the VMM mapped before the start (its code, data and stack);
;   - RAM the VMM maps on demand, on the first touch of each page;
;   - a console device that is not memory at all (every access is emulated).
; It ends with an instruction fetch from the device, which the VMM refuses.
;
; Every instruction that leaves the guest is marked "exit:".
;
; Spec: Intel SDM Vol. 3, "Switching to Protected Mode", "Segment
; Descriptors"; "Unrestricted Guests"; "EPT Violations".
;
%include "guest_abi.inc"

%define CR0_PE			0x01	; protection enable
; Segment descriptor access byte and flags ("Segment Descriptors").
%define DESC_PRESENT		0x80
%define DESC_CODE_OR_DATA	0x10	; S = 1
%define DESC_TYPE_CODE_XR	0x0a	; execute/read
%define DESC_TYPE_DATA_RW	0x02	; read/write
%define DESC_FLAGS_G_DB		0xc	; 4 KiB granularity, 32-bit

; A flat descriptor: base 0, limit 4 GiB, access byte %1.
%macro FLAT_DESCRIPTOR 1
	dw	0xffff			; limit 15:0
	dw	0			; base 15:0
	db	0			; base 23:16
	db	%1			; access byte
	db	(DESC_FLAGS_G_DB << 4) | 0xf	; flags, limit 19:16
	db	0			; base 31:24
%endmacro

%define CODE32_SELECTOR		(gdt.code - gdt)
%define DATA32_SELECTOR		(gdt.data - gdt)
%define DEMAND_PATTERN		0x01010101

	org	GUEST_LOAD_ADDR

; book:begin real_mode
	bits	16
real_mode_entry:
	cli
	xor	ax, ax
	mov	ds, ax
	lgdt	[gdt_descriptor]
	mov	eax, cr0
	or	eax, CR0_PE
	mov	cr0, eax
	jmp	dword CODE32_SELECTOR:protected_mode_entry
; book:end real_mode

; book:begin protected_mode
	bits	32
protected_mode_entry:
	mov	ax, DATA32_SELECTOR
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	esp, GUEST_STACK_TOP

	; (2) Say hello through the console. (exit: EPT violations)
	mov	esi, hello
	call	console_puts

	; (1) Touch each demand page once: page i gets (i + 1) * 0x01010101.
	mov	edi, GUEST_DEMAND_BASE
	mov	ecx, GUEST_DEMAND_PAGES
	mov	eax, DEMAND_PATTERN
.touch:
	mov	[edi], eax		; exit: EPT violation (first touch)
	add	eax, DEMAND_PATTERN
	add	edi, GUEST_PAGE_SIZE
	loop	.touch

	; Checksum: the sum of every dword of those pages (fresh pages are 0).
	mov	esi, GUEST_DEMAND_BASE
	mov	ecx, GUEST_DEMAND_PAGES * GUEST_PAGE_SIZE / 4
	xor	ebx, ebx
.sum:
	add	ebx, [esi]
	add	esi, 4
	loop	.sum
	mov	eax, HC_REPORT_RESULT
	vmcall				; exit: VMCALL

	; (3) Execute from the device: the VMM refuses. (exit: EPT violation)
	mov	eax, GUEST_DEVICE_BASE
	jmp	eax
; book:end protected_mode

; book:begin console
; Write the NUL-terminated string at esi to the console, waiting for
; STATUS to say READY before each character. Both accesses are emulated
; by the VMM, which decodes exactly these two forms: 8A /r (mov dl, [ebx])
; and 88 /r (mov [ebx], al).
console_puts:
	lodsb
	test	al, al
	jz	.done
	mov	ebx, CONSOLE_STATUS
.wait:
	mov	dl, [ebx]		; exit: EPT violation, emulated read
	test	dl, CONSOLE_STATUS_READY
	jz	.wait
	mov	ebx, CONSOLE_DATA
	mov	[ebx], al		; exit: EPT violation, emulated write
	jmp	console_puts
.done:
	ret
; book:end console

hello:	db	"hello, EPT", 0

	align	8
gdt:
.null:	dq	0
.code:	FLAT_DESCRIPTOR DESC_PRESENT | DESC_CODE_OR_DATA | DESC_TYPE_CODE_XR
.data:	FLAT_DESCRIPTOR DESC_PRESENT | DESC_CODE_OR_DATA | DESC_TYPE_DATA_RW
gdt_descriptor:
	dw	gdt_descriptor - gdt - 1	; limit
	dd	gdt				; base
