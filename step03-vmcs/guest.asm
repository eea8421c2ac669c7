; SPDX-License-Identifier: GPL-2.0
;
; guest.asm - the step03 guest: 64-bit code that runs in VMX non-root
; operation on the host's page tables, from wherever the module's text put
; it (position independent: no absolute addresses), on a stack of its own.
;
; Every instruction that leaves the guest is marked "exit:". The VMM decides
; what each one does (CPUID is answered by the VMM, VMCALL is the guest's
; way to talk to it, HLT ends the guest since HLT exiting is on).
;
; Spec: Intel SDM Vol. 3, "Instructions That Cause VM Exits
; Unconditionally" (CPUID, VMCALL), "Instructions That Cause VM Exits
; Conditionally" (HLT with "HLT exiting").
;
BITS 64
%include "guest_abi.inc"

; book:begin guest
guest_entry:
	; Who is my hypervisor? (exit: CPUID)
	mov	eax, GUEST_CPUID_SIGNATURE_LEAF
	cpuid
	; Tell it what I saw: EBX, ECX, EDX still hold the signature.
	mov	eax, HC_REPORT_SIGNATURE
	vmcall					; exit: VMCALL

	; 1 + 2 + ... + 100, through a call: the stack is mine.
	mov	ecx, 100
	call	sum_to
	mov	ebx, eax
	mov	eax, HC_REPORT_RESULT
	vmcall					; exit: VMCALL

	hlt					; exit: HLT, the end

; eax = 1 + 2 + ... + ecx
sum_to:
	xor	eax, eax
.next:
	add	eax, ecx
	loop	.next
	ret
; book:end guest
