/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace access to a module file for modver-dump: reading it (plain, xz or zstd), its
 * .modinfo tags and the undefined symbols the loader will resolve.  Every offset is checked
 * against the image, which is untrusted; the image is 8-byte aligned, as the kernel's is.
 */
#ifndef KO_IMAGE_H
#define KO_IMAGE_H

#include "modver_types.h"

struct ko_image {
	u8 *bytes;
	u64 len;
};

int ko_image_read(const char *path, struct ko_image *img, char *err, size_t errlen);
int ko_image_from_memory(const void *data, u64 len, struct ko_image *img);
void ko_image_free(struct ko_image *img);
const char *ko_modinfo(const struct ko_image *img, const char *tag, char *buf, size_t size);

typedef void (*ko_symbol_fn)(const char *name, bool weak, void *arg);
int ko_undefined_symbols(const struct ko_image *img, ko_symbol_fn fn, void *arg);

int ko_add_section(const struct ko_image *img, const char *name, const void *data, u64 len,
		   struct ko_image *out, const char **why);

#endif /* KO_IMAGE_H */
