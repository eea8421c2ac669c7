# bench/bench.mk — make bench: our VMM against QEMU, the same guest in the
# same lab VM, on each architecture (x86_64: build/vmm on kvm-x86 against
# qemu-system-x86_64 -M microvm in the x86 lab VM; aarch64: build/arm64/vmm
# on kvm-arm64 against qemu-system-aarch64 -M virt in the arm64 lab VM);
# make bench-smoke: the harness, with one short x86 round (for make test).
# Included at the end of step08-arm64-hvf/Makefile (it uses build/vmm,
# $(LAB) and ensure-setup from common/mk/vmm.mk, and the arm64 half's
# $(ARM64), $(ARM64_CC) and $(ARM64_ASSETS)):
#
#   include bench/bench.mk
#
#   bench        the whole measurement, one lab VM per architecture of
#                BENCH_ARCHES (BENCH_ITER rounds each; about 20-30 minutes
#                under nested emulation on a busy 2-core machine): prints
#                one table per architecture and keeps them for chapter 08
#                in book/output/step08-bench.txt (and .md); each lab's
#                console in build/bench/ARCH/bench.log
#   bench-smoke  the stopwatch on a stand-in, the table generator on fixed
#                logs of both architectures (exact), then one short round
#                under both VMMs in the lab of each of BENCH_SMOKE_ARCHES
#                (default x86_64: an arm64 round adds 45 to 90 s here),
#                whose table must hold every row; ends with
#                `N passed, N failed`
#   bench-table  the tables again from build/bench/*/bench.log
#
# Settings (make bench BENCH_ITER=3 ...): BENCH_ARCHES, BENCH_ITER rounds,
# BENCH_READS random 4 KiB reads, BENCH_EXITS exits (port I/O on x86,
# MMIO on arm64), BENCH_NET_BYTES bytes over TCP, BENCH_VHOST_RUNS runs of
# QEMU with vhost-net, BENCH_RTC_RUNS boots of QEMU's microvm with its RTC
# (x86 reference rows), BENCH_INITCALLS (1: one initcall_debug run each),
# BENCH_MEM guest MiB, BENCH_VMMS.
BENCH_DIR    := bench
BENCH_BUILD  := build/bench
BENCH_BOOK   := $(TOP)/book/output/step08-bench
BENCH_ARCHES ?= x86_64 aarch64
BENCH_SMOKE_ARCHES ?= x86_64
# The programs for the guest and for the lab VM: C, static (the guest and
# the lab VM are busybox initramfs without a C library), stripped (they
# ride in the initramfs), one set per architecture, each with its
# compiler.  The guest's exit program is the architecture's own
# (guest/exits.c: port I/O; guest/exits_arm64.c: MMIO), /bench/exits in
# both initramfs.
BENCH_CFLAGS := -std=c11 -O2 -Wall -Wextra -static -s
BENCH_CC_x86_64  = $(CC)
BENCH_CC_aarch64 = $(ARM64_CC)
BENCH_EXITS_SRC_x86_64  := $(BENCH_DIR)/guest/exits.c
BENCH_EXITS_SRC_aarch64 := $(BENCH_DIR)/guest/exits_arm64.c
BENCH_VMM_x86_64  := build/vmm
BENCH_VMM_aarch64 := $(ARM64)/vmm
BENCH_ASSETS_x86_64  = $(LAB)/lab-assets
BENCH_ASSETS_aarch64 = $(ARM64_ASSETS)
BENCH_GUEST_MODULES := virtio_mmio virtio_blk virtio_net
# bench_bundle ARCH: what lab.sh runs, in that architecture's lab VM.
bench_bundle = $(BENCH_BUILD)/$(1)/step08-bench
BENCH_SETTINGS = BENCH_STEP=$(STEP) BENCH_ITER=$(BENCH_ITER) \
	BENCH_READS=$(BENCH_READS) BENCH_EXITS=$(BENCH_EXITS) \
	BENCH_NET_BYTES=$(BENCH_NET_BYTES) \
	BENCH_VHOST_RUNS=$(BENCH_VHOST_RUNS) BENCH_RTC_RUNS=$(BENCH_RTC_RUNS) \
	BENCH_INITCALLS=$(BENCH_INITCALLS) \
	BENCH_MEM=$(BENCH_MEM) BENCH_VMMS="$(BENCH_VMMS)"
BENCH_ITER       ?= 5
BENCH_READS      ?= 1000
BENCH_EXITS      ?= 20000
BENCH_NET_BYTES  ?= 16777216
BENCH_VHOST_RUNS ?= 2
BENCH_RTC_RUNS   ?= 2
BENCH_INITCALLS  ?= 1
BENCH_MEM        ?= 256
BENCH_VMMS       ?= ours qemu

.PHONY: bench bench-smoke bench-table bench-bundle-x86_64 bench-bundle-aarch64

# The rules of one architecture ARCH (x86_64 or aarch64).
define bench_arch
$(BENCH_BUILD)/$(1)/guest/blkread: $(BENCH_DIR)/guest/blkread.c | ensure-setup
	@mkdir -p $$(@D)
	$$(BENCH_CC_$(1)) $$(BENCH_CFLAGS) -o $$@ $$<
