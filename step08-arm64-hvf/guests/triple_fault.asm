; triple_fault.asm - a long-mode guest that crashes on purpose.
;
; Runs: inside the VM, in 64-bit mode (as long.asm).
; Spec: Intel SDM Vol. 3A, "Interrupt Descriptor Table (IDT)", "Interrupt
; 8 - Double Fault Exception (#DF)" (a fault while delivering #DF shuts the
; processor down: the "triple fault").
;
; First it prints a line that imitates the VMM's own, after the escape
; sequence that erases a terminal's line and a carriage return, and leaves
; it unfinished, no newline: the VMM's report of the crash must still start
; a line of its own, and the guest's text must not pass for the VMM's.  Then
; it loads an empty IDT and executes an undefined instruction: #UD cannot
; be delivered (#GP), nor can #GP (#DF), nor #DF: shutdown.  KVM reports
; KVM_EXIT_SHUTDOWN, and the VMM dumps the registers.

%include "layout.inc"

	bits 64
	org GUEST_LOAD_ADDR

start:
	mov rsi, message
	mov rcx, message_len
	mov dx, GUEST_CONSOLE_PORT
	rep outsb

	lidt [empty_idt]
	mov rax, 0xdead			; a marker to find in the register dump
	ud2

empty_idt:
	dw 0				; limit: no gate fits
	dq 0				; base

message:	db 27, "[2K", 13			; erase the line, carriage return
		db "vmm: long mode guest halted: result=1"	; no newline
message_len	equ $ - message
