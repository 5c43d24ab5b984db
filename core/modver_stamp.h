/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stamps: the bytes of a module's ".modver_stamp" section, what the module expects of the kernel
 * it was built against.  Pure code, no allocation: built by a build step (userspace) and read by
 * modver.ko at load time from untrusted module bytes.
 *
 * Layout (every integer little-endian, every offset from the start of the stamp, every section
 * 8-byte aligned):
 *   header (MV_STAMP_HDR_LEN bytes):
 *     u32 magic (MV_STAMP_MAGIC, "MVST"), u16 version (MV_STAMP_VERSION), u16 header length,
 *     u32 total length, u32 fingerprint version (MV_FP_VERSION),
 *     u32 release offset, u32 release length (the build kernel's release, no NUL in the length;
 *         a NUL follows it),
 *     u32 records offset, u32 record count,
 *     u32 names offset, u32 names length (NUL-terminated names, each record's name inside),
 *     u32 BTF offset, u32 BTF length (0: no BTF),
 *   records (MV_STAMP_REC_LEN bytes each, sorted by name, names unique):
 *     u32 name offset (in the names), u32 type id (a FUNC or VAR in the embedded BTF; 0: the
 *     build kernel had no BTF for the symbol), u64 fingerprint (0 with type id 0);
 *   names; the release;
 *   the embedded BTF: a standalone blob (native byte order, as the build kernel's) holding only
 *     the types of the stamped symbols' closures, renumbered in their original order, with only
 *     the strings they use.
 */
#ifndef MODVER_STAMP_H
#define MODVER_STAMP_H

#include "modver_closure.h"

#define MV_STAMP_SECTION	".modver_stamp"
#define MV_STAMP_MAGIC		0x5453564dU	/* "MVST" */
#define MV_STAMP_VERSION	1
#define MV_STAMP_HDR_LEN	48
#define MV_STAMP_REC_LEN	16
#define MV_STAMP_MAX_RELEASE	256
#define MV_STAMP_MAX_SYMS	65536

/* An opened stamp; fields read-only for callers. */
struct mv_stamp {
	const u8 *data;
	u64 len;
	const char *release;
	u32 nr_syms;
	const u8 *recs;
	const char *names;
	u32 names_len;
	bool has_btf;
	struct mv_btf btf;	/* the embedded BTF, opened and indexed (when has_btf) */
	struct mv_closure cl;	/* its closure workspace */
};

/* One record. */
struct mv_stamp_sym {
	const char *name;
	u32 type_id;		/* in the stamp's BTF; 0: none */
	u64 fp;
};

u64 mv_stamp_work_bytes(const struct mv_btf *btf);
int mv_stamp_size(const struct mv_btf_names *nx, struct mv_closure *cl, const char *release,
		  const char *const *names, u32 count, void *work, u64 work_bytes, u64 *size,
		  const char **why);
int mv_stamp_build(const struct mv_btf_names *nx, struct mv_closure *cl, const char *release,
		   const char *const *names, u32 count, void *work, u64 work_bytes,
		   void *out, u64 out_size, u64 *written, const char **why);
u64 mv_stamp_open_bytes(const void *data, u64 len);
int mv_stamp_open(struct mv_stamp *st, const void *data, u64 len, void *mem, u64 bytes,
		  const char **why);
int mv_stamp_sym(const struct mv_stamp *st, u32 i, struct mv_stamp_sym *s);
int mv_stamp_find(const struct mv_stamp *st, const char *name, struct mv_stamp_sym *s);

#endif /* MODVER_STAMP_H */
