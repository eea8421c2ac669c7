; SPDX-License-Identifier: GPL-2.0
;
; guest_hlt.asm - the smallest guest: one HLT. With HLT exiting on, its
; first instruction ends VMX non-root operation again: one VMLAUNCH, one VM
; exit, back in the VMM (insmod step03.ko guest=hlt). HLT is the same byte
; in every CPU mode, so this guest runs in 64-bit mode here and in real mode
; in step04.
;
; Spec: Intel SDM Vol. 3, "Instructions That Cause VM Exits Conditionally"
; (HLT, with the "HLT exiting" control).
;
; book:begin guest_hlt
	hlt				; exit: HLT, the end
; book:end guest_hlt
