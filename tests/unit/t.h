/*
 * t.h - a minimal unit-test harness.
 *
 * CHECK(cond) counts a pass or reports file:line and counts a failure;
 * the test program ends with T_END(), which prints
 * "NAME: N passed, N failed" and exits non-zero on any failure.
 */
#ifndef DDNS_T_H
#define DDNS_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) do {						\
	if (cond)							\
		t_pass++;						\
	else {								\
		t_fail++;						\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *t_g = (got), *t_w = (want);				\
	if (t_g != NULL && t_w != NULL && strcmp(t_g, t_w) == 0)	\
		t_pass++;						\
	else {								\
		t_fail++;						\
		fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #got, t_g ? t_g : "(null)",	\
		    t_w ? t_w : "(null)");				\
	}								\
} while (0)

#define T_END(name) do {						\
	printf("%s: %d passed, %d failed\n", (name), t_pass, t_fail);	\
	return t_fail ? 1 : 0;						\
} while (0)

#endif
