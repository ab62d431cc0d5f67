/* test_utf8.c - unit tests for src/utf8.c. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_bad(void)
{
	static const struct { const char *t; size_t len; long bad; } c[] = {
		{ "93.184.216.34\n", 14, -1 },
		{ "", 0, -1 },
		{ "\xe5\xbd\x93\xe5\x89\x8d IP", 9, -1 },	/* UTF-8 */
		{ "\xf0\x9f\x98\x80", 4, -1 },		/* 4-byte */
		{ "93.184.216.3\0" "6", 14, 12 },		/* NUL */
		{ "1.2.3.4\xff", 8, 7 },
		{ "\xc3\x28", 2, 0 },				/* bad tail */
		{ "a\xc0\xaf", 3, 1 },				/* overlong */
		{ "\xed\xa0\x80", 3, 0 },			/* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0 },		/* > U+10FFFF */
		{ "ok \xe5\xbd", 5, 3 },			/* cut short */
	};
	size_t i;

	for (i = 0; i < NELEM(c); i++) {
		long got = utf8_bad(c[i].t, c[i].len);

		if (got != c[i].bad)
			fprintf(stderr, "case %zu: %ld, want %ld\n",
			    i, got, c[i].bad);
		CHECK(got == c[i].bad);
	}
}

int
main(void)
{
	test_bad();
	T_END("test_utf8");
}
