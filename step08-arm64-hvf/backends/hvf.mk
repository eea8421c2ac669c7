# step08-arm64-hvf/backends/hvf.mk — the build rules of the hvf-arm64
# backend (Hypervisor.framework, macOS on Apple silicon).  The step's
# Makefile includes it; it also works alone:
#   make -C step08-arm64-hvf -f backends/hvf.mk hvf-check
#
# On Linux (what the course's CI runs):
#   hvf-check        compile the backend (hvf_arm64.c, hvf_arm64_decode.c)
#                    and hvf_decls_check.c against hvf_decls.h with -Werror,
#                    then link the backend with the TEST-ONLY stub
#                    (tests/unit/step08-arm64-hvf/hvf_fake.c, every
#                    call fails) into a shared object with no undefined
#                    symbol.  Nothing runs: this proves the backend
#                    type-checks against the declarations and needs no
#                    framework function they do not declare.
# On macOS (UNVERIFIED: no Mac was available; written from Apple's
# documentation of the framework, of codesign and of the entitlement):
#   hvf-decls-check  hvf_decls_check.c against the real framework header:
#                    the values hvf_decls.h assumes, checked
#   hvf-vmm          build/vmm-hvf: the arm64 VMM (the step's ARM64_SRCS)
#                    with this backend instead of kvm-arm64, linked with
#                    -framework Hypervisor (macOS 11+; the framework's GIC
#                    weakly, used on 15+), signed ad hoc with
#                    backends/hvf.entitlements (com.apple.security.
#                    hypervisor), without which the framework refuses to
#                    create a VM
#   hvf-run          hvf-vmm, then build/vmm-hvf $(HVF_RUN_ARGS)
# What a Mac needs besides Xcode's command line tools, because the core
# is shared with Linux: the Linux UAPI headers the devices include
# (linux/serial_reg.h, linux/virtio_*.h, with linux/types.h and asm/;
# HVF_UAPI_CFLAGS, e.g. -isystem DIR with an unpacked linux-libc-dev, as
# the arm64 lab's sysroot holds), libfdt (HVF_FDT_CFLAGS/_LDFLAGS; Homebrew
# "dtc" installs it), and the guests (build/arm64/*.bin, the Image, the
# initramfs) built on Linux, where the step's Makefile builds them.

HVF_TOP      := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
HVF_STEP     := $(HVF_TOP)/step08-arm64-hvf
HVF_DIR      := $(HVF_STEP)/backends
HVF_STUB     := $(HVF_TOP)/tests/unit/step08-arm64-hvf/hvf_fake.c
HVF_SRCS     := $(HVF_DIR)/hvf_arm64.c $(HVF_DIR)/hvf_arm64_decode.c
HVF_HDRS     := $(wildcard $(HVF_DIR)/*.h) $(HVF_STEP)/hv.h
HVF_BUILD    := $(HVF_STEP)/build/hvf
HVF_CC       ?= cc
HVF_BASE_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -pthread \
	-I$(HVF_STEP) -I$(HVF_TOP)/common/include
HVF_CFLAGS   := $(HVF_BASE_CFLAGS) -Werror

.PHONY: hvf-check hvf-decls-check hvf-vmm hvf-run

ifneq ($(shell uname -s),Darwin)

hvf-check: $(HVF_BUILD)/libhvf-check.so
	@echo "hvf-check: hvf-arm64 compiled against hvf_decls.h and linked" \
		"with the test-only stub (nothing ran)"

$(HVF_BUILD)/libhvf-check.so: $(HVF_SRCS) $(HVF_STUB) $(HVF_HDRS) \
		$(HVF_DIR)/hvf_decls_check.c $(HVF_DIR)/list_macos_arm64.c
	@mkdir -p $(HVF_BUILD)
	$(HVF_CC) $(HVF_CFLAGS) -D_GNU_SOURCE -fsyntax-only \
		$(HVF_DIR)/hvf_decls_check.c
	$(HVF_CC) $(HVF_CFLAGS) -D_GNU_SOURCE -fPIC -shared \
		-Wl,--no-undefined -o $@ $(HVF_SRCS) $(HVF_STUB) \
		$(HVF_DIR)/list_macos_arm64.c

hvf-decls-check hvf-vmm hvf-run:
	@echo "$@: needs macOS on Apple silicon (this is $$(uname -s))" >&2
	@exit 2

else

# macOS 11 is the first with Hypervisor.framework on Apple silicon; the
# GIC calls (macOS 15) are weak imports, asked about at run time.
HVF_MACOS_MIN ?= 11.0
HVF_DARWIN_CFLAGS := $(HVF_BASE_CFLAGS) -arch arm64 \
	-mmacosx-version-min=$(HVF_MACOS_MIN) -Wunguarded-availability
# The arm64 VMM's sources as the step's Makefile lists them for Linux
# (ARM64_SRCS), with this backend and its list instead of KVM's.
HVF_VMM_SRCS ?= $(filter-out backends/kvm_arm64.c backends/list_linux_arm64.c,\
	$(ARM64_SRCS)) backends/list_macos_arm64.c
HVF_UAPI_CFLAGS ?=
HVF_FDT_CFLAGS  ?= -I/opt/homebrew/include
HVF_FDT_LDFLAGS ?= -L/opt/homebrew/lib -lfdt
HVF_RUN_ARGS    ?= --backend hvf-arm64 --vms 2 build/arm64/hello.bin

hvf-decls-check:
	$(HVF_CC) $(HVF_DARWIN_CFLAGS) -Werror -fsyntax-only \
		$(HVF_DIR)/hvf_decls_check.c
	@echo "hvf-decls-check: hvf_decls.h agrees with <Hypervisor/Hypervisor.h>"

hvf-vmm: $(HVF_STEP)/build/vmm-hvf

$(HVF_STEP)/build/vmm-hvf: $(addprefix $(HVF_STEP)/,$(HVF_VMM_SRCS)) \
		$(HVF_SRCS) $(HVF_HDRS) $(HVF_DIR)/hvf.entitlements
	@mkdir -p $(dir $@)
	$(HVF_CC) $(HVF_DARWIN_CFLAGS) $(HVF_UAPI_CFLAGS) $(HVF_FDT_CFLAGS) \
		-o $@ $(addprefix $(HVF_STEP)/,$(HVF_VMM_SRCS)) $(HVF_SRCS) \
		-framework Hypervisor $(HVF_FDT_LDFLAGS)
	codesign --sign - --force --entitlements $(HVF_DIR)/hvf.entitlements $@
	codesign --display --entitlements - $@

hvf-run: hvf-vmm
	$(HVF_STEP)/build/vmm-hvf $(HVF_RUN_ARGS)

endif
