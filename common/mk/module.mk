# common/mk/module.mk — the make targets of a kernel-module step (00-04).
#
# A step's Makefile sets these and includes this file:
#   STEP       the step's directory name, e.g. step02-vmxon
#   MODULE     the module name(s) Kbuild builds (the step's Kbuild lists them)
#   LAB_NEEDS  none | vmx                what the lab engine must offer
#   LAB_CPUS   CPUs of the lab VM        (default 1)
#   LAB_FLAGS  more lab-run options      (e.g. --reports-skip, --modules kvm_intel)
#   LAB_FILES  more files for the VM     (next to lab.sh in /lab/$(STEP))
#   DEPS       more prerequisites of the module build (generated headers, ...)
#   USES_COMMON  the files of common/ the step uses (paths under common/, a
#              folder for all its files): read by common/step-diff, which
#              counts them in `make diff` and checks them against the includes
#
# Targets (all, run, test and load first install what is missing, see setup.mk):
#   all    build the module(s) against the lab kernel's headers
#   run    run lab.sh in the lab VM; ends with the step's verdict line
#   test   run, then test.sh on the console log, then the Check unit tests
#   load   build for the running kernel and insmod on this host (after checks)
#   clean  remove what the build made
#
# `make test RUN_LOG=FILE` checks an existing console log instead of booting
# (the top-level test shares one Bochs boot among the VMX steps this way).

MAKEFLAGS += --no-print-directory
TOP       := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
LAB       := $(TOP)/common/lab
LAB_CPUS  ?= 1
LAB_NEEDS ?= none
BUNDLE    := build/lab/$(STEP)
KOS       := $(addsuffix .ko,$(MODULE))

# Resolved when a recipe needs it, so `make clean` fetches nothing.
KDIR = $(shell $(LAB)/lab-assets kdir)

.PHONY: all run test load clean bundle lab-info
.DEFAULT_GOAL := all
include $(TOP)/common/mk/setup.mk

all: $(KOS)

# Kbuild decides what to rebuild, so it is always asked: it also rebuilds
# everything when the lab kernel (its headers) changed, which make alone
# would not notice.
.PHONY: $(KOS)
$(KOS) $(LAB_FILES): | ensure-setup
$(KOS): $(DEPS)
	@kdir="$(KDIR)" && [ -d "$$kdir" ] || { echo "$(STEP): no kernel headers (lab-assets kdir failed)" >&2; exit 1; }; \
	$(MAKE) --no-print-directory -C "$$kdir" M=$(CURDIR) modules

# The VM gets the modules without their debug information (step00.ko: 221 KB
# -> 14 KB): Bochs reads them and insmod copies them at emulated speed.
bundle: $(KOS) lab.sh $(LAB_FILES)
	@rm -rf $(BUNDLE) && mkdir -p $(BUNDLE)
	@cp $(KOS) lab.sh $(LAB_FILES) $(BUNDLE)/
	@cd $(BUNDLE) && strip --strip-debug $(KOS)

# A step that does not build still ends `make run` with its verdict.
run: ensure-setup
	@$(MAKE) bundle || { mkdir -p build; echo "$(STEP): FAIL reason=build" | tee build/run.log; exit 1; }
	@$(LAB)/run-step --step $(STEP) --log build/run.log -- \
		--needs $(LAB_NEEDS) --cpus $(LAB_CPUS) $(LAB_FLAGS) $(BUNDLE)

test: ensure-setup
	@$(TOP)/tests/step-test $(STEP) $(if $(RUN_LOG),--log $(RUN_LOG))

load: ensure-setup lab.sh
	@$(LAB)/host-load --step $(STEP) $(foreach m,$(MODULE),--module $(m)) \
		$(if $(LOAD_ARGS),--args "$(LOAD_ARGS)")

clean:
	rm -rf build $(KOS) *.o *.mod *.mod.c .*.cmd modules.order Module.symvers $(CLEAN_FILES)

# What the lab must offer this step, for the top-level test that shares one
# boot among steps with the same needs.
lab-info:
	@echo "needs=$(LAB_NEEDS) cpus=$(LAB_CPUS) flags=$(LAB_FLAGS)"
