// SPDX-License-Identifier: GPL-2.0
/*
 * modver-dump: print a module's version tables (basic __versions and the extended
 * __version_ext_crcs/__version_ext_names) as text or JSON, and with --symvers, the verdict of every
 * symbol the loader would check against that kernel's CRCs and the decision modver.ko would take
 * under --policy.  Built from modver.ko's own parsing, lookup, decision and message code, so its
 * verdict lines are the ones modver.ko logs, and from the loader rules modver.ko's dry run applies
 * (modver_elf.c), so its decision is the dry run's: an image the loader would refuse is refused
 * with the loader's reason, checking stops after a refused module_layout as a load does, and every
 * other undefined symbol is checked, as simplify_symbols() does.
 *
 * Exit status: 0 the module would load (or, without --symvers, the tables were printed), 1 it would
 * be refused, 2 error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "explain.h"
#include "ko_image.h"
#include "modver_elf.h"
#include "modver_format.h"
#include "symvers.h"

struct dump {
	const char *path;
	char name[64];
	bool json;
	bool live;
	bool force_layout;
	int kernel_format;	/* -1: the module's own (extended if it carries extended tables) */
	struct mv_loader loader;	/* whose image rules: see main() for the defaults */
	const char *release;	/* NULL: the release in the module's vermagic */
	bool no_force_load;	/* the kernel lacks CONFIG_MODULE_FORCE_LOAD */
	const char *sig_refused;	/* the loader refuses the signature trailer: why */
	enum mv_policy policy;
	struct symvers *symvers;
	struct ko_image img;
	struct mv_tables in_use;
	struct mv_cursor cursor;
	struct mv_tally tally;
	bool table_reported;
	bool layout_refused;
	u32 unresolved;
	bool first_json_verdict;
};

/* A JSON string literal of @s on stdout (--explain's output uses it too). */
void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_table(struct dump *d, const char *label, enum mv_table_kind format)
{
	struct mv_tables t;
	struct mv_cursor c = { 0 };
	struct mv_entry e;
	bool first = true;

	mv_tables_find_format(d->img.bytes, d->img.len, format, &t);
	if (d->json) {
		printf("\"%s\":{\"status\":\"%s\"", label,
		       t.kind == MV_TABLE_MALFORMED ? "malformed" :
		       t.kind == MV_TABLE_NONE ? "absent" : "present");
		if (t.kind == MV_TABLE_MALFORMED) {
			printf(",\"error\":");
			json_string(t.error);
		}
		printf(",\"entries\":[");
		while (mv_entry_at(&t, &c, &e)) {
			printf("%s{\"symbol\":", first ? "" : ",");
			json_string(e.name);
			printf(",\"crc\":\"0x%08llx\"}", (unsigned long long)e.crc);
			first = false;
		}
		printf("]},");
		return;
	}
	if (t.kind == MV_TABLE_NONE) {
		printf("%s table: absent\n", label);
		return;
	}
	if (t.kind == MV_TABLE_MALFORMED) {
		printf("%s table: malformed (%s)\n", label, t.error);
		return;
	}
	printf("%s table: %u entries\n", label, t.count);
	while (mv_entry_at(&t, &c, &e))
		printf("  0x%08llx  %s\n", (unsigned long long)e.crc, e.name);
}

/* One symbol the loader would ask check_version() about, decided as modver.ko decides it. */
static void check_symbol(struct dump *d, const char *sym, const u32 *kernel_crc)
{
	struct mv_verdict v;
	char line[MV_LINE_MAX];
	bool logged;

	mv_verify_symbol(&d->in_use, &d->cursor, sym, kernel_crc, d->policy, d->force_layout, &v);
	mv_forbid_forced_load(&v, !d->no_force_load);
	mv_tally_add(&d->tally, &v);
	if (v.layout && v.action == MV_REFUSE)
		d->layout_refused = true;

	/* What modver.ko logs for it, or else the verdict line. */
	logged = mv_format_logged(line, sizeof(line), d->name, sym, &d->in_use, &v, d->policy,
				  &d->table_reported);
	if (!logged)
		mv_format_verdict(line, sizeof(line), d->name, sym, &v, d->policy);
	if (!d->json) {
		printf("%s %s\n", logged ? "log:" : "verdict:", line);
		return;
	}
	printf("%s{\"symbol\":", d->first_json_verdict ? "" : ",");
	d->first_json_verdict = false;
	json_string(sym);
	printf(",\"outcome\":\"%s\",\"module_crc\":", mv_outcome_name(v.outcome));
	if (v.has_module_crc)
		printf("\"0x%08llx\"", (unsigned long long)v.module_crc);
	else
		printf("null");
	printf(",\"kernel_crc\":");
	if (v.has_kernel_crc)
		printf("\"0x%08x\"", v.kernel_crc);
	else
		printf("null");
	printf(",\"action\":\"%s\",\"line\":", mv_action_name(v.action));
	json_string(line);
	printf("}");
}

