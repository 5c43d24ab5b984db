// SPDX-License-Identifier: GPL-2.0
/*
 * Module.symvers: one export per line, "0xCRC<TAB>symbol<TAB>module<TAB>export type[<TAB>ns]".
 * Kept in an open-addressing hash table; a later file overrides an earlier one for the same symbol,
 * as a module loaded later would not (exports are unique in a running kernel).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "symvers.h"

struct symvers_entry {
	char *name;
	u32 crc;
	bool in_vmlinux;	/* exported by vmlinux, not by a module */
};

struct symvers {
	struct symvers_entry *slots;
	u64 cap, used;
};

static u64 hash(const char *s)
{
	u64 h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (u8)*s++) * 1099511628211ULL;
	return h;
}

struct symvers *symvers_new(void)
{
	struct symvers *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = 1 << 14;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	if (!s->slots) {
		free(s);
		return NULL;
	}
	return s;
}

static struct symvers_entry *slot_for(struct symvers_entry *slots, u64 cap, const char *name)
{
	u64 i = hash(name) & (cap - 1);

	while (slots[i].name && strcmp(slots[i].name, name))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int put(struct symvers *s, const char *name, u32 crc, bool in_vmlinux)
{
	struct symvers_entry *e;
	u64 i;

	if ((s->used + 1) * 2 > s->cap) {
		struct symvers_entry *bigger = calloc(s->cap * 2, sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		for (i = 0; i < s->cap; i++)
			if (s->slots[i].name)
				*slot_for(bigger, s->cap * 2, s->slots[i].name) = s->slots[i];
		free(s->slots);
		s->slots = bigger;
		s->cap *= 2;
	}
	e = slot_for(s->slots, s->cap, name);
	if (!e->name) {
		e->name = strdup(name);
		if (!e->name)
			return -ENOMEM;
		s->used++;
	}
	e->crc = crc;
	e->in_vmlinux = in_vmlinux;
	return 0;
}

/* One line, NUL-terminated, without its newline. */
static int parse_line(struct symvers *s, char *line)
{
	char *name, *end, *module;
	unsigned long crc;

	errno = 0;
	crc = strtoul(line, &end, 16);
	if (errno || end == line || *end != '\t' || crc > 0xffffffffUL)
		return -EINVAL;
	name = end + 1;
	module = name + strcspn(name, "\t");
	if (*module)
		*module++ = '\0';
	module[strcspn(module, "\t")] = '\0';
	return *name ? put(s, name, crc, !strcmp(module, "vmlinux")) : -EINVAL;
}

/**
 * symvers_load() - add the exports of one Module.symvers file
 * @s: the table
 * @path: the file
 *
 * Return: 0, or a negative errno (-EINVAL for a line that is not an export).
 */
int symvers_load(struct symvers *s, const char *path)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		ret = parse_line(s, line);
	}
	fclose(f);
	return ret;
}

/**
 * symvers_load_mem() - add the exports of a Module.symvers held in memory
 * @s: the table
 * @data: the file's contents
 * @len: their length
 *
 * Return: 0, or a negative errno (-EINVAL for a line that is not an export).
 */
int symvers_load_mem(struct symvers *s, const char *data, u64 len)
{
	char line[4096];
	u64 pos = 0, n;
	int ret = 0;

	while (!ret && pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);

		n = (nl ? (u64)(nl - data) : len) - pos;
		if (n >= sizeof(line))
			return -EINVAL;
		memcpy(line, data + pos, n);
		line[n] = '\0';
		ret = parse_line(s, line);
		pos += n + 1;
	}
	return ret;
}

/* Calls @fn for every export, in no particular order. */
void symvers_foreach(const struct symvers *s, symvers_fn fn, void *arg)
{
	u64 i;

	for (i = 0; i < s->cap; i++)
		if (s->slots[i].name)
			fn(s->slots[i].name, s->slots[i].crc, s->slots[i].in_vmlinux, arg);
}

u64 symvers_count(const struct symvers *s)
{
	return s->used;
}

bool symvers_crc(const struct symvers *s, const char *name, u32 *crc)
{
	const struct symvers_entry *e = slot_for(s->slots, s->cap, name);

	if (!e->name)
		return false;
	*crc = e->crc;
	return true;
}

/* Is @name exported by vmlinux (not by a module)?  False when not exported at all. */
bool symvers_in_vmlinux(const struct symvers *s, const char *name)
{
	const struct symvers_entry *e = slot_for(s->slots, s->cap, name);

	return e->name && e->in_vmlinux;
}

void symvers_free(struct symvers *s)
{
	u64 i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i].name);
	free(s->slots);
	free(s);
}
