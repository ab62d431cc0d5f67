/* log.c - one line per event on stderr, scrubbed of secrets (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "platform.h"

#define LOG_LINE_MAX	2048
#define LOG_SECRETS_MAX	64
#define LOG_SECRET_MIN	4

static int	 verbosity;
static int	 journal;
static char	*secrets[LOG_SECRETS_MAX];
static size_t	 nsecrets;

void
log_init(int v)
{
	const char *js = plat_getenv("JOURNAL_STREAM");

	verbosity = v;
	journal = js != NULL && *js != '\0';
}

int
log_enabled(enum log_level lv)
{
	switch (lv) {
	case LV_ERR:
		return 1;
	case LV_WARN:
	case LV_INFO:
		return verbosity >= 0;
	case LV_DEBUG:
		return verbosity > 0;
	}
	return 0;
}

/* Adds one string to the mask list unless present or empty. */
static void
add_secret(char *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			break;
	if (*s == '\0' || i < nsecrets || nsecrets == LOG_SECRETS_MAX) {
		free(s);
		return;
	}
	secrets[nsecrets++] = s;
}

void
log_secret(const char *s)
{
	struct buf b = BUF_INIT(0);

	/* Masking a 1-3 byte "secret" would garble every line (a test token
	 * "x" would hide every x); no real credential is that short. */
	if (s == NULL || strlen(s) < LOG_SECRET_MIN)
		return;
	add_secret(xstrdup(s));
	if (buf_add_urlenc(&b, s) == 0)
		add_secret(buf_detach(&b));
	buf_free(&b);
}

void
log_forget_secrets(void)
{
	while (nsecrets > 0)
		free(secrets[--nsecrets]);
}

void
log_clean(char *out, size_t n, const char *s, size_t len)
{
	size_t i, j = 0;

	if (n == 0)
		return;
	for (i = 0; i < len && j + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[j] = '\0';
}

/* Copies in to out (size n) with every registered secret replaced by
 * "***", cutting the result to fit. */
static void
mask_secrets(char *out, size_t n, const char *in)
{
	size_t	 i, j = 0, sl, best;

	while (*in && j + 1 < n) {
		best = 0;
		for (i = 0; i < nsecrets; i++) {
			sl = strlen(secrets[i]);
			if (sl > best && strncmp(in, secrets[i], sl) == 0)
				best = sl;
		}
		if (best == 0) {
			out[j++] = *in++;
			continue;
		}
		if (j + 3 >= n)
			break;
		memcpy(out + j, "***", 3);
		j += 3;
		in += best;
	}
	out[j] = '\0';
}

void
log_msg(enum log_level lv, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "" };
	static const char *const prio[] = { "<3>", "<4>", "<6>", "<7>" };
	char	 raw[LOG_LINE_MAX * 4], clean[LOG_LINE_MAX * 4];
	char	 line[LOG_LINE_MAX];
	va_list	 ap;
	int	 n;

	if (!log_enabled(lv))
		return;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* Mask before cutting, so a secret is never cut in two. */
	log_clean(clean, sizeof(clean), raw, strlen(raw));
	mask_secrets(line, sizeof(line), clean);
	fprintf(stderr, "%s%s%s\n", journal ? prio[lv] : "",
	    journal ? "" : prefix[lv], line);
	fflush(stderr);
}
