# step08-arm64-hvf/backends/hvf.mk — the build rules of the hvf-arm64
# backend (Hypervisor.framework, macOS on Apple silicon).  The step's
# Makefile includes it last (it reads ARM64_SRCS); the backend's own check
# also works alone:
#   make -f step08-arm64-hvf/backends/hvf.mk hvf-backend-check
#
# On Linux (what the course's CI runs; `make run` runs the first two and
# its verdict says hvf=compiled,unit-tested only when both pass):
#   hvf-check    compile the backend (hvf_arm64.c, hvf_arm64_decode.c) and
#                hvf_decls_check.c against hvf_decls.h with -Werror, with
#                gcc, clang (the family of Apple's compiler) and
#                aarch64-linux-gnu-gcc (the backend's own architecture);
#                link it with the TEST-ONLY stand-in for the framework
#                (tests/unit/step08-arm64-hvf/hvf_fake.c) into a shared
#                object with no undefined symbol; link the arm64 VMM as
#                macOS would build it (ARM64_SRCS with this backend
#                instead of KVM's) into build/hvf/vmm-hvf-linux.  Nothing
#                runs a guest: this proves the backend and the VMM
#                type-check against the declarations and need no framework
#                function they do not declare.
#   hvf-unit     build and run the backend's Check suites
#                (tests/unit/step08-arm64-hvf/test_hvf_*.c); ends with
#                "hvf-unit: N passed, N failed".
#   hvf-assets   what the Mac needs from Linux: the arm64 guests, the lab's
#                arm64 Image and initramfs, the disks' image and checksum,
#                the Linux UAPI headers the core includes:
#                build/hvf-assets.tar.gz, to unpack on the Mac as
#                step08-arm64-hvf/build/hvf-assets/.
# On macOS (UNVERIFIED: no Mac was available; written from Apple's
# documentation of the framework, of codesign and of the entitlement, and
# from the SDK's headers as read):
#   run          the step's run on a Mac: hvf-run (the labs' Linux VMs are
#                Linux's); make prints two "overriding recipe" warnings for
#                run and ensure-setup, which this file replaces there
#   hvf-decls-check  hvf_decls_check.c against the real framework header:
#                the values hvf_decls.h assumes, checked
#   hvf-vmm      build/vmm-hvf: the arm64 VMM (the step's ARM64_SRCS) with
#                this backend instead of kvm-arm64 and backends/hvf_darwin/
#                for what macOS lacks, linked with -framework Hypervisor
#                (macOS 11+; the framework's GIC weakly, used on 15+),
#                signed ad hoc with backends/hvf.entitlements
#                (com.apple.security.hypervisor), without which the
#                framework refuses to create a VM
#   hvf-run      hvf-decls-check, hvf-vmm, then backends/hvf_run.sh: the
#                two-VM hypercall demo, the probe and the Linux boot,
#                natively, and a verdict
# What a Mac needs besides Xcode's command line tools: libfdt (Homebrew's
# "dtc"; HVF_FDT_CFLAGS, HVF_FDT_LDFLAGS) and build/hvf-assets/ from a
# Linux machine's `make -C step08-arm64-hvf hvf-assets`.

HVF_TOP      := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
HVF_STEP     := $(HVF_TOP)/step08-arm64-hvf
HVF_DIR      := $(HVF_STEP)/backends
HVF_FAKE     := $(HVF_TOP)/tests/unit/step08-arm64-hvf/hvf_fake.c
HVF_SRCS     := $(HVF_DIR)/hvf_arm64.c $(HVF_DIR)/hvf_arm64_decode.c
HVF_BUILD    := $(HVF_STEP)/build/hvf
HVF_ASSETS   ?= $(HVF_STEP)/build/hvf-assets
HVF_CC       ?= cc
HVF_BASE_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -pthread \
	-I$(HVF_STEP) -I$(HVF_TOP)/common/include
HVF_CFLAGS   := $(HVF_BASE_CFLAGS) -Werror
# The arm64 VMM's sources as the step's Makefile lists them for Linux
# (ARM64_SRCS), without what only Linux has: KVM's backend and its list.
# (A Linux-only device backend added to ARM64_SRCS must join this filter,
# with its macOS counterpart below, as the tap has: HVF_NO_TAP.)
HVF_LINUX_ONLY  := backends/kvm_%.c backends/list_linux_%.c
HVF_VMM_SRCS    := $(filter-out $(HVF_LINUX_ONLY),$(ARM64_SRCS)) \
	backends/hvf_arm64.c backends/hvf_arm64_decode.c \
	backends/list_macos_arm64.c

