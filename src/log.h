/*
 * log.h - one line per event on stderr.
 *
 * Levels: errors always; warnings and info unless quiet; debug with -v.
 * When JOURNAL_STREAM is set, lines carry a syslog priority prefix ("<3>")
 * so journald keeps the level. Every line is scrubbed before it is written:
 * control bytes become '?', and every registered secret (and its
 * percent-encoded form) becomes "***" — a safety net behind the rule that
 * secrets are never formatted into messages in the first place.
 */
#ifndef DDNS_LOG_H
#define DDNS_LOG_H

#include "buf.h"

enum log_level {
	LV_ERR,		/* something failed: the run will exit non-zero */
	LV_WARN,	/* suspicious but not fatal */
	LV_INFO,	/* what a person running by hand wants to see */
	LV_DEBUG	/* -v: which source said what, which request was made */
};

/* Sets verbosity: -1 errors only, 0 normal, 1 debug. Reads JOURNAL_STREAM. */
void	 log_init(int verbosity);
/* Returns 1 when lines of that level are written. */
int	 log_enabled(enum log_level lv);
/* Registers a secret to be masked in every later line (copied; strings
 * shorter than 4 bytes are ignored: masking them would garble the log). */
void	 log_secret(const char *s);
/* Forgets every registered secret. */
void	 log_forget_secrets(void);
/* Writes one line at the given level (no trailing newline needed). */
void	 log_msg(enum log_level lv, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Copies s into out (size n) with control bytes replaced and length capped. */
void	 log_clean(char *out, size_t n, const char *s, size_t len);

#define log_err(...)	log_msg(LV_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LV_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LV_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LV_DEBUG, __VA_ARGS__)

#endif
