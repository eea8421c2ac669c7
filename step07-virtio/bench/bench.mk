# step07-virtio/bench/bench.mk — host microbenchmarks of step07's devices
# (no KVM, no lab VM): numbers for the chapter, never verdicts.  The step's
# Makefile may include it; it also runs on its own:
#
#	make -f bench/bench.mk bench-net      (from step07-virtio/)
#
#   bench-net   virtio-net with and without its I/O thread (net_iothread.c):
#               receive latency, receive and transmit packet rates, the
#               vCPU's CPU time per transmitted packet
# Needs Check's headers (vdriver.h reports through ck_assert).

BENCH_DIR    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BENCH_STEP   := $(BENCH_DIR)/..
BENCH_OUT    ?= build/bench
BENCH_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -I$(BENCH_STEP) \
	-I$(BENCH_STEP)/../tests/unit/step07-virtio \
	$(shell pkg-config --cflags check 2>/dev/null)
BENCH_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck) \
	-lpthread

.PHONY: bench-net

$(BENCH_OUT)/net_iothread: $(BENCH_DIR)/net_iothread.c \
		$(wildcard $(BENCH_STEP)/virtio/*.[ch]) \
		$(BENCH_STEP)/iothread.c $(BENCH_STEP)/iothread.h \
		$(BENCH_STEP)/../tests/unit/step07-virtio/vdriver.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(BENCH_LIBS)

bench-net: $(BENCH_OUT)/net_iothread
	@$<
