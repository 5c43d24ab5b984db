# SPDX-License-Identifier: GPL-2.0
# Builds modver.ko out of tree: `make` for the running kernel, `make KDIR=<headers tree>` for any
# other (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- to cross-build).  The Kbuild file alone also
# serves `make -C <headers> M=<this directory>`.
KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

.PHONY: all modules clean
