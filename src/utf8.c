/*
 * utf8.c - is a reply text? (see utf8.h)
 */
#include <stddef.h>

#include "utf8.h"

/* Returns the length of the valid UTF-8 sequence at t[0..len), or 0. */
static size_t
utf8_seq(const unsigned char *t, size_t len)
{
	unsigned	 c = t[0], cp, min, i, n;

	if (c < 0x80)
		return c != 0;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((t[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (t[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

long
utf8_bad(const char *text, size_t len)
{
	const unsigned char	*t = (const unsigned char *)text;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(t + i, len - i)) == 0)
			return (long)i;
		i += n;
	}
	return -1;
}
