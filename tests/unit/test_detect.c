/* test_detect.c - unit tests for src/detect.c: the agreement rule of the
 * URL sources (the race itself is tested end to end, tests/e2e and
 * tests/faults). */
#include <stdio.h>
#include <string.h>

#include "detect.h"
#include "t.h"

#define A1	"93.184.216.34"
#define A2	"93.184.216.35"

/* Returns a tally waiting for n sources, with known (or NULL) published. */
static struct tally
tally(size_t n, const char *known)
{
	struct tally t;

	memset(&t, 0, sizeof(t));
	t.pending = n;
	t.known = known;
	return t;
}

static void
test_single_source(void)
{
	struct tally t = tally(1, NULL);

	CHECK(tally_add(&t, "s1", A1) == TALLY_TAKE);
	CHECK_STR(t.addr[0], A1);
	CHECK_STR(t.src[0], "s1");
	t = tally(1, NULL);
	CHECK(tally_add(&t, "s1", NULL) == TALLY_NONE);
}

static void
test_known_is_taken_at_once(void)
{
	struct tally t = tally(3, A1);

	CHECK(tally_add(&t, "s1", A1) == TALLY_TAKE);
	/* a later disagreement does not reopen a settled verdict */
	CHECK(tally_add(&t, "s2", A2) == TALLY_TAKE);
	CHECK_STR(t.addr[0], A1);
	CHECK(t.pending == 1);
}

static void
test_change_waits_for_a_second_opinion(void)
{
	struct tally t = tally(3, A1);

	CHECK(tally_add(&t, "s1", A2) == TALLY_WAIT);
	CHECK(tally_add(&t, "s2", NULL) == TALLY_WAIT);
	CHECK(tally_add(&t, "s3", A2) == TALLY_TAKE);
	CHECK_STR(t.addr[0], A2);

	t = tally(3, NULL);
	CHECK(tally_add(&t, "s1", A2) == TALLY_WAIT);
	CHECK(tally_add(&t, "s2", A2) == TALLY_TAKE);	/* confirmed */
}

static void
test_others_failing_takes_the_answer(void)
{
	struct tally t = tally(3, NULL);

	CHECK(tally_add(&t, "s1", NULL) == TALLY_WAIT);
	CHECK(tally_add(&t, "s2", A1) == TALLY_WAIT);
	CHECK(tally_add(&t, "s3", NULL) == TALLY_TAKE);
	CHECK_STR(t.src[0], "s2");
}

static void
test_disagreement(void)
{
	struct tally t = tally(2, NULL);

	CHECK(tally_add(&t, "s1", A1) == TALLY_WAIT);
	CHECK(tally_add(&t, "s2", A2) == TALLY_CONFLICT);
	CHECK_STR(t.src[0], "s1");
	CHECK_STR(t.addr[0], A1);
	CHECK_STR(t.src[1], "s2");
	CHECK_STR(t.addr[1], A2);
	CHECK(tally_close(&t) == TALLY_CONFLICT);

	/* a change that only the published address contradicts */
	t = tally(3, A1);
	CHECK(tally_add(&t, "s1", A2) == TALLY_WAIT);
	CHECK(tally_add(&t, "s2", A1) == TALLY_CONFLICT);
	CHECK(tally_add(&t, "s3", A2) == TALLY_CONFLICT);
}

static void
test_all_fail(void)
{
	struct tally t = tally(2, A1);

	CHECK(tally_add(&t, "s1", NULL) == TALLY_WAIT);
	CHECK(tally_add(&t, "s2", NULL) == TALLY_NONE);
	CHECK(t.addr[0][0] == '\0');
}

static void
test_close(void)
{
	struct tally t = tally(3, NULL);

	CHECK(tally_close(&t) == TALLY_NONE);
	t = tally(3, NULL);
	CHECK(tally_add(&t, "s1", A1) == TALLY_WAIT);
	CHECK(tally_close(&t) == TALLY_TAKE);	/* out of time, unconfirmed */
	CHECK_STR(t.addr[0], A1);
	CHECK(tally_add(&t, "s2", A2) == TALLY_TAKE);	/* too late */
}

int
main(void)
{
	test_single_source();
	test_known_is_taken_at_once();
	test_change_waits_for_a_second_opinion();
	test_others_failing_takes_the_answer();
	test_disagreement();
	test_all_fail();
	test_close();
	T_END("detect");
}
