// SPDX-License-Identifier: GPL-2.0
/*
 * ept_violation.c - what the VMM does when the guest touches a
 * guest-physical address our EPT does not map: three answers. A page of
 * the demand region is mapped on its first touch (demand paging); an
 * access to the console device is carried out (console.c); anything else,
 * an instruction fetch from the device for one, is refused by name and the
 * guest stopped.
 *
 * Runs in the kernel module, VMX root operation, in the exit loop
 * (interrupts off: pages are allocated with GFP_ATOMIC).
 *
 * Spec: Intel SDM Vol. 3, "EPT Violations", "Basic VM-Exit Information"
 * ("Exit Qualification for EPT Violations", "Guest-Physical Address"),
 * "Invalidating Cached Translation Information" ("Guidelines for Use of
 * the INVEPT Instruction").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <asm/vmx.h>

#include "console.h"
#include "ept.h"
#include "ept_violation.h"
#include "exit_loop.h"
#include "guest_memory.h"
#include "vcpu.h"

/* book:begin demand */
static bool gpa_in(u64 gpa, u64 base, u64 size)
{
	return gpa >= base && gpa - base < size;
}

/*
 * Demand paging: the guest touched a page of its demand region for the first
 * time. Give it a fresh zeroed page, drop stale cached translations, and let
 * it retry the same instruction (GUEST_RIP is left alone).
 */
static int demand_page(struct vcpu *vcpu, u64 gpa, enum ept_access access)
{
	u64 page = gpa & ~(EPT_PAGE_SIZE - 1);
	int err;

	err = guest_memory_map(&vcpu->mem, page,
			       VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK,
			       GFP_ATOMIC)
		      ?: guest_memory_invalidate(&vcpu->mem);
	if (err)
		return err;
	vcpu->demand_pages++;
	pr_info("exit %u: EPT_VIOLATION, %s at GPA 0x%llx: demand page %u of %u mapped\n",
		vcpu->nr_exits, ept_access_name(access), gpa,
		vcpu->demand_pages, GUEST_DEMAND_PAGES);
	return EXIT_RESUME_GUEST;
}
/* book:end demand */

/* book:begin ept_violation */
/*
 * The exit qualification says what the access was and what the entry
 * allowed; GUEST_PHYSICAL_ADDRESS says where. Nothing here trusts the
 * guest's choice of address: outside the two regions, it is refused.
 */
int handle_ept_violation(struct vcpu *vcpu)
{
	u64 qual = vmcs_read(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	enum ept_access access = ept_violation_access(qual);
	u64 allowed = ept_violation_allowed(qual);
	int ret = -EOPNOTSUPP;

	vcpu->ept_violations++;
	if (access != EPT_ACCESS_FETCH &&
	    gpa_in(gpa, GUEST_DEMAND_BASE, GUEST_DEMAND_PAGES * EPT_PAGE_SIZE))
		ret = demand_page(vcpu, gpa, access);
	else if (access != EPT_ACCESS_FETCH &&
		 gpa_in(gpa, GUEST_DEVICE_BASE, GUEST_DEVICE_SIZE))
		ret = console_emulate(vcpu, gpa, access);
	if (ret != -EOPNOTSUPP)
		return ret;

	pr_info("exit %u: EPT_VIOLATION, %s at GPA 0x%llx (exit qualification 0x%llx, entry allowed %c%c%c): refused, guest stopped\n",
		vcpu->nr_exits, ept_access_name(access), gpa, qual,
		allowed & VMX_EPT_READABLE_MASK ? 'r' : '-',
		allowed & VMX_EPT_WRITABLE_MASK ? 'w' : '-',
		allowed & VMX_EPT_EXECUTABLE_MASK ? 'x' : '-');
	return EXIT_STOP_GUEST;
}
/* book:end ept_violation */
