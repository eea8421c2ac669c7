# The hypervisor course: top-level targets.
#
#   make setup           install what is missing (Debian, as root) and fetch the lab assets
#   make all             build every step
#   make run             the tour: every step's `make run`, in order, then a table
#   make test            every test (lab machine, unit, end-to-end); ends `N passed, N failed`
#   make book            the book as HTML in book/html/
#   make diff STEP=NN    what step NN adds to the step before it, common files included;
#                        then its lines: mechanism and harness apart
#   make clean           remove build products (make clean-cache: the lab assets too)

MAKEFLAGS += --no-print-directory
TOP   := $(CURDIR)
STEPS := $(sort $(patsubst %/,%,$(wildcard step[0-9][0-9]-*/)))

.PHONY: setup all run test book diff clean clean-cache

setup:
	@common/setup

# all, run and test need no separate setup: they do it when something is
# missing (ensure-setup, as every step's own targets do).
include common/mk/setup.mk

all: ensure-setup
	@for s in $(STEPS); do $(MAKE) -C $$s all || exit 1; done

run: ensure-setup
	@tests/tour $(STEPS)

test: ensure-setup
	@tests/run-all $(STEPS)

book:
	@book/build

diff:
	@common/step-diff $(STEP)

clean:
	@for s in $(STEPS); do $(MAKE) -C $$s clean >/dev/null; done
	@$(MAKE) -C tests clean >/dev/null
	@rm -rf book/html
	@echo "clean: build products removed"

# Only a directory that holds the lab's assets is removed, never a mistaken
# LAB_CACHE such as $$HOME.
clean-cache:
	@. common/lab/config && \
	if ls "$$LAB_CACHE"/release-* >/dev/null 2>&1 || [ -d "$$LAB_CACHE/debs" ]; then \
		rm -rf "$$LAB_CACHE" && echo "clean-cache: removed $$LAB_CACHE"; \
	elif [ -e "$$LAB_CACHE" ]; then \
		echo "clean-cache: $$LAB_CACHE does not look like the lab's cache; not removing it" >&2; exit 1; \
	else echo "clean-cache: nothing to remove"; fi
