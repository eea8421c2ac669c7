# common/mk/setup.mk — set up what is missing before a target needs it.
#
# Included by the top-level Makefile, module.mk and vmm.mk (which set TOP),
# so that `make -C stepNN run` works as the first command on a fresh machine,
# as `make run` does: common/setup --check (quiet, changes nothing), and when
# something is missing, common/setup itself: as root it installs the missing
# Debian packages and fetches the lab assets; as a user it prints the
# apt-get line to run as root and make stops (setup exits 1).
#
# A target that builds or runs lists ensure-setup as a prerequisite; files
# built first list it after a `|`, so that even `make -j` sets up before it
# compiles anything.

.PHONY: ensure-setup
ensure-setup:
	@$(TOP)/common/setup --check 2>/dev/null || $(TOP)/common/setup
