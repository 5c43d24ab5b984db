# SPDX-License-Identifier: GPL-2.0
# stamp.mk: stamp out-of-tree modules with what they expect of their build kernel's types
# (`modver-dump --stamp`, a non-allocated .modver_stamp section the kernel never reads).  Stamp
# after the build and before signing or compressing.  Installed by modver-tools as
# /usr/share/modver/stamp.mk; either include it from a module's Makefile and run
# `make modver-stamp`, or run it on its own:
#
#   make -f /usr/share/modver/stamp.mk KDIR=<headers tree> MODULES="a.ko b.ko"
#
# KDIR       the headers tree the modules were built against (default: the running kernel's)
# STAMP_BTF  where that kernel's BTF is (default: KDIR, whose vmlinux 6.12+ headers ship; for
#            6.1 headers, which have none, give the image too: STAMP_BTF=/boot/vmlinuz-REL,KDIR)
# MODULES    the .ko files (default: every *.ko in the current directory)
# MODVER_DUMP  the modver-dump to run (default: the one in PATH)
KDIR ?= /lib/modules/$(shell uname -r)/build
STAMP_BTF ?= $(KDIR)
MODULES ?= $(wildcard *.ko)
MODVER_DUMP ?= modver-dump

modver-stamp:
	@test -n "$(strip $(MODULES))" || { echo "modver-stamp: no modules: give MODULES=\"a.ko b.ko\"" >&2; exit 1; }
	@for m in $(MODULES); do $(MODVER_DUMP) --stamp --btf "$(STAMP_BTF)" "$$m" || exit 1; done

.PHONY: modver-stamp
