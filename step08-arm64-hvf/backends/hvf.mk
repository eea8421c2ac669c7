# step08-arm64-hvf/backends/hvf.mk — the build rules of the hvf-arm64
# backend (Hypervisor.framework, macOS on Apple silicon).  The step's
# Makefile includes it; it also works alone:
#   make -C step08-arm64-hvf -f backends/hvf.mk hvf-check
#
# On Linux (what the course's CI runs):
#   hvf-check        compile the backend (hvf_arm64.c, hvf_arm64_decode.c)
#                    and hvf_decls_check.c against hvf_decls.h with -Werror,
#                    then link the backend with the TEST-ONLY stub
#                    (tests/unit/step08-arm64-hvf/hvf_link_stub.c, every
#                    call fails) into a shared object with no undefined
#                    symbol.  Nothing runs: this proves the backend
#                    type-checks against the declarations and needs no
#                    framework function they do not declare.
# On macOS (UNVERIFIED: no Mac was available; written from Apple's
# documentation of the framework, of codesign and of the entitlement):
#   hvf-decls-check  hvf_decls_check.c against the real framework header:
#                    the values hvf_decls.h assumes, checked
#   hvf-vmm          build/vmm-hvf: the VMM with the hvf-arm64 backend,
#                    linked with -framework Hypervisor (macOS 11+; the
#                    framework's GIC weakly, used on 15+), signed ad hoc
#                    with backends/hvf.entitlements
#                    (com.apple.security.hypervisor), without which the
#                    framework refuses to create a VM
#   hvf-run          hvf-vmm, then $(HVF_RUN_ARGS): the step's two-VM
#                    hypercall demo and Linux boot, natively

HVF_TOP      ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
HVF_STEP     := $(HVF_TOP)/step08-arm64-hvf
HVF_DIR      := $(HVF_STEP)/backends
HVF_STUB     := $(HVF_TOP)/tests/unit/step08-arm64-hvf/hvf_link_stub.c
HVF_SRCS     := $(HVF_DIR)/hvf_arm64.c $(HVF_DIR)/hvf_arm64_decode.c
HVF_HDRS     := $(wildcard $(HVF_DIR)/*.h) $(HVF_STEP)/hv.h
HVF_BUILD    := $(HVF_STEP)/build/hvf
HVF_CC       ?= cc
HVF_CFLAGS   := -std=c11 -O2 -g -Wall -Wextra -Werror -pthread \
	-I$(HVF_STEP) -I$(HVF_TOP)/common/include

.PHONY: hvf-check hvf-decls-check hvf-vmm hvf-run

ifneq ($(shell uname -s),Darwin)

hvf-check: $(HVF_BUILD)/libhvf-check.so
	@echo "hvf-check: hvf-arm64 compiled against hvf_decls.h and linked" \
		"with the test-only stub (nothing ran)"

$(HVF_BUILD)/libhvf-check.so: $(HVF_SRCS) $(HVF_STUB) $(HVF_HDRS) \
		$(HVF_DIR)/hvf_decls_check.c
	@mkdir -p $(HVF_BUILD)
	$(HVF_CC) $(HVF_CFLAGS) -D_GNU_SOURCE -fsyntax-only \
		$(HVF_DIR)/hvf_decls_check.c
	$(HVF_CC) $(HVF_CFLAGS) -D_GNU_SOURCE -fPIC -shared \
		-Wl,--no-undefined -o $@ $(HVF_SRCS) $(HVF_STUB)

hvf-decls-check hvf-vmm hvf-run:
	@echo "$@: needs macOS on Apple silicon (this is $$(uname -s))" >&2
	@exit 2

else

# macOS 11 is the first with Hypervisor.framework on Apple silicon; the
# GIC calls (macOS 15) are weak imports, asked about at run time.
HVF_MACOS_MIN ?= 11.0
HVF_DARWIN_CFLAGS := $(HVF_CFLAGS) -arch arm64 \
	-mmacosx-version-min=$(HVF_MACOS_MIN) -Wunguarded-availability
# The VMM's other sources: the step's core and arm64 code, which the
# step's Makefile names (HVF_VMM_SRCS), with this backend.
HVF_VMM_SRCS ?= $(filter-out backends/kvm_%.c,$(VMM_SRCS))
HVF_RUN_ARGS ?= --backend hvf-arm64 --vms 2 build/hello.bin

hvf-decls-check:
	$(HVF_CC) $(HVF_DARWIN_CFLAGS) -fsyntax-only $(HVF_DIR)/hvf_decls_check.c
	@echo "hvf-decls-check: hvf_decls.h agrees with <Hypervisor/Hypervisor.h>"

hvf-vmm: $(HVF_STEP)/build/vmm-hvf

$(HVF_STEP)/build/vmm-hvf: $(addprefix $(HVF_STEP)/,$(HVF_VMM_SRCS)) \
		$(HVF_SRCS) $(HVF_HDRS) $(HVF_DIR)/hvf.entitlements
	@mkdir -p $(dir $@)
	$(HVF_CC) $(HVF_DARWIN_CFLAGS) -o $@ \
		$(addprefix $(HVF_STEP)/,$(HVF_VMM_SRCS)) $(HVF_SRCS) \
		-framework Hypervisor
	codesign --sign - --force --entitlements $(HVF_DIR)/hvf.entitlements $@
	codesign --display --entitlements - $@

hvf-run: hvf-vmm
	$(HVF_STEP)/build/vmm-hvf $(HVF_RUN_ARGS)

endif
