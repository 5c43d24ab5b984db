/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-symbol and per-module rules refining the global policy: an ordered, first-match list of
 * "<pattern> <action>" lines, where the pattern is a symbol glob ("drm_*") or a module glob
 * ("module:nvidia*") and the action is refuse, warn, log or allow.  Pure code: parsing, the
 * canonical text and matching, shared by modver.ko and the userspace tests.
 */
#ifndef MODVER_RULES_H
#define MODVER_RULES_H

#include "modver_decide.h"

#define MV_RULES_MAX		64
#define MV_RULE_PATTERN_MAX	64
#define MV_RULE_MODULE_PREFIX	"module:"

enum mv_rule_action {
	MV_RULE_REFUSE,
	MV_RULE_WARN,
	MV_RULE_LOG,
	MV_RULE_ALLOW,		/* admit without a per-symbol line; still counted and tainted F */
};

struct mv_rule {
	bool module;		/* the pattern matches the module's name, not the symbol's */
	enum mv_rule_action action;
	char pattern[MV_RULE_PATTERN_MAX];
};

struct mv_rules {
	unsigned int count;
	struct mv_rule rule[MV_RULES_MAX];
};

struct mv_rules_error {
	unsigned int line;	/* 1-based line of the first bad line */
	const char *why;
	const char *text;	/* that line, in the caller's text (not NUL-terminated) */
	size_t text_len;
};

bool mv_glob_match(const char *pattern, const char *text);
int mv_rules_parse(const char *text, size_t len, struct mv_rules *rules,
		   struct mv_rules_error *err);
size_t mv_rules_format(const struct mv_rules *rules, char *buf, size_t size);
const struct mv_rule *mv_rules_match(const struct mv_rules *rules, const char *module,
				     const char *symbol);
const char *mv_rule_action_name(enum mv_rule_action action);
const struct mv_rule *mv_rules_relax(const struct mv_rules *rules, enum mv_policy policy);
bool mv_rules_extends(const struct mv_rules *prev, const struct mv_rules *next);
void mv_rules_apply(const struct mv_rules *rules, const char *module, const char *sym,
		    bool force_layout, struct mv_verdict *v);

#endif /* MODVER_RULES_H */
