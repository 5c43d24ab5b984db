// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: modver against the kernel model (differential.c) on every input image.  A
 * case where modver is more lenient than the stock loader, or where its loader rules disagree
 * with the loader's, is a finding: described on stderr, then abort() so that libFuzzer keeps the
 * input.  Cases where modver is stricter are counted and printed when the run ends.
 */
#include <stdio.h>
#include <stdlib.h>

#include "differential.h"
#include "libfuzzer.h"

static struct diff_stats stats;

static void report(const char *what)
{
	fprintf(stderr, "kernel-model finding: %s\n", what);
	abort();
}

static void __attribute__((destructor)) print_stats(void)
{
	if (!stats.images)
		return;
	fprintf(stderr,
		"kernel-model: %llu images, %llu refused by the loader, %llu undefined outside the tables, %llu undefined in the tables, %llu queries, %llu stricter than the kernel\n",
		(unsigned long long)stats.images, (unsigned long long)stats.refused,
		(unsigned long long)stats.undefined, (unsigned long long)stats.table_undefined,
		(unsigned long long)stats.queries, (unsigned long long)stats.stricter);
}

/*
 * Byte mutations rarely reach the section headers of a 100 KiB module: half the time, change one
 * field of one section header (or of the ELF header) to a value the loader's checks care about.
 */
size_t LLVMFuzzerCustomMutator(u8 *data, size_t size, size_t max_size, unsigned int seed)
{
	static const u32 types[] = { SHT_NULL, SHT_NOBITS, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB };
	struct elf64_shdr sh, other;
	struct elf64_hdr eh;
	u64 at, v;
	u32 i;

	srand(seed);
	if (rand() % 2 || size < sizeof(eh))
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(&eh, data, sizeof(eh));
	if (!eh.e_shnum || eh.e_shoff >= size ||
	    (u64)eh.e_shnum * sizeof(sh) > size - eh.e_shoff || rand() % 16 == 0) {
		data[rand() % sizeof(eh)] ^= 1 << (rand() % 8);
		return size;
	}
	i = rand() % eh.e_shnum;
	at = eh.e_shoff + (u64)i * sizeof(sh);
	memcpy(&sh, data + at, sizeof(sh));
	memcpy(&other, data + eh.e_shoff + (u64)(rand() % eh.e_shnum) * sizeof(sh), sizeof(sh));
	v = rand() % 4 == 0 ? (u64)rand() << 16 | rand() : other.sh_size;
	switch (rand() % 8) {
	case 0:
		sh.sh_flags ^= SHF_ALLOC;
		break;
	case 1:
		sh.sh_type = types[rand() % ARRAY_SIZE(types)];
		break;
	case 2:
		sh.sh_name = rand() % 3 ? other.sh_name : (u32)v;
		break;
	case 3:
		sh.sh_size += (rand() % 3 - 1) * (rand() % 2 ? 8 : 64);
		break;
	case 4:
		sh.sh_offset = rand() % 2 ? other.sh_offset : size - rand() % 64;
		break;
	case 5:
		sh.sh_size = v;
		break;
	case 6:
		sh.sh_link = rand() % (eh.e_shnum + 1);
		break;
	default:
		memcpy(&sh, &other, sizeof(sh));	/* a duplicate section */
		break;
	}
	memcpy(data + at, &sh, sizeof(sh));
	return size;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	void *image;

	/* Aligned as the loader's vmalloc'ed copy is. */
	if (posix_memalign(&image, 8, size ? size : 1))
		return 0;
	memcpy(image, data, size);
	diff_image(image, size, &stats, report);
	free(image);
	return 0;
}
