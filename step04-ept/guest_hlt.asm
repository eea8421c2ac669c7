; SPDX-License-Identifier: GPL-2.0
;
; guest_hlt.asm - the smallest guest: one HLT. With HLT exiting on, its
; first instruction ends VMX non-root operation again: one VMLAUNCH, one VM
; exit, back in the VMM (the module's guest=hlt). HLT is the same byte in
; every CPU mode: this guest runs in 64-bit mode in step03, in real mode in
; step04.
;
; Spec: Intel SDM Vol. 3, "Instructions That Cause VM Exits Conditionally"
; (HLT, with the "HLT exiting" control).
;
; book:begin guest_hlt
	hlt				; exit: HLT, the end
; book:end guest_hlt
