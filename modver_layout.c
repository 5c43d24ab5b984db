// SPDX-License-Identifier: GPL-2.0
/*
 * Verifying at init that the loader's private structs are what modver thinks they are.
 *
 * modver reads the leading fields of two private structs of kernel/module/internal.h through
 * mirrors of its own (modver_mirror.h): struct load_info, which check_version() is handed, and
 * struct find_symbol_arg, which the dry run's find_symbol() probe reads.  Their offsets have held
 * from 6.1 to 7.3, but nothing promises that: a distribution patch, a config or a new kernel can
 * move them, and a wrong offset would make modver read garbage where it decides loads.  So before
 * any probe is registered, modver reads the running kernel's BTF (/sys/kernel/btf/vmlinux, present
 * when the kernel has CONFIG_DEBUG_INFO_BTF, as every Debian kernel does) and checks each field it
 * reads: offset, kind (pointer or integer) and size.  Where BTF disagrees, or cannot be read at
 * all, modver refuses to load, with one line saying what could not be verified: an unverified
 * layout is a doubt, and doubts resolve toward refusing.
 *
 * Process context (module init), may sleep; the blob and its index are freed before returning.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "modver.h"
#include "modver_btf.h"
#include "modver_mirror.h"

#define MODVER_BTF_PATH		"/sys/kernel/btf/vmlinux"

/*
 * Where load_info.index keeps the loader's choice of version sections (section indices, unsigned
 * int), found in BTF at init: these offsets differ between releases and configurations (6.1: 140,
 * 6.12: 132 on Debian amd64).  Written once before any probe is registered, read-only after.
 */
static u32 modver_index_vers_off, modver_index_ext_crc_off, modver_index_ext_name_off;

static int modver_layout_find_index(const struct mv_btf *btf, char *why, size_t size)
{
	if (mv_btf_int_offset(btf, "load_info", "index.vers", sizeof(u32),
			      &modver_index_vers_off, why, size))
		return -1;
	if (MODVER_KERNEL_FORMAT != MV_KERNEL_EXTENDED)
		return 0;
	if (mv_btf_int_offset(btf, "load_info", "index.vers_ext_crc", sizeof(u32),
			      &modver_index_ext_crc_off, why, size))
		return -1;
	return mv_btf_int_offset(btf, "load_info", "index.vers_ext_name", sizeof(u32),
				 &modver_index_ext_name_off, why, size);
}

/**
 * modver_loader_selection() - the version sections the loader selected for a load
 * @info: the loader's struct load_info, as check_version() receives it
 * @sel: result: load_info.index.vers (and, from 6.14, .vers_ext_crc and .vers_ext_name)
 *
 * The loader's own choice, read where BTF said it is: find_sec() as the running kernel runs it,
 * MODULE_INIT_IGNORE_MODVERSIONS included.  Any context.
 */
void modver_loader_selection(const struct modver_load_info *info, struct mv_selection *sel)
{
	const u8 *base = (const u8 *)info;

	memset(sel, 0, sizeof(*sel));
	memcpy(&sel->vers, base + modver_index_vers_off, sizeof(sel->vers));
	if (MODVER_KERNEL_FORMAT != MV_KERNEL_EXTENDED)
		return;
	memcpy(&sel->ext_crcs, base + modver_index_ext_crc_off, sizeof(sel->ext_crcs));
	memcpy(&sel->ext_names, base + modver_index_ext_name_off, sizeof(sel->ext_names));
}

/* Debian's vmlinux BTF is about 6 MiB; a file far larger is not what modver expects to read. */
#define MODVER_BTF_MAX_BYTES	(256U << 20)
#define MODVER_NO_BTF_HINT	" (no CONFIG_DEBUG_INFO_BTF, or sysfs not at /sys?)"

/*
 * Read the whole of @path (a BTF file under /sys/kernel/btf/) into a vmalloc()ed buffer; on
 * failure @why says what failed.  Process context, may sleep.  Also used by modver_explain.c.
 */
