/*
 * hvf_fake.c - TEST-ONLY.  A stand-in for the Hypervisor.framework calls
 * the hvf-arm64 backend makes, so that the backend links and its logic
 * can be tested on Linux, where the framework does not exist.  It runs no
 * guest code and proves nothing about the real framework: hv_vcpu_run
 * hands out the exits a test queued (an ESR word and an address, as a
 * Mac's hardware would write them), the registers are plain variables,
 * the GIC records what it was told.
 *
 * Two modes, by hvf_fake.error:
 *   - not HV_SUCCESS (the default, HV_UNSUPPORTED): every call fails with
 *     it.  hvf.mk's hvf-check links the backend against this file so that
 *     every framework symbol it needs is declared in hvf_decls.h and
 *     defined here with the same type; the error-path tests use it too.
 *   - HV_SUCCESS: the scripted framework, for test_hvf_run.c: one VM, up
 *     to HVF_FAKE_VCPUS vCPUs, each bound to the thread that created it
 *     (a call from another thread fails with HV_BAD_ARGUMENT, counted in
 *     wrong_thread), one per thread (a second fails with HV_BUSY): Apple
 *     documents the binding, not the error codes.
 *
 * Runs: on the Linux host, in the unit tests and the link check only.
 * Spec: the declarations in step08-arm64-hvf/backends/hvf_decls.h and
 * what Apple's reference says of each call (see there).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/hvf_decls.h"

#ifdef __APPLE__
#error "hvf_fake.c is for Linux builds only: macOS has the framework"
#endif

#define HVF_FAKE_VCPUS	  4
#define HVF_FAKE_EXITS	  32 /* queued exits per vCPU */
#define HVF_FAKE_SYS_REGS 16 /* system registers per vCPU */
#define HVF_FAKE_REGS	  (HV_REG_CPSR + 1)

struct hvf_fake_vcpu {
	bool created;
	pthread_t owner;
	uint64_t reg[HVF_FAKE_REGS]; /* by hv_reg_t */
	struct {
		hv_sys_reg_t reg;
		uint64_t value;
	} sys[HVF_FAKE_SYS_REGS];
	unsigned int nr_sys;
	hv_vcpu_exit_t exit; /* what hv_vcpu_create hands out */
	hv_vcpu_exit_t queue[HVF_FAKE_EXITS];
	unsigned int queued, runs; /* runs: exits handed out */
	bool exit_requested;	   /* hv_vcpus_exit */
	bool irq_pending;	   /* hv_vcpu_set_pending_interrupt */
	bool irq_at_run;	   /* irq_pending when hv_vcpu_run began */
	bool vtimer_masked;
	uint64_t vtimer_offset;
};

struct hvf_fake {
	hv_return_t error; /* what every call returns: see above */
	unsigned int calls;
	unsigned int wrong_thread;
	bool vm;
	struct {
		void *addr;
		hv_ipa_t ipa;
		size_t size;
		hv_memory_flags_t flags;
	} map;
	struct hvf_fake_vcpu vcpu[HVF_FAKE_VCPUS]; /* by hv_vcpu_t */
	unsigned int nr_vcpus;
	/* The GIC: what hv_gic_get_* report, what the backend set. */
	size_t dist_size, dist_align, redist_size, redist_align;
	uint32_t spi_base, spi_count;
	hv_ipa_t gicd, gicr;
	bool gic;
	uint32_t spi_intid; /* the last hv_gic_set_spi */
	bool spi_level;
	unsigned int spi_calls;
	uint64_t now; /* mach_absolute_time() */
};

struct hvf_fake hvf_fake = { .error = HV_UNSUPPORTED };

/* Every call starts here: the error the test chose, or HV_SUCCESS. */
static hv_return_t fake_call(void)
{
	hvf_fake.calls++;
	return hvf_fake.error;
}

/* A created vCPU, called from its own thread; NULL otherwise. */
static struct hvf_fake_vcpu *own_vcpu(hv_vcpu_t id)
{
	struct hvf_fake_vcpu *v;

