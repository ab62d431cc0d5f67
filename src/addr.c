/*
 * addr.c - IP address parsing, formatting, classification and extraction
 * from text (see addr.h). Pure C: no sockets API, no locale, no ctype.
 *
 * The parsers work on (pointer, length) spans so that addr_extract can
 * test tokens in place, in text that need not be NUL-terminated.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"

/* One special-purpose range: RFC 6890 and the IANA registries. */
struct range {
	int		 fam;		/* 4 or 6 */
	unsigned	 plen;		/* prefix length in bits */
	unsigned char	 pfx[16];	/* prefix bytes, zero beyond plen */
	enum addr_class	 cls;
	const char	*name;		/* short name for messages */
};

#define RFC1918	"private (RFC 1918)"
#define IETF	"IETF protocol assignments"
#define DOC	"documentation"
#define XLAT	"IPv4/IPv6 translation"

/*
 * First match wins, so a range comes before any range containing it.
 * Each family ends with a catch-all (plen 0).
 */
static const struct range ranges[] = {
	{ 4, 32, { 0, 0, 0, 0 },	ADDR_UNUSABLE, "unspecified" },
	{ 4, 8,  { 0 },			ADDR_UNUSABLE, "this network" },
	{ 4, 8,  { 127 },		ADDR_UNUSABLE, "loopback" },
	{ 4, 16, { 169, 254 },		ADDR_UNUSABLE, "link-local" },
	{ 4, 4,  { 224 },		ADDR_UNUSABLE, "multicast" },
	{ 4, 32, { 255, 255, 255, 255 },	ADDR_UNUSABLE, "broadcast" },
	{ 4, 4,  { 240 },		ADDR_UNUSABLE, "reserved" },
	{ 4, 8,  { 10 },		ADDR_PRIVATE, RFC1918 },
	{ 4, 12, { 172, 16 },		ADDR_PRIVATE, RFC1918 },
	{ 4, 16, { 192, 168 },		ADDR_PRIVATE, RFC1918 },
	{ 4, 10, { 100, 64 },		ADDR_PRIVATE, "shared/CGNAT (RFC 6598)" },
	{ 4, 24, { 192, 0, 0 },		ADDR_PRIVATE, IETF },
	{ 4, 24, { 192, 0, 2 },		ADDR_PRIVATE, DOC },
	{ 4, 24, { 198, 51, 100 },	ADDR_PRIVATE, DOC },
	{ 4, 24, { 203, 0, 113 },	ADDR_PRIVATE, DOC },
	{ 4, 15, { 198, 18 },		ADDR_PRIVATE, "benchmarking" },
	{ 4, 24, { 192, 88, 99 },	ADDR_PRIVATE, "6to4 relay anycast" },
	{ 4, 24, { 192, 31, 196 },	ADDR_PRIVATE, "AS112" },
	{ 4, 24, { 192, 52, 193 },	ADDR_PRIVATE, "AMT" },
	{ 4, 24, { 192, 175, 48 },	ADDR_PRIVATE, "AS112 (direct delegation)" },
	{ 4, 0,  { 0 },			ADDR_GLOBAL, "global" },

	{ 6, 128, { 0 },		ADDR_UNUSABLE, "unspecified" },
	{ 6, 128, { [15] = 1 },		ADDR_UNUSABLE, "loopback" },
	{ 6, 96,  { [10] = 0xff, 0xff },	ADDR_UNUSABLE, "IPv4-mapped" },
	{ 6, 96,  { 0, 0x64, 0xff, 0x9b },	ADDR_UNUSABLE, XLAT },
	{ 6, 48,  { 0, 0x64, 0xff, 0x9b, 0, 1 },
					ADDR_UNUSABLE, XLAT " (local)" },
	{ 6, 64,  { 0x01, 0x00 },	ADDR_UNUSABLE, "discard-only" },
	{ 6, 10,  { 0xfe, 0x80 },	ADDR_UNUSABLE, "link-local" },
	{ 6, 10,  { 0xfe, 0xc0 },	ADDR_UNUSABLE, "site-local" },
	{ 6, 8,   { 0xff },		ADDR_UNUSABLE, "multicast" },
	{ 6, 7,   { 0xfc },		ADDR_PRIVATE, "unique local (ULA)" },
	{ 6, 23,  { 0x20, 0x01 },	ADDR_PRIVATE, IETF },
	{ 6, 32,  { 0x20, 0x01, 0x0d, 0xb8 },	ADDR_PRIVATE, DOC },
	{ 6, 16,  { 0x20, 0x02 },	ADDR_PRIVATE, "6to4" },
	{ 6, 20,  { 0x3f, 0xff },	ADDR_PRIVATE, DOC },
	{ 6, 3,   { 0x20 },		ADDR_GLOBAL, "global" },
	{ 6, 0,   { 0 },		ADDR_UNUSABLE, "reserved" },
};

