/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel's BTF and, where the source has them, its export CRCs, for modver-dump --explain and
 * --stamp.  A source is a path, or several joined by commas (the BTF from the first that has
 * it, CRCs from the first that has them):
 *   - raw BTF: /sys/kernel/btf/vmlinux, or any file starting with the BTF header;
 *   - a vmlinux ELF (its .BTF section), including the BTF-only vmlinux of 6.12+ headers;
 *   - a kernel image: vmlinuz/bzImage (the compressed payload found by its magic and decompressed,
 *     as scripts/extract-vmlinux does), an arm64 Image or Image.gz (BTF found by a header scan
 *     validated by the BTF reader);
 *   - a Debian linux-image-*, linux-image-*-unsigned, linux-binary-* or linux-headers-* package
 *     (its boot/vmlinuz-RELEASE, or the vmlinux and Module.symvers of its headers tree,
 *     usr/src/linux-headers-RELEASE);
 *   - a headers tree (a directory with vmlinux and/or Module.symvers);
 *   - a Module.symvers file (CRCs only).
 */
#ifndef KERNEL_SOURCE_H
#define KERNEL_SOURCE_H

#include "modver_types.h"
#include "symvers.h"

struct kernel_source {
	u8 *btf;		/* the raw BTF blob (malloc'ed), or NULL */
	u64 btf_len;
	struct symvers *symvers;	/* export CRCs, or NULL: the source has none */
	char btf_from[1024];	/* where the BTF was found, for the output */
	char crc_from[1024];	/* where the CRCs were found; "" if none */
};

int kernel_source_open(const char *spec, struct kernel_source *ks, char *err, size_t errlen);
void kernel_source_free(struct kernel_source *ks);

/* The BTF blob inside @data (raw BTF, ELF .BTF, or a scan): offset and length, or -ENOENT. */
int kernel_source_find_btf(const u8 *data, u64 len, u64 *off, u64 *btf_len, const char **how);

#endif /* KERNEL_SOURCE_H */
