; real.asm - a 16-bit real-mode guest for the vmm.
;
; Runs: inside the VM, in real-address mode (CS = DS = 0, IP = GUEST_LOAD_ADDR),
; as set up by setup_real_mode() in x86_modes.c.
; Spec: Intel SDM Vol. 1, "Real-Address Mode Memory Model"; Vol. 2, "OUTS",
; "REP", "LOOP", "HLT".
;
; It greets through the console port, adds 1 + 2 + ... + 100 in a 16-bit
; register, stores the sum at GUEST_RESULT_ADDR, leaves it in AX and halts.
; Expected result: 5050.

%include "layout.inc"

	bits 16
	org GUEST_LOAD_ADDR

; book:begin real
start:
	mov si, message			; DS:SI = the string
	mov cx, message_len
	mov dx, GUEST_CONSOLE_PORT
	rep outsb			; KVM_EXIT_IO, one per byte

	xor ax, ax			; ax = 100 + 99 + ... + 1
	mov cx, 100
.add:	add ax, cx
	loop .add

	mov [GUEST_RESULT_ADDR], ax	; the answer, in memory ...
	hlt				; ... and in AX: KVM_EXIT_HLT
; book:end real

message:	db "Hello from real mode: 1 + 2 + ... + 100", 10
message_len	equ $ - message
