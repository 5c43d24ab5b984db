// SPDX-License-Identifier: GPL-2.0
/*
 * btf_layout [--scan] FILE LABEL: check a kernel's BTF against modver's mirrors of the loader's
 * private structs (modver_mirror.c), with the same reader and the same checks as modver.ko's init.
 *
 * FILE is a raw BTF blob (objcopy -O binary --only-section=.BTF vmlinux), or with --scan any image
 * that holds one (an arm64 Image, a decompressed bzImage): the first blob there that the reader
 * accepts and that has a struct load_info is taken.  Prints one "PASS host btf LABEL: ..." or
 * "FAIL host btf LABEL: ..." line; exits 0 on PASS, 1 on FAIL.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modver_btf.h"
#include "modver_mirror.h"

static u8 *read_file(const char *path, u64 *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long size;

	if (!f)
		return NULL;
	size = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (size > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(size);
		if (buf && fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*len = size;
	}
	fclose(f);
	return buf;
}

/* Open and index the blob at @data; 0 on success. */
static int load(struct mv_btf *btf, const u8 *data, u64 len, u32 **index, const char **why)
{
	u64 bytes;

	if (mv_btf_open(btf, data, len, why))
		return -1;
	bytes = mv_btf_index_bytes(btf);
	free(*index);
	*index = malloc(bytes);
	*why = "cannot index";
	return mv_btf_index(btf, *index, bytes);
}

/* The blob's own length, from its header, when @p starts one inside @avail bytes; else 0. */
static u64 blob_length(const u8 *p, u64 avail)
{
	u32 h[6];
	u64 end, str_end;

	if (avail < sizeof(h) || p[0] != 0x9f || p[1] != 0xeb || p[2] != MV_BTF_VERSION || p[3])
		return 0;
	memcpy(h, p, sizeof(h));
	end = (u64)h[1] + h[2] + h[3];
	str_end = (u64)h[1] + h[4] + h[5];
	end = end > str_end ? end : str_end;
	return end <= avail ? end : 0;
}

int main(int argc, char **argv)
{
	const struct mv_mirror *m;
	bool scan = argc > 1 && !strcmp(argv[1], "--scan");
	const char *path, *label, *why = "no BTF blob with a struct load_info found";
	struct mv_btf btf;
	u32 *index = NULL, vers;
	char reason[256], line[1024];
	unsigned int i, k;
	u64 len, off, blob;
	int n = 0, ok = 0;
	u8 *data;

	if (argc != 3 + scan) {
		fprintf(stderr, "usage: btf_layout [--scan] FILE LABEL\n");
		return 2;
	}
	path = argv[1 + scan];
	label = argv[2 + scan];
	data = read_file(path, &len);
	if (!data) {
		printf("FAIL host btf %s: cannot read %s\n", label, path);
		return 1;
	}
	if (!scan) {
		ok = !load(&btf, data, len, &index, &why);
	} else {
		for (off = 0; off + MV_BTF_HDR_MIN <= len && !ok; off++) {
			blob = blob_length(data + off, len - off);
			ok = blob && !load(&btf, data + off, blob, &index, &why) &&
			     mv_btf_find(&btf, MV_BTF_KIND_STRUCT, "load_info", 0);
		}
		if (!ok)
			why = "no BTF blob with a struct load_info found";
	}
	if (!ok) {
		printf("FAIL host btf %s: %s: %s\n", label, path, why);
		return 1;
	}
	for (i = 0; i < mv_mirror_count; i++) {
		m = &mv_mirrors[i];
		if (mv_btf_check_struct(&btf, m->name, m->fields, m->count, reason,
					sizeof(reason))) {
			printf("FAIL host btf %s: %s\n", label, reason);
			return 1;
		}
		n += snprintf(line + n, sizeof(line) - n, "%s%s {", i ? "; " : "", m->name);
		for (k = 0; k < m->count; k++)
			n += snprintf(line + n, sizeof(line) - n, "%s %s@%u %s", k ? "," : "",
				      m->fields[k].path, m->fields[k].offset,
				      mv_btf_kind_name(m->fields[k].kind));
		n += snprintf(line + n, sizeof(line) - n, " }");
	}
	/* Found, not mirrored: where the loader keeps its choice of version sections. */
	if (mv_btf_int_offset(&btf, "load_info", "index.vers", sizeof(u32), &vers, reason,
			      sizeof(reason))) {
		printf("FAIL host btf %s: %s\n", label, reason);
		return 1;
	}
	n += snprintf(line + n, sizeof(line) - n, "; load_info.index.vers@%u", vers);
	printf("PASS host btf %s: as modver reads them (%u types): %s\n", label, btf.nr_types,
	       line);
	free(index);
	free(data);
	return 0;
}
