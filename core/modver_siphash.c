// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 (Aumasson and Bernstein) for the userspace builds of the pure core: the unit tests,
 * the fuzzers, the benchmark replay and modver-dump.  modver.ko uses the kernel's own
 * (lib/siphash.c); both give the same value for the same key and bytes, which the unit tests check
 * against the reference vectors.
 */
#include "modver_types.h"

static u64 mv_rotl(u64 x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void mv_sipround(u64 v[4])
{
	v[0] += v[1];
	v[1] = mv_rotl(v[1], 13) ^ v[0];
	v[0] = mv_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = mv_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = mv_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = mv_rotl(v[1], 17) ^ v[2];
	v[2] = mv_rotl(v[2], 32);
}

static u64 mv_le64(const unsigned char *p, size_t n)
{
	u64 v = 0;

	/* A whole word in one load on a little-endian host, as the kernel's siphash() does. */
	if (n == 8 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		memcpy(&v, p, sizeof(v));
		return v;
	}
	while (n--)
		v |= (u64)p[n] << (8 * n);
	return v;
}

u64 mv_keyed_hash(const char *s, size_t len, const struct mv_hash_key *key)
{
	const unsigned char *p = (const unsigned char *)s;
	u64 v[4] = {
		0x736f6d6570736575ULL ^ key->key[0], 0x646f72616e646f6dULL ^ key->key[1],
		0x6c7967656e657261ULL ^ key->key[0], 0x7465646279746573ULL ^ key->key[1],
	};
	u64 m, last = (u64)len << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = mv_le64(p + i, 8);
		v[3] ^= m;
		mv_sipround(v);
		mv_sipround(v);
		v[0] ^= m;
	}
	last |= mv_le64(p + i, len - i);
	v[3] ^= last;
	mv_sipround(v);
	mv_sipround(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		mv_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