# --net's host side (a tap, eventfds, the I/O thread polling them) is
# Linux's: the macOS build refuses --net with backends/hvf_darwin/no_tap.c.
HVF_TAP_SRCS    := virtio/net.c iothread.c net/tap.c
HVF_NO_TAP      := backends/hvf_darwin/no_tap.c

.PHONY: hvf-check hvf-backend-check hvf-unit hvf-assets hvf-decls-check \
	hvf-vmm hvf-run

ifneq ($(shell uname -s),Darwin)

HVF_TESTS := $(patsubst $(HVF_TOP)/tests/unit/%.c,build/%,\
	$(wildcard $(HVF_TOP)/tests/unit/step08-arm64-hvf/test_hvf_*.c))

hvf-check: hvf-backend-check
	@[ -n "$(ARM64_SRCS)" ] || { echo "hvf-check: ARM64_SRCS is empty: run it from the step's Makefile" >&2; exit 2; }
	cd $(HVF_STEP) && $(HVF_CC) $(HVF_CFLAGS) -o $(HVF_BUILD)/vmm-hvf-linux \
		$(HVF_VMM_SRCS) $(HVF_FAKE) -lfdt
	$(HVF_CC) $(HVF_CFLAGS) -fsyntax-only $(HVF_STEP)/$(HVF_NO_TAP)
	@echo "hvf-check: hvf-arm64 and the arm64 VMM built on it compiled" \
		"against hvf_decls.h and linked with the test-only stand-in" \
		"(no guest ran)"

# Compiled every time it is asked for: `make run` reports what it saw.
hvf-backend-check:
	@mkdir -p $(HVF_BUILD)
	$(HVF_CC) $(HVF_CFLAGS) -fPIC -shared -Wl,--no-undefined \
		-o $(HVF_BUILD)/libhvf-check.so $(HVF_SRCS) $(HVF_FAKE) \
		$(HVF_DIR)/list_macos_arm64.c
	$(HVF_CC) $(HVF_CFLAGS) -fsyntax-only $(HVF_DIR)/hvf_decls_check.c
	clang $(HVF_CFLAGS) -c -o /dev/null $(HVF_DIR)/hvf_arm64.c
	clang $(HVF_CFLAGS) -c -o /dev/null $(HVF_DIR)/hvf_arm64_decode.c
	aarch64-linux-gnu-gcc $(HVF_CFLAGS) -c -o /dev/null $(HVF_DIR)/hvf_arm64.c
	aarch64-linux-gnu-gcc $(HVF_CFLAGS) -c -o /dev/null $(HVF_DIR)/hvf_arm64_decode.c

hvf-unit:
	@$(MAKE) -s --no-print-directory -C $(HVF_TOP)/tests $(HVF_TESTS)
	@cd $(HVF_TOP)/tests && out=$$(./run-unit $(HVF_TESTS)); st=$$?; \
		printf '%s\n' "$$out" | sed '$$s/^/hvf-unit: /'; exit $$st

# The Mac's share of the Linux build; the UAPI headers from the arm64
# lab's sysroot (6.12), where the arm64 VMM's Linux build finds them.
hvf-assets: $(ARM64)/initramfs.cpio $(ARM64)/vmm-abi.sh \
		$(ARM64_GUESTS:%=$(ARM64)/%.bin) $(LINUX)/raw.img \
		$(LINUX)/raw-sectors.sha256 | ensure-setup
	@rm -rf $(HVF_ASSETS) && mkdir -p $(HVF_ASSETS)/include/asm
	cp $^ $(HVF_ASSETS)/
	cp "$$($(ARM64_ASSETS) kernel)" $(HVF_ASSETS)/Image
	u=$$(LAB_ARCH=arm64 $(HVF_TOP)/common/lab/lab-assets vmm-cflags | \
		sed 's/.*-isystem \([^ ]*\)$$/\1/'); \
	cp -R $$u/linux $$u/asm-generic $(HVF_ASSETS)/include/ && \
	cp -R $$u/aarch64-linux-gnu/asm/. $(HVF_ASSETS)/include/asm/
	tar -C $(dir $(HVF_ASSETS)) -czf $(HVF_ASSETS).tar.gz $(notdir $(HVF_ASSETS))
	@echo "hvf-assets: $(HVF_ASSETS).tar.gz: unpack it in step08-arm64-hvf/build/ on the Mac"