$(BENCH_BUILD)/$(1)/guest/exits: $$(BENCH_EXITS_SRC_$(1)) | ensure-setup
	@mkdir -p $$(@D)
	$$(BENCH_CC_$(1)) $$(BENCH_CFLAGS) -o $$@ $$<
$(BENCH_BUILD)/$(1)/guest/tcpbench $(BENCH_BUILD)/$(1)/tcpbench: $(BENCH_DIR)/tcpbench.c | ensure-setup
	@mkdir -p $$(@D)
	$$(BENCH_CC_$(1)) $$(BENCH_CFLAGS) -o $$@ $$<
$(BENCH_BUILD)/$(1)/stopwatch: $(BENCH_DIR)/stopwatch.c | ensure-setup
	@mkdir -p $$(@D)
	$$(BENCH_CC_$(1)) $$(BENCH_CFLAGS) -o $$@ $$<

$(BENCH_BUILD)/$(1)/initrd.cpio: $(BENCH_DIR)/guest/init $(BENCH_DIR)/guest/mkinitramfs \
		$(BENCH_BUILD)/$(1)/guest/blkread $(BENCH_BUILD)/$(1)/guest/exits \
		$(BENCH_BUILD)/$(1)/guest/tcpbench | ensure-setup
	$(BENCH_DIR)/guest/mkinitramfs $$@ "$$$$($$(BENCH_ASSETS_$(1)) busybox)" \
		"$$$$($$(BENCH_ASSETS_$(1)) moddir)" "$$$$($$(BENCH_ASSETS_$(1)) release)" \
		$(BENCH_DIR)/guest/init "$$(filter $(BENCH_BUILD)/$(1)/guest/%,$$^)" \
		$(BENCH_GUEST_MODULES)

# What lab.sh runs, in the lab VM or here: run-bench adds bench.conf and,
# for a lab VM, QEMU (qemu-pack).
bench-bundle-$(1): $$(BENCH_VMM_$(1)) $(BENCH_BUILD)/$(1)/initrd.cpio \
		$(BENCH_BUILD)/$(1)/stopwatch $(BENCH_BUILD)/$(1)/tcpbench \
		$(BENCH_DIR)/lab.sh $(wildcard $(BENCH_DIR)/machines/*.sh)
	@rm -rf $(call bench_bundle,$(1)) && mkdir -p $(call bench_bundle,$(1))
	@cp $$(BENCH_VMM_$(1)) $(BENCH_BUILD)/$(1)/initrd.cpio $(BENCH_BUILD)/$(1)/stopwatch \
		$(BENCH_BUILD)/$(1)/tcpbench $(BENCH_DIR)/lab.sh $(call bench_bundle,$(1))/
	@cp -R $(BENCH_DIR)/machines $(call bench_bundle,$(1))/
	@. $(BENCH_DIR)/machines/$(1).sh && \
		cp "$$$$($$(BENCH_ASSETS_$(1)) kernel)" $(call bench_bundle,$(1))/$$$$BENCH_KERNEL
endef
$(eval $(call bench_arch,x86_64))
$(eval $(call bench_arch,aarch64))

# Each architecture's lab run (its log and table), then the tables of all
# together for the book: replaced only when every run is complete.
bench: ensure-setup $(BENCH_ARCHES:%=bench-bundle-%)
	@for a in $(BENCH_ARCHES); do \
		BENCH_ARCH=$$a $(BENCH_SETTINGS) $(BENCH_DIR)/run-bench \
			$(BENCH_BUILD)/$$a/step08-bench $(BENCH_BUILD)/$$a/bench.log || exit 1; \
	done
	@$(BENCH_DIR)/bench-table --md $(BENCH_BUILD)/table.md \
		$(BENCH_ARCHES:%=$(BENCH_BUILD)/%/bench.log) >$(BENCH_BUILD)/table.txt && \
		cp $(BENCH_BUILD)/table.txt $(BENCH_BOOK).txt && \
		cp $(BENCH_BUILD)/table.md $(BENCH_BOOK).md && \
		echo "bench: both tables in $(BENCH_BOOK).txt (and .md)"

bench-table:
	@$(BENCH_DIR)/bench-table --md $(BENCH_BOOK).md \
		$(wildcard $(BENCH_ARCHES:%=$(BENCH_BUILD)/%/bench.log)) \
		>$(BENCH_BUILD)/table.txt && cp $(BENCH_BUILD)/table.txt $(BENCH_BOOK).txt && \
		cat $(BENCH_BOOK).txt

# The stopwatch for this host, for smoke's checks of it on a stand-in.
$(BENCH_BUILD)/host/stopwatch: $(BENCH_DIR)/stopwatch.c | ensure-setup
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# Every architecture's bundle is built (its programs compile), the rounds
# run in the labs of BENCH_SMOKE_ARCHES.
bench-smoke: ensure-setup $(BENCH_BUILD)/host/stopwatch $(BENCH_ARCHES:%=bench-bundle-%)
	@$(BENCH_DIR)/smoke $(BENCH_BUILD) $(BENCH_SMOKE_ARCHES)