static void resolve_symbol(const char *sym, bool weak, void *arg)
{
	struct dump *d = arg;
	u32 crc;

	if (d->layout_refused)
		return;		/* the loader stops at module_layout */
	if (!symvers_crc(d->symvers, sym, &crc)) {
		/* Not exported: the loader fails the load itself (or skips a weak symbol). */
		if (!weak) {
			d->unresolved++;
			if (!d->json)
				printf("unresolved: %s: %s %s\n", d->name, sym,
				       "is not exported by the given kernel or modules");
		}
		return;
	}
	check_symbol(d, sym, &crc);
}

/* The image is refused before (or instead of) the version checks: say why, as the dry run does. */
static int loader_refuses(const struct dump *d, const char *what, const char *why)
{
	if (d->json) {
		printf("\"kernel_rejects\":");
		json_string(why);
		printf(",\"would_load\":false,");
	} else {
		printf("kernel: %s: %s\n%s\n", what, why, "decision: would be refused");
	}
	return 1;
}

static int print_verdicts(struct dump *d)
{
	enum mv_loader_verdict lv;
	char line[MV_LINE_MAX];
	const char *why;
	void *index_mem;
	u64 index_bytes;
	u32 layout_crc;
	bool refused;
	int ret;

	if (d->sig_refused)
		return loader_refuses(d, "the loader would refuse it", d->sig_refused);
	lv = mv_loader_check(d->img.bytes, d->img.len, &d->loader, &why);
	if (lv == MV_LOADER_REFUSES)
		return loader_refuses(d, "the loader would refuse it", why);
	if (lv == MV_LOADER_UNDEFINED)
		return loader_refuses(d, "the loader would read outside the image", why);
	if (!symvers_crc(d->symvers, MV_LAYOUT_SYMBOL, &layout_crc)) {
		fprintf(stderr, "%s\n",
			"modver-dump: no module_layout in the Module.symvers given: not a CONFIG_MODVERSIONS kernel's");
		return 2;
	}
	mv_cursor_init(&d->in_use, &d->cursor);
	/* Indexed as modver.ko indexes it, so the compare count is the kernel's. */
	index_bytes = mv_index_bytes(&d->in_use);
	index_mem = index_bytes ? malloc(index_bytes) : NULL;
	mv_index_build(&d->in_use, index_mem, index_bytes);
	d->first_json_verdict = true;
	if (d->json)
		printf("\"policy\":\"%s\",\"verdicts\":[", mv_policy_name(d->policy));
	check_symbol(d, MV_LAYOUT_SYMBOL, &layout_crc);
	/* The loader reads the symbol names only if module_layout passed. */
	ret = d->layout_refused ? 0 :
	      mv_loader_symbols(d->img.bytes, d->img.len, resolve_symbol, d, &why);
	free(index_mem);
	if (ret) {
		if (d->json)
			printf("],");
		return loader_refuses(d, "the loader would read outside the image", why);
	}
	refused = mv_tally_decision(&d->tally) == MV_REFUSE || d->unresolved;
	mv_format_summary(line, sizeof(line), d->name, &d->tally, d->in_use.kind, d->policy, 0);
	if (d->json) {
		printf("],\"unresolved\":%u,\"summary\":", d->unresolved);
		json_string(line);
		printf(",\"decision\":\"%s\",\"would_load\":%s,",
		       mv_action_name(mv_tally_decision(&d->tally)), refused ? "false" : "true");
	} else {
		printf("log: %s\n", line);
		printf("lookup: %llu name compares for %u checks\n",
		       (unsigned long long)d->cursor.compares, d->tally.checked);
		printf("decision: %s\n", refused ? "would be refused" : "would load");
	}
	return refused ? 1 : 0;
}

/* Where modver.ko takes a dry run (modver_dryrun.c); MODVER_DRY_RUN overrides it for tests. */
#define DRY_RUN_FILE	"/sys/kernel/modver/dry_run"

/*
 * --live: hand the (decompressed) image to the running modver.ko and print its answer, a report
 * record of every check a load would make now.  Exit 0 if a load would be admitted, 1 if refused.
 */