static const struct range bad_family = {
	0, 0, { 0 }, ADDR_UNUSABLE, "unknown family"
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Returns the value of hex digit c, or -1. */
static int
hex_val(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Parses s[0..n) as a dotted quad into out; 0 or -1. */
static int
parse_v4(const char *s, size_t n, unsigned char out[4])
{
	size_t		 i = 0, k, nd;
	unsigned	 v;

	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		v = 0;
		for (nd = 0; i + nd < n && is_digit(s[i + nd]); nd++) {
			if (nd == 3)
				return -1;
			v = v * 10 + (unsigned)(s[i + nd] - '0');
		}
		if (nd == 0 || v > 255 || (nd > 1 && s[i] == '0'))
			return -1;
		out[k] = (unsigned char)v;
		i += nd;
	}
	return i == n ? 0 : -1;
}

/* Reads up to 4 hex digits at s[0..n) into *v; returns how many were
 * read (0 if none), or -1 if there are more than 4. */
static int
hex_group(const char *s, size_t n, unsigned *v)
{
	size_t	 nd;

	*v = 0;
	for (nd = 0; nd < n && hex_val(s[nd]) >= 0; nd++) {
		if (nd == 4)
			return -1;
		*v = *v << 4 | (unsigned)hex_val(s[nd]);
	}
	return (int)nd;
}

/* Expands ng groups, with the "::" before group gap (or none if gap < 0),
 * into 16 bytes; 0, or -1 if the count is wrong. */
static int
expand_v6(const unsigned g[8], size_t ng, int gap, unsigned char out[16])
{
	size_t	 k, pos;

	if (gap < 0 ? ng != 8 : ng > 7)
		return -1;
	memset(out, 0, 16);
	for (k = 0; k < ng; k++) {
		pos = (gap >= 0 && k >= (size_t)gap) ? k + 8 - ng : k;
		out[2 * pos] = (unsigned char)(g[k] >> 8);
		out[2 * pos + 1] = (unsigned char)(g[k] & 0xff);
	}
	return 0;
}

/* Parses s[0..n) as RFC 4291 IPv6 text into out; 0 or -1. */
static int
parse_v6(const char *s, size_t n, unsigned char out[16])
{
	unsigned	 g[8];
	unsigned char	 q[4];
	size_t		 i = 0, ng = 0;
	int		 gap = -1, nd;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < n) {
		if (ng == 8)
			return -1;
		nd = hex_group(s + i, n - i, &g[ng]);
		if (nd <= 0)
			return -1;
		if (i + (size_t)nd < n && s[i + (size_t)nd] == '.') {
			/* A trailing dotted quad fills the last 32 bits. */
			if (ng > 6 || parse_v4(s + i, n - i, q) == -1)
				return -1;
			g[ng++] = (unsigned)q[0] << 8 | q[1];
			g[ng++] = (unsigned)q[2] << 8 | q[3];
			break;
		}
		ng++;
		i += (size_t)nd;
		if (i == n)
			break;
		if (s[i] != ':' || i + 1 == n)
			return -1;
		i++;
		if (s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = (int)ng;
			i++;
		}
	}
	return expand_v6(g, ng, gap, out);
}

/* Parses s[0..n) as family fam; copies the bytes to out (may be NULL)
 * only on success. 0 or -1. */
static int
parse_span(int fam, const char *s, size_t n, unsigned char *out)
{
	unsigned char	 b[16];
	int		 rc;

	if (fam == 4)
		rc = parse_v4(s, n, b);
	else if (fam == 6)
		rc = parse_v6(s, n, b);
	else
		rc = -1;
	if (rc == 0 && out != NULL)
		memcpy(out, b, fam == 4 ? 4 : 16);
	return rc;
}

int
addr_parse(int fam, const char *s, unsigned char *bytes)
{
	if (s == NULL)
		return -1;
	return parse_span(fam, s, strlen(s), bytes);
}

/* Finds the longest run of two or more zero groups, the first on ties;
 * sets *start and *len (0 if there is none). */
static void
zero_run(const unsigned g[8], size_t *start, size_t *len)
{
	size_t	 i, j;

	*start = *len = 0;
	for (i = 0; i < 8; i = j + 1) {
		for (j = i; j < 8 && g[j] == 0; j++)
			;
		if (j - i >= 2 && j - i > *len) {
			*start = i;
			*len = j - i;
		}
	}
}

static int
is_v4_mapped(const unsigned char *b)
{
	static const unsigned char pfx[12] = { [10] = 0xff, 0xff };

	return memcmp(b, pfx, sizeof(pfx)) == 0;
}

/* Formats 16 bytes per RFC 5952 into out. */
static void
format_v6(const unsigned char *b, char out[ADDR_STRLEN])
{
	unsigned	 g[8];
	size_t		 k, zs, zn, o = 0;
	const char	*sep;

	if (is_v4_mapped(b)) {
		snprintf(out, ADDR_STRLEN, "::ffff:%u.%u.%u.%u",
		    b[12], b[13], b[14], b[15]);
		return;
	}
	for (k = 0; k < 8; k++)
		g[k] = (unsigned)b[2 * k] << 8 | b[2 * k + 1];
	zero_run(g, &zs, &zn);
	for (k = 0; k < 8; k++) {
		if (zn > 0 && k == zs) {
			o += (size_t)snprintf(out + o, ADDR_STRLEN - o, "::");
			k += zn - 1;
			continue;
		}
		sep = (k == 0 || (zn > 0 && k == zs + zn)) ? "" : ":";
		o += (size_t)snprintf(out + o, ADDR_STRLEN - o, "%s%x",
		    sep, g[k]);
	}
}