int modver_read_file(const char *path, void **data, size_t *len, char *why, size_t size)
{
	struct file *file;
	loff_t bytes, pos = 0;
	ssize_t n;
	void *buf;
	int err;

	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		snprintf(why, size, "cannot open %s: %pe%s", path, ERR_PTR(err),
			 err == -ENOENT ? MODVER_NO_BTF_HINT : "");
		return err;
	}
	bytes = i_size_read(file_inode(file));
	if (bytes <= 0 || bytes > MODVER_BTF_MAX_BYTES) {
		snprintf(why, size, "%s has an implausible size (%lld bytes)", path,
			 bytes);
		err = -EFBIG;
		goto out_close;
	}
	buf = vmalloc(bytes);
	err = -ENOMEM;
	if (!buf)
		goto out_close;
	/* sysfs hands a binary attribute out in pieces: read until all of it is in. */
	while (pos < bytes) {
		n = kernel_read(file, buf + pos, bytes - pos, &pos);
		if (n <= 0) {
			err = n ? n : -EIO;
			snprintf(why, size, "cannot read %s: %pe after %lld of %lld bytes", path,
				 ERR_PTR(err), pos, bytes);
			goto out_free;
		}
	}
	filp_close(file, NULL);
	*data = buf;
	*len = bytes;
	return 0;

out_free:
	vfree(buf);
out_close:
	filp_close(file, NULL);
	if (err == -ENOMEM)
		snprintf(why, size, "no memory to read %s (%lld bytes)", path, bytes);
	return err;
}

/**
 * modver_layout_verify() - check modver's mirrors of the loader's private structs against BTF
 *
 * Module init only: process context, before any probe is registered.  Prints one error line
 * naming what could not be verified when it fails.
 *
 * Return: 0 when every field modver reads is where, and of the kind and size, modver assumes;
 * -EOPNOTSUPP when BTF says otherwise or cannot be parsed; -ENOMEM; or the error reading BTF
 * (e.g. -ENOENT on a kernel without CONFIG_DEBUG_INFO_BTF).
 */
int modver_layout_verify(void)
{
	u64 start = ktime_get_ns();
	char why[192];
	const char *what;
	struct mv_btf btf;
	u32 *index = NULL;
	void *data;
	size_t len;
	unsigned int i;
	int err;

	err = modver_read_file(MODVER_BTF_PATH, &data, &len, why, sizeof(why));
	if (err)
		goto fail;
	err = -EOPNOTSUPP;
	if (mv_btf_open(&btf, data, len, &what)) {
		snprintf(why, sizeof(why), "%s is malformed: %s", MODVER_BTF_PATH, what);
		goto out;
	}
	index = kvmalloc(mv_btf_index_bytes(&btf), GFP_KERNEL);
	if (!index) {
		err = -ENOMEM;
		snprintf(why, sizeof(why), "no memory to index %u types", btf.nr_types);
		goto out;
	}
	if (mv_btf_index(&btf, index, mv_btf_index_bytes(&btf))) {
		snprintf(why, sizeof(why), "cannot index %s", MODVER_BTF_PATH);
		goto out;
	}
	for (i = 0; i < mv_mirror_count; i++)
		if (mv_btf_check_struct(&btf, mv_mirrors[i].name, mv_mirrors[i].fields,
					mv_mirrors[i].count, why, sizeof(why)))
			goto out;
	if (modver_layout_find_index(&btf, why, sizeof(why)))
		goto out;
	err = 0;
	pr_info("private struct layouts verified against %s (%zu bytes, %u types; load_info.index.vers at %u) in %llu us\n",
		MODVER_BTF_PATH, len, btf.nr_types, modver_index_vers_off,
		div_u64(ktime_get_ns() - start, NSEC_PER_USEC));
out:
	kvfree(index);
	vfree(data);
fail:
	if (err)
		pr_err("cannot verify the loader's private structs (load_info, find_symbol_arg, module_use) against BTF: %s; refusing to load\n",
		       why);
	return err;
}
