# step07-virtio/bench/net_iothread.mk — host microbenchmarks of step07's devices
# (no KVM, no lab VM): numbers for the chapter, never verdicts.  The step's
# Makefile may include it; it also runs on its own:
#
#	make -f bench/net_iothread.mk bench-net      (from step07-virtio/)
#
#   bench-net   virtio-net with and without its I/O thread (net_iothread.c):
#               receive latency, receive and transmit packet rates, the
#               vCPU's CPU time per transmitted packet
# Needs Check's headers (vdriver.h reports through ck_assert).

NETB_DIR    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
NETB_STEP   := $(NETB_DIR)/..
NETB_OUT    ?= build/bench
NETB_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -I$(NETB_STEP) \
	-I$(NETB_STEP)/../tests/unit/step07-virtio \
	$(shell pkg-config --cflags check 2>/dev/null)
NETB_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck) \
	-lpthread

.PHONY: bench-net

$(NETB_OUT)/net_iothread: $(NETB_DIR)/net_iothread.c \
		$(wildcard $(NETB_STEP)/virtio/*.[ch]) \
		$(NETB_STEP)/iothread.c $(NETB_STEP)/iothread.h \
		$(NETB_STEP)/../tests/unit/step07-virtio/vdriver.h
	@mkdir -p $(@D)
	$(CC) $(NETB_CFLAGS) -o $@ $< $(NETB_LIBS)

bench-net: $(NETB_OUT)/net_iothread
	@$<
