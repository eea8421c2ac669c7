; long.asm - a 64-bit long-mode guest for the vmm.
;
; Runs: inside the VM, in 64-bit mode with paging: identity-mapped by the
; page tables the VMM built (setup_long_mode() in x86_modes.c).
; Spec: Intel SDM Vol. 3A, "IA-32e Mode" and "4-Level Paging"; Vol. 2, "IMUL".
;
; It greets, computes 20! (the largest factorial that fits in 64 bits),
; stores it at GUEST_RESULT_ADDR and in the MMIO result register, leaves it
; in RAX and halts.  Expected result: 2432902008176640000.

%include "layout.inc"

	bits 64
	org GUEST_LOAD_ADDR

; book:begin long
start:
	mov rsi, message
	mov rcx, message_len
	mov dx, GUEST_CONSOLE_PORT
	rep outsb

	mov eax, 1			; rax = 20 * 19 * ... * 1
	mov ecx, 20
.mul:	imul rax, rcx
	loop .mul

	mov [GUEST_RESULT_ADDR], rax
	mov [GUEST_MMIO_RESULT], rax	; an 8-byte KVM_EXIT_MMIO
	hlt
; book:end long

message:	db "Hello from long mode: 20!", 10
message_len	equ $ - message