	if (id >= HVF_FAKE_VCPUS || !hvf_fake.vcpu[id].created)
		return NULL;
	v = &hvf_fake.vcpu[id];
	if (!pthread_equal(v->owner, pthread_self())) {
		__atomic_fetch_add(&hvf_fake.wrong_thread, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	return v;
}

/* For the test: queue one exit of vCPU id (syndrome and IPA for an
 * HV_EXIT_REASON_EXCEPTION, 0 otherwise). */
void hvf_fake_queue(hv_vcpu_t id, hv_exit_reason_t reason, uint64_t esr,
		    hv_ipa_t ipa)
{
	struct hvf_fake_vcpu *v = &hvf_fake.vcpu[id];

	if (v->queued == HVF_FAKE_EXITS) {
		fprintf(stderr, "hvf_fake: more than %d exits queued\n",
			HVF_FAKE_EXITS);
		abort();
	}
	v->queue[v->queued++] = (hv_vcpu_exit_t){
		.reason = reason,
		.exception = { .syndrome = esr, .physical_address = ipa },
	};
}

/* For the test: a system register's value, or 0 if never written. */
uint64_t hvf_fake_sys_reg(hv_vcpu_t id, hv_sys_reg_t reg)
{
	struct hvf_fake_vcpu *v = &hvf_fake.vcpu[id];

	for (unsigned int i = 0; i < v->nr_sys; i++)
		if (v->sys[i].reg == reg)
			return v->sys[i].value;
	return 0;
}

/* For the test and hv_vcpu_set_sys_reg: set one. */
void hvf_fake_set_sys_reg(hv_vcpu_t id, hv_sys_reg_t reg, uint64_t value)
{
	struct hvf_fake_vcpu *v = &hvf_fake.vcpu[id];
	unsigned int i = 0;

	while (i < v->nr_sys && v->sys[i].reg != reg)
		i++;
	if (i == HVF_FAKE_SYS_REGS)
		return;
	v->sys[i].reg = reg;
	v->sys[i].value = value;
	if (i == v->nr_sys)
		v->nr_sys++;
}

hv_return_t hv_vm_create(hv_vm_config_t config)
{
	hv_return_t ret = fake_call();

	(void)config;
	if (ret == HV_SUCCESS && hvf_fake.vm)
		return HV_BUSY; /* one VM per process */
	hvf_fake.vm = ret == HV_SUCCESS;
	return ret;
}

hv_return_t hv_vm_destroy(void)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		hvf_fake.vm = false;
	return ret;
}

hv_return_t hv_vm_map(void *addr, hv_ipa_t ipa, size_t size,
		      hv_memory_flags_t flags)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS) {
		hvf_fake.map.addr = addr;
		hvf_fake.map.ipa = ipa;
		hvf_fake.map.size = size;
		hvf_fake.map.flags = flags;
	}
	return ret;
}

hv_return_t hv_vm_unmap(hv_ipa_t ipa, size_t size)
{
	(void)ipa, (void)size;
	return fake_call();
}

hv_return_t hv_vcpu_create(hv_vcpu_t *vcpu, hv_vcpu_exit_t **exit,
			   hv_vcpu_config_t config)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v;

	(void)config;
	if (ret != HV_SUCCESS)
		return ret;
	if (!hvf_fake.vm || hvf_fake.nr_vcpus == HVF_FAKE_VCPUS)
		return HV_BAD_ARGUMENT;
	/* "Each thread can only have one vCPU associated at a time." */
	for (unsigned int i = 0; i < hvf_fake.nr_vcpus; i++)
		if (hvf_fake.vcpu[i].created &&
		    pthread_equal(hvf_fake.vcpu[i].owner, pthread_self()))
			return HV_BUSY;
	*vcpu = hvf_fake.nr_vcpus++;
	v = &hvf_fake.vcpu[*vcpu];
	v->created = true;
	v->owner = pthread_self();
	*exit = &v->exit;
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_destroy(hv_vcpu_t vcpu)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v)
		return HV_BAD_ARGUMENT;
	v->created = false;
	return HV_SUCCESS;
}

/* The next queued exit; none left: HV_ERROR (a test that runs further
 * than it queued fails instead of hanging).  The IRQ line the guest saw
 * is kept in irq_at_run, then cleared: "The pending interrupts
 * automatically cleared after hv_vcpu_run returns" (the SDK's hv_vcpu.h). */
hv_return_t hv_vcpu_run(hv_vcpu_t vcpu)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v)
		return HV_BAD_ARGUMENT;
	v->irq_at_run = v->irq_pending;
	v->irq_pending = false;
	if (__atomic_exchange_n(&v->exit_requested, false, __ATOMIC_ACQ_REL)) {
		v->exit = (hv_vcpu_exit_t){ .reason = HV_EXIT_REASON_CANCELED };
		return HV_SUCCESS;
	}
	if (v->runs == v->queued)
		return HV_ERROR;
	v->exit = v->queue[v->runs++];
	if (v->exit.reason == HV_EXIT_REASON_VTIMER_ACTIVATED)
		v->vtimer_masked = true; /* as the framework does */
	return HV_SUCCESS;
}

/* Any thread.  For a vCPU that is not running, "the next time hv_vcpu_run
 * is called ..., it will return immediately without entering the guest"
 * (the SDK's hv_vcpu.h): kept until then. */
