/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-symbol verdicts and the policy decision: the contract of docs/design.md as pure code, shared
 * by modver.ko and the userspace tests.
 */
#ifndef MODVER_DECIDE_H
#define MODVER_DECIDE_H

#include "modver_table.h"

#define MV_LAYOUT_SYMBOL	"module_layout"

enum mv_outcome {
	MV_MATCH,		/* module CRC == kernel CRC */
	MV_MISMATCH,		/* the CRCs differ */
	MV_MISSING,		/* the module has a table, but no entry for the symbol */
	MV_NO_TABLE,		/* no version table at all, or the load ignores modversions */
	MV_MALFORMED,		/* the table cannot be trusted: module_layout is unverifiable */
	MV_UNVERSIONED,		/* the exporter has no CRC */
	MV_UNRESOLVED,		/* dry run: no loaded code exports it; the loader would refuse */
};

enum mv_policy {
	MV_POLICY_REFUSE,
	MV_POLICY_WARN,
	MV_POLICY_LOG,
	MV_POLICY_COUNT,
};

enum mv_action {
	MV_ADMIT,
	MV_ADMIT_TAINT,		/* admitted despite an offence: module gets TAINT_FORCED_MODULE */
	MV_REFUSE,
};

struct mv_rule;

/* A word for a value: as it reads in log lines, and as the report's and trace event's token. */
struct mv_words {
	const char *name;
	const char *token;
};

struct mv_verdict {
	enum mv_outcome outcome;
	enum mv_action action;
	bool layout;		/* the symbol is module_layout */
	bool has_module_crc;
	bool has_kernel_crc;
	bool has_entry;		/* @entry is the symbol's entry in the kernel's table */
	u32 entry;		/* the table entry, when has_entry */
	u64 module_crc;
	u32 kernel_crc;
	bool no_force_load;	/* refused because the kernel never force-loads */
	const struct mv_rule *rule;	/* the rule that decided, NULL: the global policy */
	unsigned int rule_no;		/* its 1-based position in the list */
};

enum mv_action mv_decide(enum mv_outcome outcome, enum mv_policy policy, bool layout,
			 bool force_layout);
void mv_verify_symbol(struct mv_tables *t, struct mv_cursor *c, const char *sym,
		      const u32 *kernel_crc, enum mv_policy policy, bool force_layout,
		      struct mv_verdict *v);
void mv_verify_more_tables(struct mv_tables *extra, struct mv_cursor *cursors,
			   unsigned int n, const char *sym, enum mv_policy policy,
			   bool force_layout, struct mv_verdict *v);
void mv_forbid_forced_load(struct mv_verdict *v, bool kernel_force_loads);
int mv_policy_parse(const char *s);
const char *mv_policy_name(enum mv_policy policy);
const char *mv_outcome_name(enum mv_outcome outcome);
const char *mv_outcome_token(enum mv_outcome outcome);

#endif /* MODVER_DECIDE_H */
