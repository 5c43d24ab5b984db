# SPDX-License-Identifier: GPL-2.0
# Builds modver.ko out of tree: `make` for the running kernel, `make KDIR=<headers tree>` for any
# other (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- to cross-build).  The Kbuild file alone also
# serves `make -C <headers> M=<this directory>`.
#
# `make install [KDIR=<headers tree>] [INSTALL_MOD_PATH=<staging root>]`: builds, then runs the
# kernel's modules_install into <root>/lib/modules/<release>/updates/ (INSTALL_MOD_DIR, default
# updates, which modprobe prefers over the kernel's own tree) and depmod for that release.
KDIR ?= /lib/modules/$(shell uname -r)/build
INSTALL_MOD_DIR ?= updates
DEPMOD ?= depmod

# The release the module is built for, from the KDIR tree (not uname): UTS_RELEASE of
# include/generated/utsrelease.h, which is what the module's vermagic carries.  `make kernelrelease`
# is only the fallback, because Debian's 6.1 headers answer it (and hold in
# include/config/kernel.release) the upstream version, e.g. 6.1.192, not their release
# 6.1.0-NN-amd64: modules_install would then install into the wrong /lib/modules directory.
# Override with KRELEASE=<release> if needed.
KRELEASE ?= $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null), \
	$(shell $(MAKE) -s --no-print-directory -C $(KDIR) kernelrelease))

# modules_install signs modules when the tree has CONFIG_MODULE_SIG_ALL, with the tree's own key;
# distribution headers (Debian's) ship no key, and the attempt only prints OpenSSL errors.  Without
# certs/signing_key.x509 in KDIR, signing is switched off (sign with your own key, or let DKMS).
NOSIGN := $(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)

# The kernel's modules_install runs in KDIR: a relative staging root would land there.
ifneq ($(INSTALL_MOD_PATH),)
override INSTALL_MOD_PATH := $(abspath $(INSTALL_MOD_PATH))
endif

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

# KERNELRELEASE= makes the kernel's modules_install use the release found above.  Its own depmod
# step is skipped for trees without System.map (every Debian headers package), hence ours, with
# -b for a staging root.
install modules_install: modules
	@test -n "$(KRELEASE)" || { echo "cannot find the kernel release of $(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KRELEASE) $(NOSIGN) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)

# `make stamp KDIR=<headers tree> MODULES="/path/a.ko /path/b.ko" [STAMP_BTF=<kernel BTF>]`:
# stamp any out-of-tree modules (absolute paths: make -C changes directory) from their build
# kernel's BTF with modver-dump --stamp, built here first unless MODVER_DUMP names another.  The
# rules are tools/stamp.mk's, which a module's own Makefile can include.  (Not included here:
# the DKMS source tree has no tools/.)
MODVER_DUMP ?= $(CURDIR)/tools/modver-dump

stamp:
	@test -n "$(strip $(MODULES))" || { echo "make stamp: give MODULES=\"/path/a.ko ...\"" >&2; exit 1; }
	$(if $(filter $(CURDIR)/tools/modver-dump,$(MODVER_DUMP)),$(MAKE) -s -C tools modver-dump)
	$(MAKE) -f $(CURDIR)/tools/stamp.mk KDIR=$(KDIR) MODVER_DUMP=$(MODVER_DUMP) \
		MODULES="$(MODULES)" $(if $(STAMP_BTF),STAMP_BTF="$(STAMP_BTF)") modver-stamp

.PHONY: all modules clean install modules_install stamp
