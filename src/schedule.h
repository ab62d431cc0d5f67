/*
 * schedule.h - "ddns-update schedule": jobs for the OS scheduler.
 *
 * ddns-update runs once and exits; a scheduler brings it back. This module
 * writes the job for four schedulers (Windows Task Scheduler XML, systemd
 * service + timer, crontab lines, launchd plist) and can register or
 * remove it on the running machine.
 *
 * Two layers: the generators below are pure (a struct sched_job in, file
 * text out, or a refusal with the reason when the scheduler cannot express
 * the job honestly); schedule_main() adds options, files and the
 * install/uninstall commands on top. Generated text is UTF-8; the Windows
 * file is converted to UTF-16LE with a BOM only when written to disk.
 */
#ifndef DDNS_SCHEDULE_H
#define DDNS_SCHEDULE_H

#include <stddef.h>

#include "buf.h"

/* Runs "ddns-update schedule ..." (argv[0] == "schedule"); returns the exit code
   (0 ok, 1 runtime failure, 2 usage error). self is the absolute path of our executable. */
int schedule_main(int argc, char **argv, const char *self);

/* --- pure generation (no I/O) -------------------------------------------- */

enum sched_fmt {
	SCHED_WINDOWS,		/* Task Scheduler XML: ddns-update.xml */
	SCHED_SYSTEMD,		/* ddns-update.service + ddns-update.timer */
	SCHED_CRON,		/* crontab lines: ddns-update.cron */
	SCHED_LAUNCHD		/* LaunchDaemon/LaunchAgent: ddns-update.plist */
};

#define SCHED_NAME		"ddns-update"	/* task, unit, label name */
#define SCHED_EVERY_DEFAULT	300		/* seconds (5m) */
#define SCHED_EVERY_MAX		86400		/* seconds (24h) */
#define SCHED_RUN_LIMIT		600		/* seconds a run may take before
						   the scheduler stops it */
#define SCHED_BOOT_DELAY	60		/* seconds after boot */
#define SCHED_CRON_MARK		"#ddns-update:schedule"	/* ends our
							   crontab lines */

struct sched_job {
	enum sched_fmt	 fmt;
	long		 every;		/* seconds between runs, > 0 */
	const char	*exe;		/* absolute path of ddns-update */
	const char	*config;	/* absolute path of the config */
	int		 user;		/* per-user job instead of system-wide */
	const char	*win_user;	/* windows + user: account to run as
					   ("DOMAIN\name"), else NULL */
	const char	*log_path;	/* launchd: stdout/stderr file */
	int		 utf16;		/* windows: the XML declaration says
					   UTF-16 (the file) instead of UTF-8 */
};

/* Looks up a format by name ("windows", "systemd", "cron", "launchd");
 * 0 and *fmt, or -1 when unknown. */
int		 sched_fmt_parse(const char *name, enum sched_fmt *fmt);
/* Returns how many files fmt produces (1, or 2 for systemd). */
size_t		 sched_nfiles(enum sched_fmt fmt);
/* Returns the name of file i of fmt ("ddns-update.timer"...). */
const char	*sched_file_name(enum sched_fmt fmt, size_t i);
/* Parses a duration "Ns", "Nm" or "Nh" (1s..24h) into *secs; 0, or -1
 * with the reason in err. */
int		 sched_parse_every(const char *s, long *secs, char *err,
		    size_t errlen);
/* Writes the text of file i of job j into out (appended). Returns 0, or -1
 * with the reason in err when the job cannot be expressed honestly in that
 * format (interval, path characters) or out of memory; out may then hold
 * part of the text. */
int		 sched_render(const struct sched_job *j, size_t i,
		    struct buf *out, char *err, size_t errlen);

/* --- the command layer (schedule.c, schedule_install.c) ------------------ */

/* What one "schedule" command asked for, paths made absolute. */
struct sched_cmd {
	struct sched_job job;
	const char	*outdir;	/* --output DIR, or NULL */
	int		 dry_run;	/* print commands instead of running */
};

/* Writes the rendered files of c->job (texts[i] for file i; the Windows
 * XML as UTF-16LE) into dir, or says what it would write in a dry run.
 * Returns 0, or -1 after logging the failure. */
int		 sched_write_files(const struct sched_cmd *c, const char *dir,
		    struct buf *texts);
/* Registers the job on this machine (see docs/scheduling.md); texts as
 * for sched_write_files. Idempotent. Returns an exit code (0, 1). */
int		 sched_install(const struct sched_cmd *c, struct buf *texts);
/* Removes exactly what sched_install added; doing nothing when it is not
 * there. Returns an exit code (0, 1). */
int		 sched_uninstall(const struct sched_cmd *c);

/* --- helpers, exposed for the unit tests ---------------------------------- */

/* Appends s escaped for XML element content (&, <, >); 0 or -1. */
int		 sched_xml_escape(struct buf *b, const char *s);
/* Appends s as one POSIX shell word (single-quoted when needed, with
 * cron's % escaped as \% when cron is set); 0 or -1. */
int		 sched_sh_quote(struct buf *b, const char *s, int cron);
/* Appends s as one word of a systemd command line, quoted when needed,
 * with % doubled (specifiers), and \ and " escaped. An argument also gets
 * $ doubled; the executable (exe set) does not, as systemd expands no
 * variables there. 0 or -1. */
int		 sched_systemd_quote(struct buf *b, const char *s, int exe);
/* Appends s as one argument of a Windows command line, as the Microsoft C
 * runtime and CommandLineToArgvW split it; 0 or -1. */
int		 sched_win_quote(struct buf *b, const char *s);
/* Decodes the UTF-8 sequence at *sp (before end) and moves *sp past it;
 * returns the code point, or -1 when malformed (overlong, surrogate,
 * truncated, above U+10FFFF). */
long		 sched_utf8_next(const char **sp, const char *end);
/* Checks that s (named what in messages) is non-empty UTF-8 without
 * control characters; 0, or -1 with the reason in err. */
int		 sched_check_text(const char *what, const char *s, char *err,
		    size_t errlen);
/* Converts UTF-8 text to UTF-16LE with a BOM; 0, or -1 with the reason in
 * err on malformed UTF-8 or out of memory. */
int		 sched_utf16le(const char *s, size_t len, struct buf *out,
		    char *err, size_t errlen);
/* Writes crontab text cur with our lines (those ending in SCHED_CRON_MARK)
 * replaced by block (or removed when block is NULL) into out: the block
 * takes the place of the first old line, or is appended. Other lines are
 * kept byte for byte. *found gets the number of old lines; 0 or -1. */
int		 sched_cron_merge(const char *cur, const char *block,
		    struct buf *out, size_t *found);

#endif