static int live_check(const struct dump *d)
{
	const char *path = getenv("MODVER_DRY_RUN") ?: DRY_RUN_FILE;
	char buf[65536];
	const char *decision;
	FILE *f = fopen(path, "wb");
	size_t n;
	int refused = 0;

	if (!f) {
		fprintf(stderr, "modver-dump: %s: %s (is modver.ko loaded?)\n", path,
			strerror(errno));
		return 2;
	}
	/* One write per buffer, front to back: the file wants the image in order. */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	n = fwrite(d->img.bytes, 1, d->img.len, f);
	if (fclose(f) || n != d->img.len) {
		fprintf(stderr, "modver-dump: %s: writing the image failed: %s\n", path,
			strerror(errno));
		return 2;
	}
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "modver-dump: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (fgets(buf, sizeof(buf), f)) {
		fputs(buf, stdout);
		decision = strstr(buf, " decision=");
		if (!strncmp(buf, "module ", 7) && decision &&
		    !strncmp(decision, " decision=refuse ", 17))
			refused = 1;
	}
	if (ferror(f)) {
		fprintf(stderr, "modver-dump: %s: modver.ko gave no answer: %s (see dmesg)\n", path,
			strerror(errno));
		fclose(f);
		return 2;
	}
	fclose(f);
	return refused;
}

