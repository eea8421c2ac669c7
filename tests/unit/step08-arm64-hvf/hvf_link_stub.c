/*
 * hvf_link_stub.c - TEST-ONLY.  Definitions for every Hypervisor.framework
 * function the hvf-arm64 backend calls, so that the backend links on
 * Linux, where the framework does not exist.  Every call FAILS, with the
 * error the test chose (hvf_stub_error, never HV_SUCCESS): nothing here
 * creates a VM, maps memory or runs a guest, and nothing pretends to.
 * Used by test_hvf_arm64.c (the backend's error paths) and by hvf.mk's
 * hvf-check (the link: every framework symbol the backend needs is
 * declared in hvf_decls.h and defined here, with the same type).
 *
 * Runs: on the Linux host, in the unit tests and the link check only.
 * Spec: the declarations in step08-arm64-hvf/backends/hvf_decls.h.
 */
#include "backends/hvf_decls.h"

#ifdef __APPLE__
#error "hvf_link_stub.c is for Linux builds only: macOS has the framework"
#endif

hv_return_t hvf_stub_error = HV_UNSUPPORTED;
unsigned int hvf_stub_calls; /* how many framework calls were made */

static hv_return_t stub_fail(void)
{
	hvf_stub_calls++;
	return hvf_stub_error == HV_SUCCESS ? HV_ERROR : hvf_stub_error;
}

hv_return_t hv_vm_create(hv_vm_config_t config)
{
	(void)config;
	return stub_fail();
}

hv_return_t hv_vm_destroy(void)
{
	return stub_fail();
}

hv_return_t hv_vm_map(void *addr, hv_ipa_t ipa, size_t size,
		      hv_memory_flags_t flags)
{
	(void)addr, (void)ipa, (void)size, (void)flags;
	return stub_fail();
}

hv_return_t hv_vm_unmap(hv_ipa_t ipa, size_t size)
{
	(void)ipa, (void)size;
	return stub_fail();
}

hv_return_t hv_vcpu_create(hv_vcpu_t *vcpu, hv_vcpu_exit_t **exit,
			   hv_vcpu_config_t config)
{
	(void)vcpu, (void)exit, (void)config;
	return stub_fail();
}

hv_return_t hv_vcpu_destroy(hv_vcpu_t vcpu)
{
	(void)vcpu;
	return stub_fail();
}

hv_return_t hv_vcpu_run(hv_vcpu_t vcpu)
{
	(void)vcpu;
	return stub_fail();
}

hv_return_t hv_vcpus_exit(hv_vcpu_t *vcpus, uint32_t vcpu_count)
{
	(void)vcpus, (void)vcpu_count;
	return stub_fail();
}

hv_return_t hv_vcpu_get_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t *value)
{
	(void)vcpu, (void)reg, (void)value;
	return stub_fail();
}

hv_return_t hv_vcpu_set_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t value)
{
	(void)vcpu, (void)reg, (void)value;
	return stub_fail();
}

hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t *value)
{
	(void)vcpu, (void)reg, (void)value;
	return stub_fail();
}

hv_return_t hv_vcpu_set_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t value)
{
	(void)vcpu, (void)reg, (void)value;
	return stub_fail();
}

hv_return_t hv_vcpu_set_pending_interrupt(hv_vcpu_t vcpu,
					  hv_interrupt_type_t type,
					  bool pending)
{
	(void)vcpu, (void)type, (void)pending;
	return stub_fail();
}

hv_return_t hv_vcpu_set_vtimer_mask(hv_vcpu_t vcpu, bool vtimer_is_masked)
{
	(void)vcpu, (void)vtimer_is_masked;
	return stub_fail();
}

hv_return_t hv_vcpu_get_vtimer_offset(hv_vcpu_t vcpu, uint64_t *vtimer_offset)
{
	(void)vcpu, (void)vtimer_offset;
	return stub_fail();
}

/* Not the framework: <mach/mach_time.h>.  A counter that never moves and
 * a 1:1 ratio; the backend reads them only while running a guest. */
uint64_t mach_absolute_time(void)
{
	return 0;
}

int mach_timebase_info(mach_timebase_info_data_t *info)
{
	info->numer = 1;
	info->denom = 1;
	return 0;
}

void os_release(void *object)
{
	(void)object;
}

hv_gic_config_t hv_gic_config_create(void)
{
	hvf_stub_calls++;
	return NULL;
}

hv_return_t hv_gic_config_set_distributor_base(hv_gic_config_t config,
					       hv_ipa_t distributor_base)
{
	(void)config, (void)distributor_base;
	return stub_fail();
}

hv_return_t hv_gic_config_set_redistributor_base(hv_gic_config_t config,
						 hv_ipa_t redistributor_base)
{
	(void)config, (void)redistributor_base;
	return stub_fail();
}

hv_return_t hv_gic_create(hv_gic_config_t gic_config)
{
	(void)gic_config;
	return stub_fail();
}

hv_return_t hv_gic_get_distributor_size(size_t *distributor_size)
{
	(void)distributor_size;
	return stub_fail();
}

hv_return_t hv_gic_get_distributor_base_alignment(size_t *alignment)
{
	(void)alignment;
	return stub_fail();
}

hv_return_t hv_gic_get_redistributor_region_size(size_t *region_size)
{
	(void)region_size;
	return stub_fail();
}

hv_return_t hv_gic_get_redistributor_base_alignment(size_t *alignment)
{
	(void)alignment;
	return stub_fail();
}

hv_return_t hv_gic_get_spi_interrupt_range(uint32_t *spi_intid_base,
					   uint32_t *spi_intid_count)
{
	(void)spi_intid_base, (void)spi_intid_count;
	return stub_fail();
}

hv_return_t hv_gic_set_spi(uint32_t intid, bool level)
{
	(void)intid, (void)level;
	return stub_fail();
}
