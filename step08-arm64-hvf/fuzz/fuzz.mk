# step08-arm64-hvf/fuzz/fuzz.mk — the libFuzzer target of the virtio code:
# a hostile driver, as bytes (fuzz_ops.h), against the virtio-mmio transport,
# the split virtqueue, virtio-blk, virtio-console and virtio-net, under ASan
# and UBSan; and the same target replayed, on this host and as arm64 code.
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
#   fuzz-replay, fuzz-replay-arm64, fuzz-planted: the replay (see below)
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

# The replay: the same target where there is no libFuzzer (gcc, and the
# arm64 build), under replay_main.c, which runs it once on each file of
# FUZZ_REPLAY_DIRS (default: the seeds) and ends with
#   fuzz_replay: inputs=N bytes=B
# or crashes, naming the input.
#   fuzz-replay        on this host: gcc, ASan + UBSan
#   fuzz-replay-arm64  as arm64 code: built the way the arm64 VMM is
#                      (aarch64-linux-gnu-gcc -static, the arm64 lab's
#                      UAPI headers), UBSan in trap mode (it needs no
#                      runtime library, so it links static), run under
#                      qemu-aarch64-static (qemu-user-static)
#   fuzz-planted       both builds again with FUZZ_PLANTED_BUG, and the
#                      input that hits it in $(FUZZ_OUT)/planted: each
#                      must crash on it (test.sh checks that they do)
FUZZ_REPLAY_DIRS  ?= $(FUZZ_OUT)/seeds
FUZZ_ARM64_CC     ?= aarch64-linux-gnu-gcc
FUZZ_ARM64_QEMU   ?= qemu-aarch64-static
FUZZ_ARM64_ASSETS := LAB_ARCH=arm64 $(FUZZ_STEP)/../common/lab/lab-assets
FUZZ_REPLAY_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -pthread \
	-I$(FUZZ_STEP)
FUZZ_REPLAY_X86   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_REPLAY_ARM64 := -fsanitize=undefined -fsanitize-undefined-trap-on-error \
	-static
FUZZ_REPLAY_SRCS  := $(FUZZ_DIR)/fuzz_virtio.c $(FUZZ_DIR)/replay_main.c

.PHONY: fuzz-replay fuzz-replay-arm64 fuzz-planted

$(FUZZ_OUT)/fuzz_replay $(FUZZ_OUT)/fuzz_replay_planted: $(FUZZ_SRCS)
	@mkdir -p $(@D)
	gcc $(FUZZ_REPLAY_FLAGS) $(FUZZ_REPLAY_X86) \
		$(if $(findstring planted,$@),-DFUZZ_PLANTED_BUG) -o $@ $(FUZZ_REPLAY_SRCS)

$(FUZZ_OUT)/arm64/fuzz_replay $(FUZZ_OUT)/arm64/fuzz_replay_planted: $(FUZZ_SRCS)
	@mkdir -p $(@D)
	$(FUZZ_ARM64_CC) $(FUZZ_REPLAY_FLAGS) $(FUZZ_REPLAY_ARM64) \
		$$($(FUZZ_ARM64_ASSETS) vmm-cflags) \
		$(if $(findstring planted,$@),-DFUZZ_PLANTED_BUG) -o $@ $(FUZZ_REPLAY_SRCS)

fuzz-replay: $(FUZZ_OUT)/fuzz_replay $(FUZZ_OUT)/seeds.stamp
	@$(FUZZ_OUT)/fuzz_replay $(FUZZ_REPLAY_DIRS)

fuzz-replay-arm64: $(FUZZ_OUT)/arm64/fuzz_replay $(FUZZ_OUT)/seeds.stamp
	@command -v $(FUZZ_ARM64_QEMU) >/dev/null || { echo "fuzz-replay-arm64:" \
		"no $(FUZZ_ARM64_QEMU) (Debian: qemu-user-static)" >&2; exit 2; }
	@$(FUZZ_ARM64_QEMU) $(FUZZ_OUT)/arm64/fuzz_replay $(FUZZ_REPLAY_DIRS)

$(FUZZ_OUT)/planted/select-beyond-queues: $(FUZZ_OUT)/gen_seeds
	@rm -rf $(@D) && mkdir -p $(@D)
	$(FUZZ_OUT)/gen_seeds --planted $(@D)

fuzz-planted: $(FUZZ_OUT)/fuzz_replay_planted $(FUZZ_OUT)/arm64/fuzz_replay_planted \
		$(FUZZ_OUT)/planted/select-beyond-queues
