/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text of modver's verdicts: the per-symbol line, the table line and the per-module summary.
 * Pure code, so that modver.ko's kernel log and modver-dump print the very same lines and a test
 * can compare them.  Lines carry no "modver: " prefix and no newline.
 */
#ifndef MODVER_FORMAT_H
#define MODVER_FORMAT_H

#include "modver_decide.h"

#define MV_LINE_MAX	320

/* What one load's verdicts add up to. */
struct mv_tally {
	u32 checked;
	u32 matched;
	u32 mismatched;
	u32 missing;
	u32 unversioned;
	u32 refused;
	u32 admitted_offences;
};

void mv_tally_add(struct mv_tally *t, const struct mv_verdict *v);
enum mv_action mv_tally_decision(const struct mv_tally *t);
const char *mv_action_name(enum mv_action action);
bool mv_verdict_is_table_level(const struct mv_verdict *v);
void mv_format_verdict(char *buf, size_t size, const char *module, const char *sym,
		       const struct mv_verdict *v, enum mv_policy policy);
void mv_format_table(char *buf, size_t size, const char *module, const struct mv_tables *t,
		     const struct mv_verdict *v, enum mv_policy policy);
bool mv_format_logged(char *buf, size_t size, const char *module, const char *sym,
		      const struct mv_tables *t, const struct mv_verdict *v, enum mv_policy policy,
		      bool *table_reported);
void mv_format_summary(char *buf, size_t size, const char *module, const struct mv_tally *t,
		       enum mv_table_kind kind, enum mv_policy policy, int load_ret);

#endif /* MODVER_FORMAT_H */