void
addr_format(int fam, const unsigned char *bytes, char out[ADDR_STRLEN])
{
	if (fam == 4)
		snprintf(out, ADDR_STRLEN, "%u.%u.%u.%u",
		    bytes[0], bytes[1], bytes[2], bytes[3]);
	else if (fam == 6)
		format_v6(bytes, out);
	else
		out[0] = '\0';
}

int
addr_canon(int fam, const char *s, char out[ADDR_STRLEN])
{
	unsigned char	 b[16];

	out[0] = '\0';
	if (addr_parse(fam, s, b) == -1)
		return -1;
	addr_format(fam, b, out);
	return 0;
}

/* Returns whether the first plen bits of b and pfx are equal. */
static int
prefix_match(const unsigned char *b, const unsigned char *pfx, unsigned plen)
{
	unsigned	 full = plen / 8, rest = plen % 8;
	unsigned char	 mask;

	if (memcmp(b, pfx, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (b[full] & mask) == pfx[full];
}

/* Returns the first range holding the address (every family has a
 * catch-all), or bad_family. */
static const struct range *
find_range(int fam, const unsigned char *b)
{
	size_t	 i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (ranges[i].fam == fam &&
		    prefix_match(b, ranges[i].pfx, ranges[i].plen))
			return &ranges[i];
	return &bad_family;
}

enum addr_class
addr_classify(int fam, const unsigned char *bytes)
{
	return find_range(fam, bytes)->cls;
}

const char *
addr_range_name(int fam, const unsigned char *bytes)
{
	return find_range(fam, bytes)->name;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Finds the first line of t[0..len) whose content (after blanks) starts
 * with "ip="; 1 with the value, blanks trimmed, in *vs and *vn, else 0. */
static int
find_ip_line(const char *t, size_t len, const char **vs, size_t *vn)
{
	const char	*nl;
	size_t		 i = 0, e;

	while (i < len) {
		nl = memchr(t + i, '\n', len - i);
		e = nl != NULL ? (size_t)(nl - t) : len;
		while (i < e && is_blank(t[i]))
			i++;
		if (e - i >= 3 && memcmp(t + i, "ip=", 3) == 0) {
			for (i += 3; i < e && is_blank(t[i]); i++)
				;
			while (e > i && is_blank(t[e - 1]))
				e--;
			*vs = t + i;
			*vn = e - i;
			return 1;
		}
		i = e + 1;
	}
	return 0;
}

/* Returns whether c can be part of an address of family fam. */
static int
is_tok_char(int fam, char c)
{
	if (fam == 4)
		return is_digit(c) || c == '.';
	return hex_val(c) >= 0 || c == ':' || c == '.';
}

/* Returns whether c, next to a token, glues it into a larger word. */
static int
is_glue(char c)
{
	return is_alnum(c) || c == '.' || c == ':';
}

/* Tries the maximal token t[s..e) of family fam; 0 with its bytes in b,
 * or -1 if it does not stand alone or does not parse. */
static int
try_token(int fam, const char *t, size_t len, size_t s, size_t e,
    unsigned char *b)
{
	if (s > 0 && is_glue(t[s - 1]))
		return -1;
	if (e < len && (is_glue(t[e]) || (fam == 6 && t[e] == '%')))
		return -1;
	if (e - s > 1 && t[e - 1] == '.')
		e--;
	return parse_span(fam, t + s, e - s, b);
}

/* Finds the first standalone token of family fam in t[0..len) that
 * parses; 0 with its bytes in b, or -1. */
static int
scan_tokens(int fam, const char *t, size_t len, unsigned char *b)
{
	size_t	 i = 0, s;

	while (i < len) {
		if (!is_tok_char(fam, t[i])) {
			i++;
			continue;
		}
		for (s = i; i < len && is_tok_char(fam, t[i]); i++)
			;
		if (try_token(fam, t, len, s, i, b) == 0)
			return 0;
	}
	return -1;
}

int
addr_extract(int fam, const char *text, size_t len, char out[ADDR_STRLEN],
    unsigned char *bytes)
{
	unsigned char	 b[16];
	const char	*vs;
	size_t		 vn;
	int		 rc;

	out[0] = '\0';
	if ((fam != 4 && fam != 6) || text == NULL)
		return -1;
	if (find_ip_line(text, len, &vs, &vn))
		rc = parse_span(fam, vs, vn, b);
	else
		rc = scan_tokens(fam, text, len, b);
	if (rc == -1)
		return -1;
	addr_format(fam, b, out);
	if (bytes != NULL)
		memcpy(bytes, b, fam == 4 ? 4 : 16);
	return 0;
}