static void print_usage(void)
{
	fprintf(stderr, "%s\n",
		"usage: modver-dump [--json] [--symvers Module.symvers]... [--policy refuse|warn|log] [--force-module-layout] [--kernel-format basic|extended] [--kernel-release RELEASE] [--arch x86_64|aarch64] [--struct-module-size BYTES] [--no-force-load] MODULE.ko[.xz|.zst]\n       modver-dump --live MODULE.ko[.xz|.zst]   (ask the running modver.ko: its dry run)\n       modver-dump --explain [--json] [--symbol NAME]... [--max-changes N] OLD NEW [MODULE.ko]   (what changed: OLD and NEW are kernels' BTF sources, OLD '-' for the module's stamp)\n       modver-dump --stamp --btf KERNEL [--output OUT.ko] [--json] MODULE.ko   (record the build kernel's types of the imports)\n       modver-dump --show-stamp [--json] MODULE.ko");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "symvers", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "force-module-layout", no_argument, NULL, 'f' },
		{ "live", no_argument, NULL, 'l' },
		{ "kernel-format", required_argument, NULL, 'k' },
		{ "kernel-release", required_argument, NULL, 'r' },
		{ "arch", required_argument, NULL, 'a' },
		{ "struct-module-size", required_argument, NULL, 'm' },
		{ "no-force-load", no_argument, NULL, 'n' },
		{ "explain", no_argument, NULL, 'E' },
		{ "symbol", required_argument, NULL, 'S' },
		{ "stamp", no_argument, NULL, 'T' },
		{ "btf", required_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "show-stamp", no_argument, NULL, 'W' },
		{ "max-changes", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump d = { .policy = MV_POLICY_REFUSE, .kernel_format = -1 };
	struct explain_opts ex = { .max_changes = -1 };
	bool explain = false, stamp = false, show_stamp = false;
	const char *btf = NULL, *output = NULL;
	struct mv_tables ext;
	char err[512], vermagic[64], *end;
	const char *why;
	int opt, ret = 0, policy;
	u64 len;

	/* The index's key: unpredictable, as in modver.ko (zero if that fails: still correct). */
	if (getrandom(&mv_index_key, sizeof(mv_index_key), 0) != sizeof(mv_index_key))
		memset(&mv_index_key, 0, sizeof(mv_index_key));

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			d.json = true;
			break;
		case 's':
			if (!d.symvers)
				d.symvers = symvers_new();
			if (!d.symvers || symvers_load(d.symvers, optarg)) {
				fprintf(stderr, "modver-dump: %s: not a readable Module.symvers\n",
					optarg);
				return 2;
			}
			break;
		case 'p':
			policy = mv_policy_parse(optarg);
			if (policy < 0) {
				fprintf(stderr,
					"modver-dump: invalid policy '%s' (expected refuse, warn or log)\n",
					optarg);
				return 2;
			}
			d.policy = policy;
			break;
		case 'f':
			d.force_layout = true;
			break;
		case 'l':
			d.live = true;
			break;
		case 'k':
			if (!strcmp(optarg, "basic")) {
				d.kernel_format = MV_KERNEL_BASIC;
			} else if (!strcmp(optarg, "extended")) {
				d.kernel_format = MV_KERNEL_EXTENDED;
			} else {
				fprintf(stderr,
					"modver-dump: invalid kernel format '%s' (expected basic or extended)\n",
					optarg);
				return 2;
			}
			break;
		case 'r':
			d.release = optarg;
			break;
		case 'a':
			if (!strcmp(optarg, "x86_64") || !strcmp(optarg, "amd64")) {
				d.loader.machine = EM_X86_64;
			} else if (!strcmp(optarg, "aarch64") || !strcmp(optarg, "arm64")) {
				d.loader.machine = EM_AARCH64;
			} else {
				fprintf(stderr,
					"modver-dump: invalid arch '%s' (expected x86_64 or aarch64)\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			errno = 0;
			d.loader.module_size = strtoull(optarg, &end, 0);
			if (errno || *end || !d.loader.module_size) {
				fprintf(stderr,
					"modver-dump: invalid struct module size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n':
			d.no_force_load = true;
			break;
		case 'E':
			explain = true;
			break;
		case 'S':
			ex.symbols = realloc(ex.symbols, (ex.nr_symbols + 1) * sizeof(*ex.symbols));
			if (!ex.symbols)
				return 2;
			ex.symbols[ex.nr_symbols++] = optarg;
			break;
		case 'T':
			stamp = true;
			break;
		case 'B':
			btf = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'W':
			show_stamp = true;
			break;
		case 'M':
			errno = 0;
			ex.max_changes = strtol(optarg, &end, 10);
			if (errno || *end || ex.max_changes < 0) {
				fprintf(stderr, "modver-dump: invalid --max-changes '%s'\n",
					optarg);
				return 2;
			}
			break;
		default:
			print_usage();
		}
	}
	if (explain + stamp + show_stamp + d.live > 1)
		print_usage();
	if (explain) {
		if (argc - optind < 2 || argc - optind > 3)
			print_usage();
		ex.json = d.json;
		ex.old_spec = argv[optind];
		ex.new_spec = argv[optind + 1];
		ex.module = argc - optind == 3 ? argv[optind + 2] : NULL;
		ret = explain_run(&ex);
		free(ex.symbols);
		return ret;
	}
	if (optind != argc - 1)
		print_usage();
	if (stamp) {
		if (!btf) {
			fprintf(stderr, "%s\n",
				"modver-dump: --stamp needs --btf KERNEL (the build kernel's headers, vmlinux, image or package)");
			return 2;
		}
		return stamp_run(btf, argv[optind], output, d.json);
	}
	if (show_stamp)
		return stamp_show(argv[optind], d.json);
	d.path = argv[optind];
	if (ko_image_read(d.path, &d.img, err, sizeof(err))) {
		fprintf(stderr, "modver-dump: %s\n", err);
		return 2;
	}
	if (mv_image_check(d.img.bytes, d.img.len, &why)) {
		fprintf(stderr, "modver-dump: %s: not a readable module image: %s\n", d.path, why);
		ko_image_free(&d.img);
		return 2;
	}
	if (!ko_modinfo(&d.img, "name", d.name, sizeof(d.name)))
		snprintf(d.name, sizeof(d.name), "%s", "(unnamed)");
	/*
	 * The kernel judged for: --kernel-release, else the one the module was built for (its
	 * vermagic); its architecture and struct module size are checked only when given.
	 */
	if (!d.release)
		d.release = ko_modinfo(&d.img, "vermagic", vermagic, sizeof(vermagic)) ?: "";
	d.loader.gen = mv_loader_gen_of(d.release);
	/* The loader checks the image without its signature trailer, as --live's dry run does. */
	len = mv_image_unsigned_len(d.img.bytes, d.img.len, &why);
	if (why)
		d.sig_refused = why;
	else
		d.img.len = len;
	if (d.live) {
		ret = live_check(&d);
		ko_image_free(&d.img);
		return ret;
	}

	if (d.json) {
		printf("{\"file\":");
		json_string(d.path);
		printf(",\"module\":");
		json_string(d.name);
		printf(",");
	} else {
		printf("module: %s (%s)\n", d.name, d.path);
	}
	print_table(&d, "basic", MV_TABLE_BASIC);
	print_table(&d, "extended", MV_TABLE_EXTENDED);
	/*
	 * Which table the kernel reads depends on the kernel (6.14+ read the extended one): without
	 * --kernel-format, assume the kernel the module was built for, whose modpost wrote the
	 * extended tables exactly when that kernel reads them.
	 */
	if (d.kernel_format < 0) {
		mv_tables_find_format(d.img.bytes, d.img.len, MV_TABLE_EXTENDED, &ext);
		d.kernel_format = ext.kind == MV_TABLE_NONE ? MV_KERNEL_BASIC : MV_KERNEL_EXTENDED;
	}
	mv_tables_find(d.img.bytes, d.img.len, d.kernel_format, &d.in_use);
	if (d.json)
		printf("\"in_use\":\"%s\"", mv_table_kind_name(d.in_use.kind));
	else
		printf("in use: %s\n", mv_table_kind_name(d.in_use.kind));
	if (d.symvers) {
		if (d.json)
			printf(",");
		ret = print_verdicts(&d);
		if (d.json)
			printf("\"exit\":%d", ret);
	}
	if (d.json)
		printf("}\n");
	symvers_free(d.symvers);
	ko_image_free(&d.img);
	return ret;
}
