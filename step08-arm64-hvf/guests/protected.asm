; protected.asm - a 32-bit protected-mode guest for the vmm.
;
; Runs: inside the VM, in 32-bit protected mode without paging, on the flat
; segments of the GDT the VMM wrote (setup_protected_mode() in x86_modes.c).
; Spec: Intel SDM Vol. 3A, "Protected-Mode Memory Management" (basic flat
; model); Vol. 2, "OUTS", "MOV".
;
; It greets, computes the 40th Fibonacci number in 32-bit registers, stores
; it at GUEST_RESULT_ADDR and in the MMIO result register, leaves it in EAX
; and halts.  Expected result: 102334155.

%include "layout.inc"

	bits 32
	org GUEST_LOAD_ADDR

; book:begin protected
start:
	mov esi, message
	mov ecx, message_len
	mov dx, GUEST_CONSOLE_PORT
	rep outsb

	xor eax, eax			; eax = fib(0)
	mov ebx, 1			; ebx = fib(-1): then fib(1) = 0 + 1
	mov ecx, 40
.next:	xadd eax, ebx			; eax, ebx = eax + ebx, eax
	loop .next			; eax = fib(40)

	mov [GUEST_RESULT_ADDR], eax	; RAM: stays in guest memory
	mov [GUEST_MMIO_RESULT], eax	; no RAM there: KVM_EXIT_MMIO
	hlt
; book:end protected

message:	db "Hello from protected mode: fib(40)", 10
message_len	equ $ - message
