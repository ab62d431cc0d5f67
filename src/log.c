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

	if (s == NULL || *s == '\0')
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

/* Replaces every registered secret in line (in place) with "***". */
static void
mask_secrets(char *line)
{
	size_t	 i, sl;
	char	*p;

	for (i = 0; i < nsecrets; i++) {
		sl = strlen(secrets[i]);
		while ((p = strstr(line, secrets[i])) != NULL) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + sl, strlen(p + sl) + 1);
			if (sl < 3)	/* never happens for real secrets */
				break;
		}
	}
}

void
log_msg(enum log_level lv, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "" };
	static const char *const prio[] = { "<3>", "<4>", "<6>", "<7>" };
	char	 raw[LOG_LINE_MAX], line[LOG_LINE_MAX];
	va_list	 ap;
	int	 n;

	if (!log_enabled(lv))
		return;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_clean(line, sizeof(line), raw, strlen(raw));
	mask_secrets(line);
	fprintf(stderr, "%s%s%s\n", journal ? prio[lv] : "",
	    journal ? "" : prefix[lv], line);
	fflush(stderr);
}
