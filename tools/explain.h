/* SPDX-License-Identifier: GPL-2.0 */
/* modver-dump --explain, --stamp and --show-stamp (explain.c). */
#ifndef EXPLAIN_H
#define EXPLAIN_H

#include "modver_types.h"

struct explain_opts {
	bool json;
	const char *old_spec;	/* "-": the module's stamp */
	const char *new_spec;
	const char *module;	/* NULL: every export */
	const char **symbols;	/* --symbol, or none */
	unsigned int nr_symbols;
	int max_changes;	/* root changes printed per symbol; 0 all; -1 the default */
};

/* modver-dump.c's, shared: @s as a JSON string literal on stdout. */
void json_string(const char *s);

#ifndef KO_NO_COMPRESSION
int explain_run(const struct explain_opts *o);
int stamp_run(const char *btf_spec, const char *module, const char *out, bool json);
int stamp_show(const char *module, bool json);
#else
/* The static guest build has no BTF core and no decompressors: these options are host-only. */
static inline int explain_unavailable(void)
{
	fputs("modver-dump: --explain, --stamp and --show-stamp are not in this build\n", stderr);
	return 2;
}

static inline int explain_run(const struct explain_opts *o)
{
	return explain_unavailable();
}

static inline int stamp_run(const char *btf_spec, const char *module, const char *out, bool json)
{
	return explain_unavailable();
}

static inline int stamp_show(const char *module, bool json)
{
	return explain_unavailable();
}
#endif

#endif /* EXPLAIN_H */
