/*
 * schedule_install.c - registering and removing the job on this machine:
 * schtasks, systemctl, crontab and launchctl, each run with an argument
 * vector through plat_run. In a dry run every command that would change
 * something is printed instead; read-only queries (crontab -l, schtasks
 * /Query, id -u) still run, since the plan depends on them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "platform.h"
#include "schedule.h"

#define CMD_TIMEOUT_MS	60000
#define CMD_OUT_MAX	((size_t)1 << 20)	/* crontab -l, launchctl */

/* Returns dir and name joined with the separator dir already uses
 * (malloc'd), or NULL on OOM. */
static char *
path_join(const char *dir, const char *name)
{
	struct buf	 b = BUF_INIT(0);
	const char	*sep = "/";
	size_t		 n = strlen(dir);

	if (strchr(dir, '\\') != NULL && strchr(dir, '/') == NULL)
		sep = "\\";
	if (n > 0 && (dir[n - 1] == '/' || dir[n - 1] == '\\'))
		sep = "";
	if (buf_printf(&b, "%s%s%s", dir, sep, name) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Appends argv as one shell-quoted line; 0 or -1. */
static int
cmd_line(struct buf *b, const char *const *argv)
{
	int rc = 0;

	for (; *argv != NULL; argv++) {
		rc |= sched_sh_quote(b, *argv, 0);
		if (argv[1] != NULL)
			rc |= buf_adds(b, " ");
	}
	return rc ? -1 : 0;
}

/* Runs argv with input on stdin, stdout into out. Returns 0 with *status
 * when it ran, -1 (logged) when it could not. */
static int
exec_cmd(const char *const *argv, const char *input, struct buf *out,
    int *status)
{
	struct plat_cmd	 cmd;
	char		 err[512];

	memset(&cmd, 0, sizeof(cmd));
	cmd.argv = argv;
	cmd.input = input;
	cmd.inputlen = input ? strlen(input) : 0;
	cmd.timeout_ms = CMD_TIMEOUT_MS;
	buf_reset(out);
	if (plat_run(&cmd, out, status, err, sizeof(err)) == -1) {
		log_err("schedule: %s", err);
		return -1;
	}
	return 0;
}

/* Prints what a dry run would run: the command, and its input as a
 * here-document. */
static void
print_change(const char *const *argv, const char *input)
{
	struct buf line = BUF_INIT(0);

	if (cmd_line(&line, argv) == 0)
		printf("%s%s\n", buf_str(&line), input ? " <<'EOF'" : "");
	if (input != NULL)
		printf("%sEOF\n", input);
	buf_free(&line);
}

/* Runs a command that changes the machine (printed in a dry run).
 * Returns 0 when it succeeded or was only printed; else -1, logged unless
 * may_fail (a "not loaded" answer that is fine). */
static int
change(const struct sched_cmd *c, const char *const *argv, const char *input,
    int may_fail)
{
	struct buf	 out = BUF_INIT(CMD_OUT_MAX), line = BUF_INIT(0);
	int		 status, rc = -1;

	if (c->dry_run) {
		print_change(argv, input);
		return 0;
	}
	(void)cmd_line(&line, argv);
	if (exec_cmd(argv, input, &out, &status) == 0) {
		if (status == 0) {
			log_info("ran: %s", buf_str(&line));
			rc = 0;
		} else if (may_fail)
			log_debug("%s: exit %d (fine here)", buf_str(&line),
			    status);
		else {
			fwrite(out.data ? out.data : "", 1, out.len, stderr);
			log_err("schedule: %s failed (exit %d)",
			    buf_str(&line), status);
		}
	}
	buf_free(&out);
	buf_free(&line);
	return rc;
}

/* Writes or (dry run) announces one file; 0 or -1 (logged). */
static int
write_one(const struct sched_cmd *c, const char *path, const char *data,
    size_t len)
{
	char err[512];

	if (c->dry_run) {
		printf("# would write %s (%zu bytes)\n", path, len);
		return 0;
	}
	if (plat_write_atomic(path, data, len, err, sizeof(err)) == -1) {
		log_err("schedule: %s", err);
		return -1;
	}
	log_info("wrote %s", path);
	return 0;
}

/* Removes or (dry run) announces removing one file; 0 or -1 (logged). */
static int
remove_one(const struct sched_cmd *c, const char *path)
{
	const char *argv[] = { "rm", "-f", path, NULL };

	if (c->dry_run) {
		print_change(argv, NULL);
		return 0;
	}
	if (remove(path) == -1 && errno != ENOENT) {
		log_err("schedule: cannot remove %s: %s", path,
		    strerror(errno));
		return -1;
	}
	log_info("removed %s", path);
	return 0;
}

int
sched_write_files(const struct sched_cmd *c, const char *dir,
    struct buf *texts)
{
	struct buf	 u16 = BUF_INIT(0);
	char		 err[256];
	char		*path;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < sched_nfiles(c->job.fmt) && rc == 0; i++) {
		path = path_join(dir, sched_file_name(c->job.fmt, i));
		if (path == NULL)
			rc = -1;
		else if (c->job.fmt != SCHED_WINDOWS)
			rc = write_one(c, path, texts[i].data, texts[i].len);
		else if (sched_utf16le(buf_str(&texts[i]), texts[i].len, &u16,
		    err, sizeof(err)) == -1) {
			log_err("schedule: %s: %s", path, err);
			rc = -1;
		} else
			rc = write_one(c, path, u16.data, u16.len);
		free(path);
	}
	buf_free(&u16);
	return rc;
}

/* --- Windows: schtasks ------------------------------------------------------ */

/* Returns the directory for the temporary task XML. */
static const char *
temp_dir(void)
{
	static const char *const vars[] = { "TEMP", "TMP", "TMPDIR" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = plat_getenv(vars[i]);
		if (v != NULL && *v != '\0')
			return v;
	}
	return "/tmp";
}

/* schtasks /Create /XML FILE /TN ddns-update /F; exit code. */
static int
win_install(const struct sched_cmd *c, struct buf *texts)
{
	const char	*dir = c->outdir ? c->outdir : temp_dir();
	const char	*argv[] = { "schtasks", "/Create", "/XML", NULL,
			    "/TN", SCHED_NAME, "/F", NULL };
	char		*xml = path_join(dir, "ddns-update.xml");
	int		 rc = 1;

	argv[3] = xml;
	if (xml != NULL && (c->outdir != NULL ||
	    sched_write_files(c, dir, texts) == 0))
		rc = change(c, argv, NULL, 0) == 0 ? 0 : 1;
	if (xml != NULL && c->outdir == NULL && !c->dry_run)
		(void)remove(xml);
	if (rc == 0 && !c->dry_run)
		log_info("installed task " SCHED_NAME "; check it with: "
		    "schtasks /Query /TN " SCHED_NAME " /V /FO LIST");
	free(xml);
	return rc;
}

/* schtasks /Delete when schtasks /Query finds the task; exit code. */
static int
win_uninstall(const struct sched_cmd *c)
{
	const char	*query[] = { "schtasks", "/Query", "/TN", SCHED_NAME,
			    NULL };
	const char	*del[] = { "schtasks", "/Delete", "/TN", SCHED_NAME,
			    "/F", NULL };
	struct buf	 out = BUF_INIT(CMD_OUT_MAX);
	int		 status, rc;

	rc = exec_cmd(query, NULL, &out, &status);
	buf_free(&out);
	if (rc == -1)
		return 1;
	if (status != 0) {
		log_info("no task " SCHED_NAME " is registered; nothing to "
		    "remove");
		return 0;
	}
	return change(c, del, NULL, 0) == 0 ? 0 : 1;
}

/* --- systemd ---------------------------------------------------------------- */

/* Returns the unit directory (malloc'd), or NULL (logged). */
static char *
systemd_dir(const struct sched_cmd *c)
{
	const char *v = plat_getenv("DDNS_UPDATE_SYSTEMD_DIR");

	if (v != NULL && *v != '\0')
		return xstrdup(v);
	if (!c->job.user)
		return xstrdup("/etc/systemd/system");
	v = plat_getenv("XDG_CONFIG_HOME");
	if (v != NULL && *v == '/')
		return path_join(v, "systemd/user");
	v = plat_getenv("HOME");
	if (v != NULL && *v == '/')
		return path_join(v, ".config/systemd/user");
	log_err("schedule: systemd --user: HOME is not set");
	return NULL;
}

/* Runs systemctl [--user] a1 [a2 a3]; 0 or -1 as change(). */
static int
systemctl(const struct sched_cmd *c, const char *a1, const char *a2,
    const char *a3, int may_fail)
{
	const char	*argv[6];
	size_t		 n = 0;

	argv[n++] = "systemctl";
	if (c->job.user)
		argv[n++] = "--user";
	argv[n++] = a1;
	if (a2 != NULL)
		argv[n++] = a2;
	if (a3 != NULL)
		argv[n++] = a3;
	argv[n] = NULL;
	return change(c, argv, NULL, may_fail);
}

/* Writes the units, reloads, enables and starts the timer; exit code. */
static int
systemd_install(const struct sched_cmd *c, struct buf *texts)
{
	char	*dir = systemd_dir(c);
	int	 rc = 1;

	if (dir != NULL && sched_write_files(c, dir, texts) == 0 &&
	    systemctl(c, "daemon-reload", NULL, NULL, 0) == 0 &&
	    systemctl(c, "enable", "--now", "ddns-update.timer", 0) == 0)
		rc = 0;
	if (rc == 0 && !c->dry_run)
		log_info("installed ddns-update.timer; check it with: "
		    "systemctl%s list-timers ddns-update.timer", c->job.user ?
		    " --user" : "");
	free(dir);
	return rc;
}

/* Disables the timer, removes both units, reloads; exit code. */
static int
systemd_uninstall(const struct sched_cmd *c)
{
	char	*dir = systemd_dir(c), *unit[2] = { NULL, NULL };
	int	 i, rc = 1;

	for (i = 0; dir != NULL && i < 2; i++)
		unit[i] = path_join(dir, sched_file_name(SCHED_SYSTEMD,
		    (size_t)i));
	if (unit[0] == NULL || unit[1] == NULL)
		goto out;
	rc = 0;
	if (!plat_is_file(unit[0]) && !plat_is_file(unit[1])) {
		log_info("no ddns-update units in %s; nothing to remove", dir);
		goto out;
	}
	if (systemctl(c, "disable", "--now", "ddns-update.timer", 1) == -1)
		log_warn("schedule: the timer was not enabled");
	if (remove_one(c, unit[1]) == -1 || remove_one(c, unit[0]) == -1 ||
	    systemctl(c, "daemon-reload", NULL, NULL, 0) == -1)
		rc = 1;
out:
	free(unit[0]);
	free(unit[1]);
	free(dir);
	return rc;
}

/* --- cron ------------------------------------------------------------------- */

/* Reads the current crontab into cur (empty when there is none); 0 or -1. */
static int
cron_read(struct buf *cur)
{
	const char	*argv[] = { "crontab", "-l", NULL };
	int		 status;

	if (exec_cmd(argv, NULL, cur, &status) == -1)
		return -1;
	if (status == 0 || (status == 1 && cur->len == 0))
		return 0;	/* 1 and no output: "no crontab for user" */
	log_err("schedule: crontab -l failed (exit %d); the crontab is left "
	    "alone", status);
	return -1;
}

/* Replaces our lines in the crontab by block (NULL: removes them); exit
 * code. install picks the messages. */
static int
cron_update(const struct sched_cmd *c, const char *block)
{
	const char	*argv[] = { "crontab", "-", NULL };
	struct buf	 cur = BUF_INIT(CMD_OUT_MAX), next = BUF_INIT(0);
	size_t		 found;
	int		 rc = 1;

	if (cron_read(&cur) == -1)
		goto out;
	if (sched_cron_merge(buf_str(&cur), block, &next, &found) == -1) {
		log_err("schedule: out of memory");
		goto out;
	}
	rc = 0;
	if (strcmp(buf_str(&cur), buf_str(&next)) == 0)
		log_info("the crontab already %s; nothing to do", block ?
		    "has these lines" : "has no ddns-update lines");
	else if (change(c, argv, buf_str(&next), 0) == -1)
		rc = 1;
	else if (!c->dry_run)
		log_info("%s the ddns-update lines; check with: crontab -l",
		    block ? (found ? "replaced" : "added") : "removed");
out:
	buf_free(&cur);
	buf_free(&next);
	return rc;
}

/* --- launchd ---------------------------------------------------------------- */

/* Returns the directory of the plist (malloc'd), or NULL (logged). */
static char *
launchd_dir(const struct sched_cmd *c)
{
	const char *v = plat_getenv("DDNS_UPDATE_LAUNCHD_DIR");

	if (v != NULL && *v != '\0')
		return xstrdup(v);
	if (!c->job.user)
		return xstrdup("/Library/LaunchDaemons");
	v = plat_getenv("HOME");
	if (v != NULL && *v == '/')
		return path_join(v, "Library/LaunchAgents");
	log_err("schedule: launchd --user: HOME is not set");
	return NULL;
}

/* Returns the launchd domain ("system" or "gui/UID", malloc'd) or NULL. */
static char *
launchd_domain(const struct sched_cmd *c)
{
	const char	*argv[] = { "id", "-u", NULL };
	struct buf	 out = BUF_INIT(4096), d = BUF_INIT(0);
	size_t		 n;
	int		 status;

	if (!c->job.user)
		return xstrdup("system");
	if (exec_cmd(argv, NULL, &out, &status) == -1 || status != 0)
		goto fail;
	n = strspn(buf_str(&out), "0123456789");
	if (n == 0 || n > 10 || buf_printf(&d, "gui/%.*s", (int)n,
	    buf_str(&out)) == -1)
		goto fail;
	buf_free(&out);
	return buf_detach(&d);
fail:
	log_err("schedule: cannot tell the user id (id -u)");
	buf_free(&out);
	buf_free(&d);
	return NULL;
}

/* Stops the job if loaded (failure is fine), then, with plist set,
 * bootstraps it again; exit code. */
static int
launchd_reload(const struct sched_cmd *c, const char *domain,
    const char *plist)
{
	struct buf	 target = BUF_INIT(0);
	const char	*out[] = { "launchctl", "bootout", NULL, NULL };
	const char	*in[] = { "launchctl", "bootstrap", domain, plist,
			    NULL };
	int		 rc = 1;

	if (buf_printf(&target, "%s/" SCHED_NAME, domain) == 0) {
		out[2] = buf_str(&target);
		(void)change(c, out, NULL, 1);
		rc = plist == NULL || change(c, in, NULL, 0) == 0 ? 0 : 1;
	}
	buf_free(&target);
	return rc;
}

/* Installs (texts set) or removes (texts NULL) the plist; exit code. */
static int
launchd_apply(const struct sched_cmd *c, struct buf *texts)
{
	char	*dir = launchd_dir(c), *dom = launchd_domain(c), *plist;
	int	 rc = 1;

	plist = dir ? path_join(dir, "ddns-update.plist") : NULL;
	if (plist == NULL || dom == NULL)
		goto out;
	if (texts != NULL) {
		if (sched_write_files(c, dir, texts) == 0)
			rc = launchd_reload(c, dom, plist);
		if (rc == 0 && !c->dry_run)
			log_info("installed %s; check it with: launchctl "
			    "print %s/" SCHED_NAME, plist, dom);
	} else if (!plat_is_file(plist)) {
		log_info("no %s; nothing to remove", plist);
		rc = 0;
	} else if (launchd_reload(c, dom, NULL) == 0)
		rc = remove_one(c, plist) == 0 ? 0 : 1;
out:
	free(plist);
	free(dom);
	free(dir);
	return rc;
}

/* --- entry points ------------------------------------------------------------ */

int
sched_install(const struct sched_cmd *c, struct buf *texts)
{
	int rc;

	switch (c->job.fmt) {
	case SCHED_WINDOWS:
		rc = win_install(c, texts);
		break;
	case SCHED_SYSTEMD:
		rc = systemd_install(c, texts);
		break;
	case SCHED_CRON:
		rc = cron_update(c, buf_str(&texts[0]));
		break;
	default:
		rc = launchd_apply(c, texts);
		break;
	}
	if (rc != 0 && !plat_is_admin() && (!c->job.user ||
	    c->job.fmt == SCHED_WINDOWS) && c->job.fmt != SCHED_CRON)
		log_err("schedule: registering this job needs root (on "
		    "Windows an elevated prompt)%s", c->job.fmt ==
		    SCHED_WINDOWS ? "" : "; or use --user for a per-user job");
	return rc;
}

int
sched_uninstall(const struct sched_cmd *c)
{
	switch (c->job.fmt) {
	case SCHED_WINDOWS:
		return win_uninstall(c);
	case SCHED_SYSTEMD:
		return systemd_uninstall(c);
	case SCHED_CRON:
		return cron_update(c, NULL);
	default:
		return launchd_apply(c, NULL);
	}
}
