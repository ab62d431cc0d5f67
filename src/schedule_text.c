/*
 * schedule_text.c - escaping and encoding for the schedule generators:
 * XML, POSIX shell (and cron's %), systemd command lines, Windows command
 * lines, UTF-8 checks, UTF-16LE, and merging our lines into a crontab.
 * Pure functions on strings (see schedule.h).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "schedule.h"

/* Characters that need no quoting in a shell word or systemd argument. */
#define WORD_SAFE	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789/._+,:@-"

/* Returns 1 when s is non-empty and made only of WORD_SAFE characters. */
static int
word_safe(const char *s)
{
	return *s != '\0' && s[strspn(s, WORD_SAFE)] == '\0';
}

int
sched_xml_escape(struct buf *b, const char *s)
{
	const char	*rep;
	size_t		 n;

	while (*s != '\0') {
		n = strcspn(s, "&<>");
		if (buf_add(b, s, n) == -1)
			return -1;
		s += n;
		if (*s == '\0')
			break;
		if (*s == '&')
			rep = "&amp;";
		else
			rep = *s == '<' ? "&lt;" : "&gt;";
		if (buf_adds(b, rep) == -1)
			return -1;
		s++;
	}
	return 0;
}

int
sched_sh_quote(struct buf *b, const char *s, int cron)
{
	int rc = 0;

	if (word_safe(s))
		return buf_adds(b, s);
	rc |= buf_adds(b, "'");
	for (; *s != '\0' && rc == 0; s++) {
		if (*s == '\'')
			rc |= buf_adds(b, "'\\''");
		else if (*s == '%' && cron)
			rc |= buf_adds(b, "\\%");
		else
			rc |= buf_add(b, s, 1);
	}
	rc |= buf_adds(b, "'");
	return rc ? -1 : 0;
}

int
sched_systemd_quote(struct buf *b, const char *s, int exe)
{
	int rc = 0;

	if (word_safe(s))
		return buf_adds(b, s);
	rc |= buf_adds(b, "\"");
	for (; *s != '\0' && rc == 0; s++) {
		if (*s == '\\' || *s == '"')
			rc |= buf_printf(b, "\\%c", *s);
		else if (*s == '%' || (*s == '$' && !exe))
			rc |= buf_printf(b, "%c%c", *s, *s);
		else
			rc |= buf_add(b, s, 1);
	}
	rc |= buf_adds(b, "\"");
	return rc ? -1 : 0;
}

/* Appends n backslashes; 0 or -1. */
static int
add_backslashes(struct buf *b, size_t n)
{
	for (; n > 0; n--)
		if (buf_add(b, "\\", 1) == -1)
			return -1;
	return 0;
}

int
sched_win_quote(struct buf *b, const char *s)
{
	size_t	 nbs;
	int	 rc = 0;

	if (*s != '\0' && strpbrk(s, " \t\n\v\"") == NULL)
		return buf_adds(b, s);
	rc |= buf_adds(b, "\"");
	while (*s != '\0' && rc == 0) {
		nbs = strspn(s, "\\");
		s += nbs;
		if (*s == '\0')		/* before the closing quote: doubled */
			rc |= add_backslashes(b, 2 * nbs);
		else if (*s == '"') {	/* before a quote: doubled, plus one */
			rc |= add_backslashes(b, 2 * nbs + 1);
			rc |= buf_add(b, s++, 1);
		} else {		/* elsewhere: literal */
			rc |= add_backslashes(b, nbs);
			rc |= buf_add(b, s++, 1);
		}
	}
	rc |= buf_adds(b, "\"");
	return rc ? -1 : 0;
}

long
sched_utf8_next(const char **sp, const char *end)
{
	static const long	 minval[] = { 0, 0x80, 0x800, 0x10000 };
	const unsigned char	*p = (const unsigned char *)*sp;
	size_t			 n, i;
	long			 cp;

	if (p[0] < 0x80)
		n = 0;
	else if ((p[0] & 0xe0) == 0xc0)
		n = 1;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 2;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 3;
	else
		return -1;
	cp = p[0] & (0x7f >> n);	/* the lead byte's payload bits */
	if ((size_t)(end - *sp) < n + 1)
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < minval[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*sp += n + 1;
	return cp;
}

int
sched_check_text(const char *what, const char *s, char *err, size_t errlen)
{
	const char	*p = s, *end = s + strlen(s);
	long		 cp;

	if (*s == '\0') {
		snprintf(err, errlen, "%s is empty", what);
		return -1;
	}
	while (p < end) {
		cp = sched_utf8_next(&p, end);
		if (cp == -1) {
			snprintf(err, errlen, "%s is not valid UTF-8: %s",
			    what, s);
			return -1;
		}
		if (cp < 0x20 || cp == 0x7f || cp == 0xfffe || cp == 0xffff) {
			snprintf(err, errlen, "%s contains a control "
			    "character (U+%04lX), which no scheduler format "
			    "can carry safely", what, (unsigned long)cp);
			return -1;
		}
	}
	return 0;
}

/* Appends one UTF-16 code unit, little-endian; 0 or -1. */
static int
add_u16(struct buf *out, unsigned long u)
{
	char le[2];

	le[0] = (char)(u & 0xff);
	le[1] = (char)(u >> 8 & 0xff);
	return buf_add(out, le, 2);
}

int
sched_utf16le(const char *s, size_t len, struct buf *out, char *err,
    size_t errlen)
{
	const char	*p = s, *end = s + len;
	long		 cp;
	int		 rc;

	rc = add_u16(out, 0xfeff);
	while (p < end && rc == 0) {
		cp = sched_utf8_next(&p, end);
		if (cp == -1) {
			snprintf(err, errlen, "malformed UTF-8 at byte %zu",
			    (size_t)(p - s));
			return -1;
		}
		if (cp < 0x10000)
			rc = add_u16(out, (unsigned long)cp);
		else {
			cp -= 0x10000;
			rc = add_u16(out, 0xd800 + ((unsigned long)cp >> 10));
			if (rc == 0)
				rc = add_u16(out,
				    0xdc00 + ((unsigned long)cp & 0x3ff));
		}
	}
	if (rc == -1)
		snprintf(err, errlen, "out of memory");
	return rc;
}

/* Returns 1 when the line s (n bytes, without its newline) ends with our
 * crontab mark, ignoring trailing blanks and a CR. */
static int
cron_ours(const char *s, size_t n)
{
	size_t ml = strlen(SCHED_CRON_MARK);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	return n >= ml && memcmp(s + n - ml, SCHED_CRON_MARK, ml) == 0;
}

int
sched_cron_merge(const char *cur, const char *block, struct buf *out,
    size_t *found)
{
	const char	*nl;
	size_t		 n;
	int		 rc = 0;

	*found = 0;
	while (*cur != '\0' && rc == 0) {
		nl = strchr(cur, '\n');
		n = nl ? (size_t)(nl - cur) : strlen(cur);
		if (cron_ours(cur, n)) {
			if (block != NULL && *found == 0)
				rc |= buf_adds(out, block);
			++*found;
		} else {
			rc |= buf_add(out, cur, n);
			if (nl != NULL || (block != NULL && *found == 0))
				rc |= buf_adds(out, "\n");
		}
		cur += nl ? n + 1 : n;
	}
	if (block != NULL && *found == 0)
		rc |= buf_adds(out, block);
	return rc ? -1 : 0;
}