hv_return_t hv_vcpus_exit(hv_vcpu_t *vcpus, uint32_t vcpu_count)
{
	hv_return_t ret = fake_call();

	if (ret != HV_SUCCESS)
		return ret;
	for (uint32_t i = 0; i < vcpu_count; i++) {
		if (vcpus[i] >= HVF_FAKE_VCPUS)
			return HV_BAD_ARGUMENT;
		__atomic_store_n(&hvf_fake.vcpu[vcpus[i]].exit_requested, true,
				 __ATOMIC_RELEASE);
	}
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_get_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t *value)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v || reg >= HVF_FAKE_REGS)
		return HV_BAD_ARGUMENT;
	*value = v->reg[reg];
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_set_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t value)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v || reg >= HVF_FAKE_REGS)
		return HV_BAD_ARGUMENT;
	v->reg[reg] = value;
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t *value)
{
	hv_return_t ret = fake_call();

	if (ret != HV_SUCCESS)
		return ret;
	if (!own_vcpu(vcpu))
		return HV_BAD_ARGUMENT;
	*value = hvf_fake_sys_reg(vcpu, reg);
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_set_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t value)
{
	hv_return_t ret = fake_call();

	if (ret != HV_SUCCESS)
		return ret;
	if (!own_vcpu(vcpu))
		return HV_BAD_ARGUMENT;
	hvf_fake_set_sys_reg(vcpu, reg, value);
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_set_pending_interrupt(hv_vcpu_t vcpu,
					  hv_interrupt_type_t type,
					  bool pending)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v || type != HV_INTERRUPT_TYPE_IRQ)
		return HV_BAD_ARGUMENT;
	v->irq_pending = pending;
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_set_vtimer_mask(hv_vcpu_t vcpu, bool vtimer_is_masked)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v)
		return HV_BAD_ARGUMENT;
	v->vtimer_masked = vtimer_is_masked;
	return HV_SUCCESS;
}

hv_return_t hv_vcpu_get_vtimer_offset(hv_vcpu_t vcpu, uint64_t *vtimer_offset)
{
	hv_return_t ret = fake_call();
	struct hvf_fake_vcpu *v = own_vcpu(vcpu);

	if (ret != HV_SUCCESS)
		return ret;
	if (!v)
		return HV_BAD_ARGUMENT;
	*vtimer_offset = v->vtimer_offset;
	return HV_SUCCESS;
}

/* Not the framework: <mach/mach_time.h>.  The counter is the test's
 * (hvf_fake.now), at 1 ns per tick. */
uint64_t mach_absolute_time(void)
{
	return hvf_fake.now;
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

/* --- the GIC: the limits the test set, the addresses the backend set --- */

static struct hv_gic_config_s {
	hv_ipa_t gicd, gicr;
} gic_config;

hv_gic_config_t hv_gic_config_create(void)
{
	hvf_fake.calls++;
	gic_config = (struct hv_gic_config_s){ 0 };
	return &gic_config;
}

hv_return_t hv_gic_config_set_distributor_base(hv_gic_config_t config,
					       hv_ipa_t distributor_base)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		config->gicd = distributor_base;
	return ret;
}

hv_return_t hv_gic_config_set_redistributor_base(hv_gic_config_t config,
						 hv_ipa_t redistributor_base)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		config->gicr = redistributor_base;
	return ret;
}

/* After the VM, before any vCPU ([doc:hv_gic_create(_:)]). */
hv_return_t hv_gic_create(hv_gic_config_t gic_config)
{
	hv_return_t ret = fake_call();

	if (ret != HV_SUCCESS)
		return ret;
	if (!hvf_fake.vm || hvf_fake.nr_vcpus || hvf_fake.gic)
		return HV_BAD_ARGUMENT;
	hvf_fake.gic = true;
	hvf_fake.gicd = gic_config->gicd;
	hvf_fake.gicr = gic_config->gicr;
	return HV_SUCCESS;
}

hv_return_t hv_gic_get_distributor_size(size_t *distributor_size)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		*distributor_size = hvf_fake.dist_size;
	return ret;
}

hv_return_t hv_gic_get_distributor_base_alignment(size_t *alignment)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		*alignment = hvf_fake.dist_align;
	return ret;
}

hv_return_t hv_gic_get_redistributor_region_size(size_t *region_size)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		*region_size = hvf_fake.redist_size;
	return ret;
}

hv_return_t hv_gic_get_redistributor_base_alignment(size_t *alignment)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS)
		*alignment = hvf_fake.redist_align;
	return ret;
}

hv_return_t hv_gic_get_spi_interrupt_range(uint32_t *spi_intid_base,
					   uint32_t *spi_intid_count)
{
	hv_return_t ret = fake_call();

	if (ret == HV_SUCCESS) {
		*spi_intid_base = hvf_fake.spi_base;
		*spi_intid_count = hvf_fake.spi_count;
	}
	return ret;
}

hv_return_t hv_gic_set_spi(uint32_t intid, bool level)
{
	hv_return_t ret = fake_call();

	if (ret != HV_SUCCESS)
		return ret;
	if (!hvf_fake.gic)
		return HV_BAD_ARGUMENT;
	hvf_fake.spi_intid = intid;
	hvf_fake.spi_level = level;
	hvf_fake.spi_calls++;
	return HV_SUCCESS;
}
