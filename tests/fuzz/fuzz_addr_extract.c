/*
 * fuzz_addr_extract.c - addr_extract (addresses in HTTP bodies and command
 * output) for both families, and addr_parse/addr_canon on the same bytes.
 *
 * Properties checked on every input:
 *  - the text is read in place, without a terminating NUL (ASan sees any
 *    read past the end);
 *  - an extracted address parses back to the same bytes and is already
 *    canonical;
 *  - an extracted IPv4 address stands alone in the text: it occurs there
 *    with no letter, digit, '.' or ':' glued to it ("010.1.1.1" must not
 *    give 10.1.1.1, "1.2.3.4.5" must give nothing);
 *  - canonical text is a fixed point, and canonical text of the input
 *    equals formatting its parsed bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz_util.h"

/* Returns 1 when c glues a token into a larger word (as addr.c says). */
static int
glue(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '.' || c == ':';
}

/* Returns 1 when a occurs in t[0..len) with nothing glued to it (a
 * sentence's final '.' allowed after it). */
static int
stands_alone(const char *t, size_t len, const char *a)
{
	size_t	 al = strlen(a), i, e;

	for (i = 0; al <= len && i + al <= len; i++) {
		if (memcmp(t + i, a, al) != 0)
			continue;
		e = i + al;
		if (i > 0 && glue(t[i - 1]))
			continue;
		if (e == len || !glue(t[e]))
			return 1;
		if (t[e] == '.' && (e + 1 == len || !glue(t[e + 1])))
			return 1;
	}
	return 0;
}

/* Checks addr_extract for one family on the exact-size copy t. */
static void
check_extract(int fam, const char *t, size_t len)
{
	unsigned char	 b[16], b2[16];
	char		 out[ADDR_STRLEN], canon[ADDR_STRLEN];

	if (addr_extract(fam, t, len, out, b) == -1)
		return;
	if (addr_parse(fam, out, b2) == -1)
		fz_fail("IPv%d: extracted \"%s\" does not parse", fam, out);
	if (memcmp(b, b2, fam == 4 ? 4 : 16) != 0)
		fz_fail("IPv%d: \"%s\": bytes differ from its parse", fam, out);
	if (addr_canon(fam, out, canon) == -1 || strcmp(canon, out) != 0)
		fz_fail("IPv%d: extracted \"%s\" is not canonical", fam, out);
	if (fam == 4 && !stands_alone(t, len, out))
		fz_fail("IPv4: \"%s\" does not stand alone in the text", out);
	(void)addr_classify(fam, b);
	if (addr_range_name(fam, b) == NULL)
		fz_fail("IPv%d: no range name for \"%s\"", fam, out);
}

/* Checks addr_parse/addr_canon/addr_format agree on the string s. */
static void
check_parse(int fam, const char *s)
{
	unsigned char	 b[16];
	char		 c1[ADDR_STRLEN], c2[ADDR_STRLEN], f[ADDR_STRLEN];
	int		 p, c;

	p = addr_parse(fam, s, b);
	c = addr_canon(fam, s, c1);
	if ((p == 0) != (c == 0))
		fz_fail("IPv%d: parse and canon disagree on \"%s\"", fam, s);
	if (p == -1)
		return;
	addr_format(fam, b, f);
	if (strcmp(f, c1) != 0)
		fz_fail("IPv%d: \"%s\": canon \"%s\", format \"%s\"", fam, s,
		    c1, f);
	if (addr_canon(fam, c1, c2) == -1 || strcmp(c1, c2) != 0)
		fz_fail("IPv%d: canon of \"%s\" is not a fixed point", fam,
		    c1);
	if (fam == 4 && strcmp(c1, s) != 0)
		fz_fail("IPv4: \"%s\" accepted but written \"%s\"", s, c1);
	if (strchr(s, '%') != NULL)
		fz_fail("IPv6: zone index accepted in \"%s\"", s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*t = malloc(size ? size : 1), *s;

	if (t == NULL)
		return 0;
	memcpy(t, data, size);
	check_extract(4, t, size);
	check_extract(6, t, size);
	free(t);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (strlen(s) == size) {
		check_parse(4, s);
		check_parse(6, s);
	}
	free(s);
	return 0;
}