hvf-decls-check hvf-vmm hvf-run:
	@echo "$@: needs macOS on Apple silicon (this is $$(uname -s))" >&2
	@exit 2

else

# macOS 11 is the first with Hypervisor.framework on Apple silicon; the
# GIC calls (macOS 15) are weak imports, asked about at run time.
HVF_MACOS_MIN   ?= 11.0
HVF_DARWIN_DIR  := $(HVF_DIR)/hvf_darwin
HVF_DARWIN_CFLAGS := $(HVF_BASE_CFLAGS) -arch arm64 \
	-mmacosx-version-min=$(HVF_MACOS_MIN) -Wunguarded-availability \
	-I$(HVF_DARWIN_DIR) -include $(HVF_DARWIN_DIR)/hvf_darwin.h
HVF_UAPI_CFLAGS ?= -idirafter $(HVF_ASSETS)/include
HVF_FDT_CFLAGS  ?= $(shell pkg-config --cflags libfdt 2>/dev/null || echo -I/opt/homebrew/include)
HVF_FDT_LDFLAGS ?= $(shell pkg-config --libs libfdt 2>/dev/null || echo -L/opt/homebrew/lib -lfdt)
HVF_VMM         := $(HVF_STEP)/build/vmm-hvf

hvf-decls-check:
	$(HVF_CC) $(HVF_DARWIN_CFLAGS) -Werror -fsyntax-only \
		$(HVF_DIR)/hvf_decls_check.c
	@echo "hvf-decls-check: hvf_decls.h agrees with <Hypervisor/Hypervisor.h>"

hvf-vmm: $(HVF_VMM)

$(HVF_VMM): $(addprefix $(HVF_STEP)/,$(HVF_VMM_SRCS)) \
		$(wildcard $(HVF_STEP)/*.h $(HVF_STEP)/*/*.h $(HVF_DARWIN_DIR)/*) \
		$(HVF_DIR)/hvf.entitlements
	@[ -d $(HVF_ASSETS)/include/linux ] || { echo "hvf-vmm: no $(HVF_ASSETS)/include: run 'make -C step08-arm64-hvf hvf-assets' on Linux and unpack build/hvf-assets.tar.gz in step08-arm64-hvf/build/" >&2; exit 2; }
	@mkdir -p $(dir $@)
	cd $(HVF_STEP) && $(HVF_CC) $(HVF_DARWIN_CFLAGS) $(HVF_UAPI_CFLAGS) \
		$(HVF_FDT_CFLAGS) -o $@ \
		$(filter-out $(HVF_TAP_SRCS),$(HVF_VMM_SRCS)) $(HVF_NO_TAP) \
		backends/hvf_darwin/hvf_darwin.c \
		-framework Hypervisor $(HVF_FDT_LDFLAGS)
	codesign --sign - --force --entitlements $(HVF_DIR)/hvf.entitlements $@
	codesign --display --entitlements - $@

hvf-run: hvf-decls-check hvf-vmm
	@HVF_ASSETS=$(HVF_ASSETS) sh $(HVF_DIR)/hvf_run.sh

# The step's targets on a Mac (GNU make warns that these recipes replace
# vmm.mk's and setup.mk's): the labs boot Linux VMs under QEMU and
# install Debian packages, which a Mac does not; what it runs is this.
ensure-setup:
	@command -v codesign >/dev/null || { echo "setup: no codesign: install Xcode's command line tools (xcode-select --install)" >&2; exit 1; }
	@echo 'int main(void) { return 0; }' | $(HVF_CC) $(HVF_FDT_CFLAGS) -x c -include libfdt.h -o /dev/null - $(HVF_FDT_LDFLAGS) 2>/dev/null || \
		{ echo "setup: no libfdt: brew install dtc (or set HVF_FDT_CFLAGS, HVF_FDT_LDFLAGS)" >&2; exit 1; }

run: ensure-setup
	@mkdir -p $(HVF_STEP)/build
	@{ $(MAKE) --no-print-directory hvf-run 2>&1; \
		echo $$? >$(HVF_STEP)/build/run.status; } | \
		tee $(HVF_STEP)/build/run.log; \
		exit $$(cat $(HVF_STEP)/build/run.status)

endif
