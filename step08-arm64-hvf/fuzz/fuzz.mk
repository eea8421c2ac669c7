# step07-virtio/fuzz/fuzz.mk — the libFuzzer target of step07's virtio code:
# a hostile driver, as bytes (fuzz_ops.h), against the virtio-mmio transport,
# the split virtqueue, virtio-blk, virtio-console and virtio-net, under ASan
# and UBSan.
# The step's Makefile includes it:
#
#	include fuzz/fuzz.mk
#
# Targets:
#   fuzz        build, write the seed corpus, fuzz for FUZZ_TIME seconds
#               (default 600), keeping what it finds in build/fuzz/corpus
#   fuzz-smoke  FUZZ_SMOKE_RUNS executions (default 20000, a few seconds)
#               from the seeds alone: the bounded pass `make test` runs
#   fuzz-clean  remove build/fuzz
#   fuzz-coverage  line coverage of virtio/*.c by the corpus (see below)
# Both runs end with one line, and fail if anything crashed:
#   fuzz_virtio: runs=N seconds=S cov=C ft=F corpus=K crashes=0
# Needs clang and its fuzzer runtime (Debian: clang, libclang-rt-14-dev;
# common/setup installs them).

FUZZ_DIR        := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FUZZ_STEP       := $(FUZZ_DIR)/..
FUZZ_OUT        ?= build/fuzz
FUZZ_CC         ?= clang
FUZZ_CFLAGS     := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I$(FUZZ_STEP)
FUZZ_TIME       ?= 600
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SRCS       := $(wildcard $(FUZZ_DIR)/*.[ch] $(FUZZ_STEP)/virtio/*.[ch]) \
	$(FUZZ_STEP)/guest_mem.c $(FUZZ_STEP)/guest_mem.h $(FUZZ_STEP)/irq.h \
	$(FUZZ_STEP)/iothread.c $(FUZZ_STEP)/iothread.h

.PHONY: fuzz fuzz-smoke fuzz-clean fuzz-coverage

$(FUZZ_OUT)/fuzz_virtio: $(FUZZ_SRCS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_DIR)/fuzz_virtio.c

$(FUZZ_OUT)/gen_seeds: $(FUZZ_DIR)/gen_seeds.c $(FUZZ_DIR)/fuzz_ops.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -Wall -Wextra -o $@ $<

$(FUZZ_OUT)/seeds.stamp: $(FUZZ_OUT)/gen_seeds
	@rm -rf $(FUZZ_OUT)/seeds && mkdir -p $(FUZZ_OUT)/seeds
	$(FUZZ_OUT)/gen_seeds $(FUZZ_OUT)/seeds
	@touch $@

fuzz: $(FUZZ_OUT)/fuzz_virtio $(FUZZ_OUT)/seeds.stamp
	@sh $(FUZZ_DIR)/run-fuzz $(FUZZ_OUT) $(FUZZ_OUT)/corpus \
		-max_total_time=$(FUZZ_TIME)

# From the seeds alone, so that it takes the same time every time.
fuzz-smoke: $(FUZZ_OUT)/fuzz_virtio $(FUZZ_OUT)/seeds.stamp
	@rm -rf $(FUZZ_OUT)/smoke-corpus
	@sh $(FUZZ_DIR)/run-fuzz $(FUZZ_OUT) $(FUZZ_OUT)/smoke-corpus \
		-runs=$(FUZZ_SMOKE_RUNS) -seed=1

fuzz-clean:
	rm -rf $(FUZZ_OUT)

# fuzz-coverage: line coverage of virtio/ by the corpus and the seeds, with
# clang's source-based coverage (needs llvm-profdata and llvm-cov: Debian's
# llvm-14, which clang recommends).  Not part of `make test`.
FUZZ_LLVM ?= $(firstword $(wildcard /usr/lib/llvm-14/bin) /usr/bin)

$(FUZZ_OUT)/fuzz_virtio_cov: $(FUZZ_SRCS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O0 -fsanitize=fuzzer \
		-fprofile-instr-generate -fcoverage-mapping -I$(FUZZ_STEP) \
		-o $@ $(FUZZ_DIR)/fuzz_virtio.c

fuzz-coverage: $(FUZZ_OUT)/fuzz_virtio_cov $(FUZZ_OUT)/seeds.stamp
	@mkdir -p $(FUZZ_OUT)/corpus
	LLVM_PROFILE_FILE=$(FUZZ_OUT)/cov.profraw $(FUZZ_OUT)/fuzz_virtio_cov \
		-runs=0 $(FUZZ_OUT)/corpus $(FUZZ_OUT)/seeds >/dev/null 2>&1
	$(FUZZ_LLVM)/llvm-profdata merge -o $(FUZZ_OUT)/cov.profdata \
		$(FUZZ_OUT)/cov.profraw
	$(FUZZ_LLVM)/llvm-cov report $(FUZZ_OUT)/fuzz_virtio_cov \
		-instr-profile=$(FUZZ_OUT)/cov.profdata \
		$(wildcard $(FUZZ_STEP)/virtio/*.c)
