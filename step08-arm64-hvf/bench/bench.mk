# bench/bench.mk — make bench: our VMM against QEMU, the same guest in the
# same lab VM; make bench-smoke: the harness, one short round (for make
# test).  Included by step07-virtio/Makefile after common/mk/vmm.mk (it
# uses build/vmm, $(LAB) and ensure-setup from there):
#
#   include bench/bench.mk
#
#   bench        the whole measurement (BENCH_ITER rounds, about 10-15
#                minutes under nested emulation): prints the table and
#                keeps it for chapter 07 in book/output/step07-bench.txt
#                (and .md); the lab's console in build/bench/bench.log
#   bench-smoke  the table generator on a fixed log (exact), then one short
#                round under both VMMs whose table must hold every row;
#                ends with `N passed, N failed`
#   bench-table  the table again from build/bench/bench.log
#
# Settings (make bench BENCH_ITER=3 ...): BENCH_ITER rounds, BENCH_READS
# random 4 KiB reads, BENCH_EXITS port-I/O exits, BENCH_NET_BYTES bytes
# over TCP, BENCH_VHOST_RUNS runs of QEMU with vhost-net, BENCH_RTC_RUNS
# boots of QEMU's microvm with its RTC (reference rows), BENCH_INITCALLS
# (1: one initcall_debug run each), BENCH_MEM guest MiB, BENCH_VMMS.
BENCH_DIR    := bench
BENCH_BUILD  := build/bench
BENCH_BUNDLE := $(BENCH_BUILD)/step07-bench
BENCH_BOOK   := $(TOP)/book/output/step07-bench
# The guest's programs and the lab side's: C, static (the guest and the
# lab VM are busybox initramfs without a C library), stripped (they ride
# in the guest's initramfs).
BENCH_CFLAGS := -std=c11 -O2 -Wall -Wextra -static -s
BENCH_GUEST_PROGS := $(BENCH_BUILD)/guest/blkread $(BENCH_BUILD)/guest/exits \
	$(BENCH_BUILD)/guest/tcpbench
BENCH_LAB_PROGS := $(BENCH_BUILD)/stopwatch $(BENCH_BUILD)/tcpbench
BENCH_GUEST_MODULES := virtio_mmio virtio_blk virtio_net
BENCH_SETTINGS = BENCH_ITER=$(BENCH_ITER) BENCH_READS=$(BENCH_READS) \
	BENCH_EXITS=$(BENCH_EXITS) BENCH_NET_BYTES=$(BENCH_NET_BYTES) \
	BENCH_VHOST_RUNS=$(BENCH_VHOST_RUNS) BENCH_RTC_RUNS=$(BENCH_RTC_RUNS) \
	BENCH_INITCALLS=$(BENCH_INITCALLS) \
	BENCH_MEM=$(BENCH_MEM) BENCH_VMMS="$(BENCH_VMMS)"
BENCH_ITER       ?= 7
BENCH_READS      ?= 1000
BENCH_EXITS      ?= 20000
BENCH_NET_BYTES  ?= 16777216
BENCH_VHOST_RUNS ?= 2
BENCH_RTC_RUNS   ?= 2
BENCH_INITCALLS  ?= 1
BENCH_MEM        ?= 256
BENCH_VMMS       ?= ours qemu

.PHONY: bench bench-smoke bench-table bench-bundle

$(BENCH_BUILD)/guest/%: $(BENCH_DIR)/guest/%.c | ensure-setup
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<
$(BENCH_BUILD)/guest/tcpbench $(BENCH_BUILD)/tcpbench: $(BENCH_DIR)/tcpbench.c | ensure-setup
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<
$(BENCH_BUILD)/stopwatch: $(BENCH_DIR)/stopwatch.c | ensure-setup
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

$(BENCH_BUILD)/initrd.cpio: $(BENCH_DIR)/guest/init $(BENCH_DIR)/guest/mkinitramfs \
		$(BENCH_GUEST_PROGS) | ensure-setup
	$(BENCH_DIR)/guest/mkinitramfs $@ "$$($(LAB)/lab-assets busybox)" \
		"$$($(LAB)/lab-assets moddir)" "$$($(LAB)/lab-assets release)" \
		$(BENCH_DIR)/guest/init "$(BENCH_GUEST_PROGS)" $(BENCH_GUEST_MODULES)

# What lab.sh runs, in the lab VM or here: run-bench adds bench.conf and,
# for a lab VM, QEMU (qemu-pack).
bench-bundle: build/vmm $(BENCH_BUILD)/initrd.cpio $(BENCH_LAB_PROGS) \
		$(BENCH_DIR)/lab.sh $(wildcard $(BENCH_DIR)/machines/*.sh)
	@rm -rf $(BENCH_BUNDLE) && mkdir -p $(BENCH_BUNDLE)
	@cp build/vmm $(BENCH_BUILD)/initrd.cpio $(BENCH_LAB_PROGS) \
		$(BENCH_DIR)/lab.sh $(BENCH_BUNDLE)/
	@cp -R $(BENCH_DIR)/machines $(BENCH_BUNDLE)/
	@cp "$$($(LAB)/lab-assets kernel)" $(BENCH_BUNDLE)/bzImage

bench: ensure-setup bench-bundle
	@$(BENCH_SETTINGS) $(BENCH_DIR)/run-bench $(BENCH_BUNDLE) \
		$(BENCH_BUILD)/bench.log $(BENCH_BOOK).txt $(BENCH_BOOK).md

bench-table:
	@$(BENCH_DIR)/bench-table --md $(BENCH_BOOK).md $(BENCH_BUILD)/bench.log \
		>$(BENCH_BUILD)/table.txt && cp $(BENCH_BUILD)/table.txt $(BENCH_BOOK).txt && \
		cat $(BENCH_BOOK).txt

bench-smoke: ensure-setup bench-bundle
	@$(BENCH_DIR)/smoke $(BENCH_BUNDLE) $(BENCH_BUILD)
