/*
 * fuzz_state_load.c - the state file reader, and what the writer makes of
 * what it read.
 *
 * The input is written to a file and read with state_load. Properties:
 *  - state_load never crashes, leaks or reads out of bounds, whatever the
 *    bytes; when it fails, the state is empty;
 *  - every address it keeps is canonical text of its family;
 *  - a state that loaded is written (state_format) and read back: every
 *    record with an address is still there with the same address and
 *    time (nothing lost or changed across runs), and writing and reading
 *    once more gives the same text (a fixed point).
 *
 * Left out of the last property: a line of 199 bytes or more (a long
 * record name, "[label A <180+ chars>]") cannot be read back (inih's line
 * limit). The program never writes one: src/config.c refuses a label and
 * record name longer than 190 characters together (test_config.c's
 * test_records_fit_state_line), so such a file is not one of ours.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "fuzz_util.h"
#include "log.h"
#include "state.h"

#define INIH_LINE_MAX	200	/* Debian's libinih INI_MAX_LINE */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_dir();
	log_init(-1);
	return 0;
}

/* Checks that every kept address is canonical. */
static void
check_addrs(const struct state *s)
{
	char	c[ADDR_STRLEN];
	size_t	i;

	for (i = 0; i < s->nrecs; i++) {
		const struct state_rec *r = &s->recs[i];

		if (r->fam != 4 && r->fam != 6)
			fz_fail("record %s has family %d", r->name, r->fam);
		if (r->addr == NULL)
			continue;
		if (addr_canon(r->fam, r->addr, c) == -1 ||
		    strcmp(c, r->addr) != 0)
			fz_fail("record %s keeps \"%s\", not canonical",
			    r->name, r->addr);
	}
}

/* Returns 1 when text has a line of INIH_LINE_MAX bytes or more. */
static int
has_long_line(const char *t)
{
	size_t n;

	while (*t) {
		n = strcspn(t, "\n");
		if (n + 1 >= INIH_LINE_MAX)
			return 1;
		t += n + (t[n] == '\n');
	}
	return 0;
}

/* Checks that every record with an address that s holds is in s2 with
 * the same address and time. */
static void
check_kept(const struct state *s, struct state *s2)
{
	struct state_rec	*r2;
	size_t			 i;

	for (i = 0; i < s->nrecs; i++) {
		const struct state_rec *r = &s->recs[i];

		if (r->addr == NULL)
			continue;
		r2 = state_find(s2, r->acct, r->name, r->fam);
		if (r2 == NULL || r2->addr == NULL)
			fz_fail("[%s %d %s] lost across a write and a read",
			    r->acct, r->fam, r->name);
		if (strcmp(r2->addr, r->addr) != 0 || r2->updated !=
		    r->updated)
			fz_fail("[%s %d %s] changed across a write and a read",
			    r->acct, r->fam, r->name);
	}
}

/* Formats s, reads it back, formats that again: no record is lost or
 * changed, and the second text reads back as itself (a fixed point). */
static void
check_round_trip(const struct state *s)
{
	struct buf	 t1 = BUF_INIT(0), t2 = BUF_INIT(0), t3 = BUF_INIT(0);
	struct state	 s2 = STATE_INIT, s3 = STATE_INIT;
	const char	*p;

	if (state_format(s, &t1) == -1)
		goto out;
	if (has_long_line(buf_str(&t1)))
		goto out;
	p = fz_file("state2.ini", t1.data ? t1.data : "", t1.len);
	if (state_load(&s2, p) == -1)
		fz_fail("the state as written does not load:\n%s",
		    buf_str(&t1));
	check_addrs(&s2);
	check_kept(s, &s2);
	if (state_format(&s2, &t2) == -1)
		fz_fail("a state read back cannot be written");
	p = fz_file("state3.ini", t2.data ? t2.data : "", t2.len);
	if (state_load(&s3, p) == -1 || state_format(&s3, &t3) == -1 ||
	    strcmp(buf_str(&t2), buf_str(&t3)) != 0)
		fz_fail("written and read back, the state changes again:"
		    "\n--- once\n%s--- twice\n%s", buf_str(&t2), buf_str(&t3));
out:
	state_free(&s2);
	state_free(&s3);
	buf_free(&t1);
	buf_free(&t2);
	buf_free(&t3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state	 s = STATE_INIT;
	const char	*p = fz_file("state.ini", data, size);

	if (state_load(&s, p) == -1) {
		if (s.nrecs != 0 || s.naccts != 0)
			fz_fail("a state that failed to load is not empty");
	} else {
		check_addrs(&s);
		check_round_trip(&s);
	}
	state_free(&s);
	return 0;
}
