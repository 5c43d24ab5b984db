/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modver against the kernel model, for one image: the pure core (table selection, index,
 * verdicts and decisions) must never be more lenient than the stock loader, and modver's loader
 * rules (modver_elf.c, the dry run's) must say what the loader says.  Shared by the libFuzzer
 * target and the deterministic self-test.
 */
#ifndef DIFFERENTIAL_H
#define DIFFERENTIAL_H

#include "kernel_model.h"

struct diff_stats {
	u64 images;
	u64 refused;		/* images the model's loader refuses before check_version() */
	u64 undefined;		/* ... or reads outside of, not in the version tables */
	u64 table_undefined;	/* ... or reads outside of in the version tables */
	u64 queries;		/* symbol queries compared */
	u64 stricter;		/* modver refuses what the kernel admits (allowed) */
	u64 findings;		/* modver more lenient, or its loader rules disagree */
};

/* Called on a finding with a description; the fuzzer aborts, the self-test counts. */
typedef void (*diff_finding_fn)(const char *what);

void diff_image(const u8 *image, u64 len, struct diff_stats *st, diff_finding_fn finding);
void diff_kernel_for(const u8 *image, u64 len, enum km_gen gen, struct km_kernel *k);

#endif /* DIFFERENTIAL_H */
