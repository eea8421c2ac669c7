# common/mk/vmm.mk — the make targets of a userspace-VMM step (05-07).
#
# A step's Makefile sets these and includes this file:
#   STEP        the step's directory name, e.g. step05-kvm-userspace
#   VMM_SRCS    the VMM's C sources (linked -static into build/vmm: the lab
#               VM is a busybox initramfs without a C library)
#   ASM_GUESTS  nasm guests: guests/NAME.asm -> build/NAME.bin (flat binaries;
#               they %include "layout.inc", generated from the step's layout.h)
#   C_GUESTS    freestanding C guests: guests/NAME.c + the runtime in
#               common/guest -> build/NAME.bin
#   LAB_CPUS    CPUs of the lab VM (default 1)
#   LAB_FLAGS   more lab-run options
#   LAB_FILES   more files or folders for the VM (next to lab.sh in
#               /lab/$(STEP))
#   RUN_LABS    a script that runs several labs for `make run` and prints
#               the step's verdict last (default: the one lab above)
#   USES_COMMON the files of common/ the step uses (paths under common/, a
#               folder for all its files), e.g. include/hypercall.h guest:
#               read by common/step-diff, which counts them in `make diff` and
#               checks them against the step's includes
#
# Targets (all, run and test first install what is missing, see setup.mk):
#   all    build the VMM and the guests, and the bundle build/lab/$(STEP)/
#          (vmm, guests, lab.sh): what lab.sh runs, in the lab VM or here
#   run    run lab.sh where KVM is real, as lab-engine decides for a step
#          that needs kvm-userspace: on this host when its /dev/kvm is
#          hardware-accelerated (engine host-kvm), else in the lab VM (QEMU
#          TCG -cpu max with kvm + kvm_amd loaded: qemu-tcg; or qemu-kvm with
#          nested virtualization); ends with the verdict
#   test   run, then test.sh on the console log, then the Check unit tests
#   clean  remove what the build made
#
# `make test RUN_LOG=FILE` checks an existing console log instead of running.

TOP      := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
LAB      := $(TOP)/common/lab
LAB_CPUS ?= 1
BUNDLE   := build/lab/$(STEP)

CC       := gcc
CFLAGS   := -std=c11 -O2 -g -Wall -Wextra -I. -I$(TOP)/common/include
LDFLAGS  := -static

# Guests: 64-bit freestanding code, no libc, no SSE (the VMM leaves
# CR4.OSFXSR clear), no red zone, linked at GUEST_LOAD_ADDR.
GUEST_DIR    := $(TOP)/common/guest
GUEST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -ffreestanding -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-red-zone \
	-mgeneral-regs-only -fno-builtin -I. -I$(TOP)/common/include -I$(GUEST_DIR)
GUEST_RT     := build/guest/start.o build/guest/runtime.o

GUEST_BINS := $(ASM_GUESTS:%=build/%.bin) $(C_GUESTS:%=build/%.bin)
# The step's headers, in its folders too (step07: boot/, devices/, virtio/).
HEADERS    := $(wildcard *.h */*.h) $(wildcard $(TOP)/common/include/*.h)

.PHONY: all run test clean bundle
.DEFAULT_GOAL := all
include $(TOP)/common/mk/setup.mk

# Everything is built from these: they wait for the setup (even with -j).
build/vmm build/layout.inc build/guest/start.o build/guest/runtime.o \
	build/guest/guest.ld $(C_GUESTS:%=build/guest/%.o) $(LAB_FILES): | ensure-setup

all: bundle

build/vmm: $(VMM_SRCS) $(HEADERS)
	@mkdir -p build
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(VMM_SRCS)

# One source of truth for the memory map: layout.h's #defines, for nasm.
build/layout.inc: layout.h
	@mkdir -p build
	sed -n 's/^#define \([A-Z0-9_]*\)[ 	]\{1,\}\(.*\)$$/%define \1 \2/p' $< >$@

$(ASM_GUESTS:%=build/%.bin): build/%.bin: guests/%.asm build/layout.inc
	nasm -f bin -I build/ -o $@ $<

build/guest/start.o: $(GUEST_DIR)/start.asm build/layout.inc
	@mkdir -p build/guest
	nasm -f elf64 -I build/ -o $@ $<

build/guest/runtime.o: $(GUEST_DIR)/runtime.c $(HEADERS) $(wildcard $(GUEST_DIR)/*.h)
	@mkdir -p build/guest
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

build/guest/%.o: guests/%.c $(HEADERS) $(wildcard $(GUEST_DIR)/*.h)
	@mkdir -p build/guest
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

# The linker script takes GUEST_LOAD_ADDR from layout.h through cpp.
build/guest/guest.ld: $(GUEST_DIR)/guest.ld.in layout.h
	@mkdir -p build/guest
	$(CC) -E -P -x c -include layout.h -o $@ $<

# One flat image, loaded and mapped read-write-execute as a whole (the page
# tables of step05 have no NX bits): ld need not warn about an RWX segment.
$(C_GUESTS:%=build/%.elf): build/%.elf: build/guest/%.o $(GUEST_RT) build/guest/guest.ld
	ld -static -nostdlib -z noexecstack --no-warn-rwx-segments \
		-T build/guest/guest.ld -o $@ $(GUEST_RT) $<

$(C_GUESTS:%=build/%.bin): build/%.bin: build/%.elf
	objcopy -O binary $< $@

bundle: build/vmm $(GUEST_BINS) lab.sh $(LAB_FILES)
	@rm -rf $(BUNDLE) && mkdir -p $(BUNDLE)
	@cp -R build/vmm $(GUEST_BINS) lab.sh $(LAB_FILES) $(BUNDLE)/

# Where it runs is lab-engine's decision (--needs kvm-userspace): lab-run
# runs lab.sh on this host (host-kvm) or boots the lab VM, and sets
# LAB_ENGINE to the engine it used either way.
# A step that does not build still ends `make run` with its verdict.
# A step with more than one lab (step08: x86 and arm64) names the script
# that runs them all in RUN_LABS; it ends with the step's one verdict.
run: ensure-setup
	@$(MAKE) bundle || { mkdir -p build; echo "$(STEP): FAIL reason=build" | tee build/run.log; exit 1; }
	@$(if $(RUN_LABS),sh $(RUN_LABS),$(LAB)/run-step --step $(STEP) --log build/run.log -- \
		--needs kvm-userspace --cpus $(LAB_CPUS) $(LAB_FLAGS) $(BUNDLE))

test: ensure-setup
	@$(TOP)/tests/step-test $(STEP) $(if $(RUN_LOG),--log $(RUN_LOG))

clean:
	rm -rf build
