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

/* Report records (mv_format_record_*()): names are cut to MV_RECORD_NAME_MAX bytes. */
#define MODVER_MODULE_NAME_LEN	56	/* MODULE_NAME_LEN on 64-bit kernels */
#define MV_RECORD_NAME_MAX	128
#define MV_RECORD_LINE_MAX	2048

/* What one load's verdicts add up to. */
struct mv_tally {
	u32 checked;
	u32 matched;
	u32 mismatched;
	u32 missing;
	u32 unversioned;
	u32 unresolved;		/* dry run only */
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
const char *mv_action_token(enum mv_action action);

/* What the first line of a report record says. */
struct mv_record_head {
	const char *module;
	bool dry_run;
	u64 seq;
	u64 time_ns;		/* wall clock (CLOCK_REALTIME) at the load's first check */
	enum mv_policy policy;
	const struct mv_tally *tally;
	enum mv_table_kind kind;
	int result;		/* what load_module() returned; loads only */
	u32 omitted;		/* symbol lines left out for lack of room */
};

void mv_format_record_symbol(char *buf, size_t size, const char *kind, const char *module,
			     const char *sym, const struct mv_verdict *v);
void mv_format_record_head(char *buf, size_t size, const struct mv_record_head *h);
void mv_format_record_explain(char *buf, size_t size, const char *module, const char *sym,
			      const char *stamp, u32 root, u32 roots, const char *class,
			      const char *text);
void mv_format_summary(char *buf, size_t size, const char *module, const struct mv_tally *t,
		       enum mv_table_kind kind, enum mv_policy policy, int load_ret);

#endif /* MODVER_FORMAT_H */
