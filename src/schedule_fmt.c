/*
 * schedule_fmt.c - the four schedule generators and the interval rules
 * (see schedule.h). Pure: a struct sched_job in, file text out, or a
 * refusal that says why the scheduler cannot do what was asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "schedule.h"

static const struct {
	const char	*name;
	const char	*files[2];
} formats[] = {
	[SCHED_WINDOWS] = { "windows", { "ddns-update.xml", NULL } },
	[SCHED_SYSTEMD] = { "systemd",
	    { "ddns-update.service", "ddns-update.timer" } },
	[SCHED_CRON] = { "cron", { "ddns-update.cron", NULL } },
	[SCHED_LAUNCHD] = { "launchd", { "ddns-update.plist", NULL } },
};
#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

/* Longest Exec Command Task Scheduler takes (its schema's pathType). */
#define WIN_PATH_MAX	260

int
sched_fmt_parse(const char *name, enum sched_fmt *fmt)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0) {
			*fmt = (enum sched_fmt)i;
			return 0;
		}
	return -1;
}

size_t
sched_nfiles(enum sched_fmt fmt)
{
	return formats[fmt].files[1] != NULL ? 2 : 1;
}

const char *
sched_file_name(enum sched_fmt fmt, size_t i)
{
	return i < sched_nfiles(fmt) ? formats[fmt].files[i] : NULL;
}

int
sched_parse_every(const char *s, long *secs, char *err, size_t errlen)
{
	size_t	 nd = strspn(s, "0123456789");
	long	 n, mult;

	if (nd == 0 || s[nd] == '\0' || s[nd + 1] != '\0') {
		snprintf(err, errlen, "--every %s: want a number and a unit, "
		    "like 30s, 5m or 1h", s);
		return -1;
	}
	if (nd > 6) {
		snprintf(err, errlen, "--every %s: must be between 1s and "
		    "24h", s);
		return -1;
	}
	if (s[nd] == 's')
		mult = 1;
	else if (s[nd] == 'm')
		mult = 60;
	else if (s[nd] == 'h')
		mult = 3600;
	else {
		snprintf(err, errlen, "--every %s: unknown unit '%c' "
		    "(use s, m or h)", s, s[nd]);
		return -1;
	}
	n = strtol(s, NULL, 10) * mult;
	if (n <= 0 || n > SCHED_EVERY_MAX) {
		snprintf(err, errlen, "--every %s: must be between 1s and "
		    "24h", s);
		return -1;
	}
	*secs = n;
	return 0;
}

/* Appends "N unit(s)" for secs in its largest whole unit; 0 or -1. */
static int
human(struct buf *b, long secs)
{
	const char	*unit = "second";
	long		 n = secs;

	if (secs % 3600 == 0) {
		unit = "hour";
		n = secs / 3600;
	} else if (secs % 60 == 0) {
		unit = "minute";
		n = secs / 60;
	}
	if (n == 1)
		return buf_printf(b, "%s", unit);
	return buf_printf(b, "%ld %ss", n, unit);
}

/* Appends secs the way --every takes it ("90m", "5h", "30s"); 0 or -1. */
static int
short_span(struct buf *b, long secs)
{
	if (secs % 3600 == 0)
		return buf_printf(b, "%ldh", secs / 3600);
	if (secs % 60 == 0)
		return buf_printf(b, "%ldm", secs / 60);
	return buf_printf(b, "%lds", secs);
}

/* Appends secs as a systemd time span ("5min", "2h", "90s"); 0 or -1. */
static int
systemd_span(struct buf *b, long secs)
{
	if (secs % 3600 == 0)
		return buf_printf(b, "%ldh", secs / 3600);
	if (secs % 60 == 0)
		return buf_printf(b, "%ldmin", secs / 60);
	return buf_printf(b, "%lds", secs);
}

/* Appends secs as an ISO 8601 duration ("PT5M", "PT1H30M", "P1D"). */
static int
iso_duration(struct buf *b, long secs)
{
	long	 d = secs / 86400, h = secs % 86400 / 3600;
	long	 m = secs % 3600 / 60, s = secs % 60;
	int	 rc = buf_adds(b, "P");

	if (d > 0)
		rc |= buf_printf(b, "%ldD", d);
	if (h > 0 || m > 0 || s > 0)
		rc |= buf_adds(b, "T");
	if (h > 0)
		rc |= buf_printf(b, "%ldH", h);
	if (m > 0)
		rc |= buf_printf(b, "%ldM", m);
	if (s > 0)
		rc |= buf_printf(b, "%ldS", s);
	return rc ? -1 : 0;
}

/* Returns v limited to lo..hi. */
static long
clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Checks both paths for every format; 0 or -1 with err. */
static int
check_paths(const struct sched_job *j, char *err, size_t errlen)
{
	if (sched_check_text("the executable path", j->exe, err,
	    errlen) == -1 ||
	    sched_check_text("the config path", j->config, err, errlen) == -1)
		return -1;
	return 0;
}

/* --- Windows Task Scheduler ----------------------------------------------- */

/* Refuses what Task Scheduler cannot run as written; 0 or -1 with err. */
static int
win_check(const struct sched_job *j, char *err, size_t errlen)
{
	const char *bad = NULL;

	if (j->every % 60 != 0) {
		snprintf(err, errlen, "windows: Task Scheduler repeats in "
		    "whole minutes (at least 1m); %lds is not one (the "
		    "systemd and launchd formats take seconds)", j->every);
		return -1;
	}
	if (strchr(j->exe, '"') || strchr(j->config, '"'))
		bad = "a double quote (not allowed in Windows paths)";
	else if (strchr(j->exe, '%') || strchr(j->config, '%'))
		bad = "'%' (Task Scheduler would expand %NAME% in it)";
	if (bad != NULL) {
		snprintf(err, errlen, "windows: a path contains %s", bad);
		return -1;
	}
	if (j->user && (j->win_user == NULL || *j->win_user == '\0')) {
		snprintf(err, errlen, "windows: a user task needs the "
		    "account name (USERNAME is not set)");
		return -1;
	}
	return 0;
}

/* Appends the Exec Command value: exe, quoted when it has blanks. */
static int
win_command(const struct sched_job *j, struct buf *b, char *err,
    size_t errlen)
{
	struct buf	 cmd = BUF_INIT(0);
	const char	*p, *end;
	size_t		 nch = 0;
	int		 rc;

	rc = sched_win_quote(&cmd, j->exe);
	end = buf_str(&cmd) + cmd.len;
	for (p = buf_str(&cmd); rc == 0 && p < end; nch++)
		if (sched_utf8_next(&p, end) == -1)
			rc = -1;
	if (rc == 0 && nch > WIN_PATH_MAX) {
		snprintf(err, errlen, "windows: the executable path is "
		    "longer than Task Scheduler's %d characters",
		    WIN_PATH_MAX);
		rc = -1;
	} else if (rc == 0)
		rc = sched_xml_escape(b, buf_str(&cmd));
	buf_free(&cmd);
	return rc;
}

/* Appends the Exec Arguments value (XML-escaped); 0 or -1. */
static int
win_arguments(const struct sched_job *j, struct buf *b)
{
	struct buf	 args = BUF_INIT(0);
	int		 rc;

	rc = buf_adds(&args, "-q -c ");
	rc |= sched_win_quote(&args, j->config);
	if (rc == 0)
		rc = sched_xml_escape(b, buf_str(&args));
	buf_free(&args);
	return rc ? -1 : 0;
}

/* Appends the RegistrationInfo and Triggers elements; 0 or -1. */
static int
win_triggers(const struct sched_job *j, struct buf *b)
{
	int rc = 0;

	rc |= buf_adds(b, "  <RegistrationInfo>\n"
	    "    <Author>ddns-update</Author>\n"
	    "    <Description>Updates dynamic DNS records every ");
	rc |= human(b, j->every);
	rc |= buf_adds(b, " and 1 minute after boot (ddns-update)."
	    "</Description>\n"
	    "  </RegistrationInfo>\n"
	    "  <Triggers>\n"
	    "    <BootTrigger>\n"
	    "      <Enabled>true</Enabled>\n"
	    "      <Delay>");
	rc |= iso_duration(b, SCHED_BOOT_DELAY);
	rc |= buf_adds(b, "</Delay>\n"
	    "    </BootTrigger>\n"
	    "    <TimeTrigger>\n"
	    "      <Repetition>\n"
	    "        <Interval>");
	rc |= iso_duration(b, j->every);
	rc |= buf_adds(b, "</Interval>\n"
	    "        <StopAtDurationEnd>false</StopAtDurationEnd>\n"
	    "      </Repetition>\n"
	    "      <StartBoundary>2000-01-01T00:00:00</StartBoundary>\n"
	    "      <Enabled>true</Enabled>\n"
	    "    </TimeTrigger>\n"
	    "  </Triggers>\n");
	return rc ? -1 : 0;
}

/* Appends the Principals element: SYSTEM, or the user without a stored
 * password (S4U: runs whether or not the user is logged on). */
static int
win_principal(const struct sched_job *j, struct buf *b)
{
	int rc = 0;

	rc |= buf_adds(b, "  <Principals>\n"
	    "    <Principal id=\"Author\">\n");
	if (j->user) {
		rc |= buf_adds(b, "      <UserId>");
		rc |= sched_xml_escape(b, j->win_user);
		rc |= buf_adds(b, "</UserId>\n"
		    "      <LogonType>S4U</LogonType>\n");
	} else
		rc |= buf_adds(b, "      <UserId>S-1-5-18</UserId>\n");
	rc |= buf_adds(b, "      <RunLevel>LeastPrivilege</RunLevel>\n"
	    "    </Principal>\n"
	    "  </Principals>\n");
	return rc ? -1 : 0;
}

/* Appends the Settings element; 0 or -1. */
static int
win_settings(struct buf *b)
{
	int rc = 0;

	rc |= buf_adds(b, "  <Settings>\n"
	    "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
	    "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
	    "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
	    "    <AllowHardTerminate>true</AllowHardTerminate>\n"
	    "    <StartWhenAvailable>true</StartWhenAvailable>\n"
	    "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n"
	    "    <IdleSettings>\n"
	    "      <StopOnIdleEnd>false</StopOnIdleEnd>\n"
	    "      <RestartOnIdle>false</RestartOnIdle>\n"
	    "    </IdleSettings>\n"
	    "    <AllowStartOnDemand>true</AllowStartOnDemand>\n"
	    "    <Enabled>true</Enabled>\n"
	    "    <Hidden>false</Hidden>\n"
	    "    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n"
	    "    <WakeToRun>false</WakeToRun>\n"
	    "    <ExecutionTimeLimit>");
	rc |= iso_duration(b, SCHED_RUN_LIMIT);
	rc |= buf_adds(b, "</ExecutionTimeLimit>\n"
	    "    <Priority>7</Priority>\n"
	    "  </Settings>\n");
	return rc ? -1 : 0;
}

/* Writes the Task Scheduler 1.2 task; 0 or -1 with err. */
static int
render_windows(const struct sched_job *j, struct buf *b, char *err,
    size_t errlen)
{
	int rc = 0;

	if (win_check(j, err, errlen) == -1)
		return -1;
	rc |= buf_printf(b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n",
	    j->utf16 ? "UTF-16" : "UTF-8");
	rc |= buf_adds(b, "<!-- ddns-update.xml: made by \"ddns-update "
	    "schedule windows\"; see docs/scheduling.md.\n"
	    "     Register it with: schtasks /Create /XML ddns-update.xml "
	    "/TN ddns-update /F -->\n"
	    "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/"
	    "windows/2004/02/mit/task\">\n");
	rc |= win_triggers(j, b);
	rc |= win_principal(j, b);
	rc |= win_settings(b);
	rc |= buf_adds(b, "  <Actions Context=\"Author\">\n"
	    "    <Exec>\n"
	    "      <Command>");
	if (rc == 0 && win_command(j, b, err, errlen) == -1)
		return -1;
	rc |= buf_adds(b, "</Command>\n      <Arguments>");
	rc |= win_arguments(j, b);
	rc |= buf_adds(b, "</Arguments>\n"
	    "    </Exec>\n"
	    "  </Actions>\n"
	    "</Task>\n");
	return rc ? -1 : 0;
}

/* --- systemd --------------------------------------------------------------- */

/* Appends the sandboxing lines; mount namespaces need a system unit. */
static int
systemd_sandbox(const struct sched_job *j, struct buf *b)
{
	int rc = 0;

	rc |= buf_adds(b, "# Sandboxing: ddns-update reads its config, "
	    "writes its state and talks\n# to the network "
	    "(AF_NETLINK for iface: sources).\n"
	    "NoNewPrivileges=yes\n");
	if (!j->user)
		rc |= buf_adds(b, "ProtectSystem=strict\n"
		    "ProtectHome=read-only\n"
		    "PrivateTmp=yes\n"
		    "PrivateDevices=yes\n"
		    "ProtectKernelTunables=yes\n"
		    "ProtectControlGroups=yes\n");
	else
		rc |= buf_adds(b, "# (ProtectSystem= and the other mount "
		    "options need a system unit.)\n");
	rc |= buf_adds(b, "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX "
	    "AF_NETLINK\n"
	    "LockPersonality=yes\n"
	    "MemoryDenyWriteExecute=yes\n"
	    "RestrictRealtime=yes\n"
	    "SystemCallArchitectures=native\n");
	if (!j->user)
		rc |= buf_adds(b, "# A state_file outside /var/lib/ddns-update "
		    "must be made writable:\n"
		    "#ReadWritePaths=/srv/ddns\n");
	return rc ? -1 : 0;
}

/* Refuses an executable path systemd will not run; 0 or -1 with err. */
static int
systemd_check(const struct sched_job *j, char *err, size_t errlen)
{
	if (strpbrk(j->exe, "'\"\\") == NULL)
		return 0;
	snprintf(err, errlen, "systemd: refuses to run an executable whose "
	    "path contains ', \" or \\ (%s); install ddns-update elsewhere",
	    j->exe);
	return -1;
}

/* Writes ddns-update.service; 0 or -1. */
static int
render_service(const struct sched_job *j, struct buf *b)
{
	int rc = 0;

	rc |= buf_adds(b, "# ddns-update.service: made by \"ddns-update "
	    "schedule systemd\"; see docs/scheduling.md.\n"
	    "# Started by ddns-update.timer; run it by hand with: systemctl ");
	rc |= buf_adds(b, j->user ? "--user start ddns-update\n" :
	    "start ddns-update\n");
	rc |= buf_adds(b, "\n[Unit]\nDescription=Dynamic DNS update "
	    "(ddns-update)\n");
	if (!j->user)
		rc |= buf_adds(b, "Wants=network-online.target\n"
		    "After=network-online.target\n");
	else
		rc |= buf_adds(b, "# A user manager cannot order after "
		    "network-online.target; ddns-update\n# retries on the "
		    "next run when the network is not up yet.\n");
	rc |= buf_adds(b, "\n[Service]\nType=oneshot\nExecStart=");
	rc |= sched_systemd_quote(b, j->exe, 1);
	rc |= buf_adds(b, " -q -c ");
	rc |= sched_systemd_quote(b, j->config, 0);
	rc |= buf_adds(b, "\n# Only stops a hung run: a normal one ends "
	    "within a few times the\n# config's timeout.\nTimeoutStartSec=");
	rc |= systemd_span(b, SCHED_RUN_LIMIT);
	rc |= buf_adds(b, "\n");
	if (!j->user)
		rc |= buf_adds(b, "# State in /var/lib/ddns-update "
		    "($STATE_DIRECTORY).\nStateDirectory=ddns-update\n");
	else
		rc |= buf_adds(b, "# State in ~/.local/state/ddns-update "
		    "(StateDirectory= of user units\n# is ~/.config on older "
		    "systemd, where the config lives).\n");
	rc |= buf_adds(b, "# Secrets kept out of the config: load a file "
	    "as a credential and name it\n# in the config with K_file, e.g. "
	    "token_file = ${CREDENTIALS_DIRECTORY}/cf_token\n"
	    "#LoadCredential=cf_token:/etc/ddns-update/cf_token\n");
	rc |= systemd_sandbox(j, b);
	return rc ? -1 : 0;
}

/* Writes ddns-update.timer; 0 or -1. */
static int
render_timer(const struct sched_job *j, struct buf *b)
{
	int rc = 0;

	rc |= buf_adds(b, "# ddns-update.timer: made by \"ddns-update "
	    "schedule systemd\"; see docs/scheduling.md.\n"
	    "\n[Unit]\nDescription=Run ddns-update every ");
	rc |= human(b, j->every);
	rc |= buf_adds(b, "\n\n[Timer]\n# Monotonic timers: a first run "
	    "1 minute after boot (at once when the\n# timer starts later), "
	    "then again each interval after the last start.\nOnBootSec=");
	rc |= systemd_span(b, SCHED_BOOT_DELAY);
	rc |= buf_adds(b, "\nOnUnitActiveSec=");
	rc |= systemd_span(b, j->every);
	rc |= buf_adds(b, "\nAccuracySec=");
	rc |= systemd_span(b, clamp(j->every / 20, 1, 15));
	if (j->every >= 20) {
		rc |= buf_adds(b, "\nRandomizedDelaySec=");
		rc |= systemd_span(b, clamp(j->every / 10, 1, 30));
	}
	rc |= buf_adds(b, "\n# No Persistent=: it only applies to "
	    "OnCalendar=; OnBootSec= already\n# runs once after downtime.\n"
	    "\n[Install]\nWantedBy=timers.target\n");
	return rc ? -1 : 0;
}

/* --- cron ------------------------------------------------------------------ */

/* Appends the five time fields for j->every, or refuses; 0 or -1. */
static int
cron_fields(const struct sched_job *j, struct buf *b, char *err,
    size_t errlen)
{
	struct buf	 span = BUF_INIT(64);
	long		 m = j->every / 60, h = j->every / 3600;

	if (j->every % 60 == 0 && m < 60 && 60 % m == 0)
		return m == 1 ? buf_adds(b, "* * * * *") :
		    buf_printf(b, "*/%ld * * * *", m);
	if (j->every % 3600 == 0 && 24 % h == 0)
		return h == 1 ? buf_adds(b, "0 * * * *") : h == 24 ?
		    buf_adds(b, "0 0 * * *") :
		    buf_printf(b, "0 */%ld * * *", h);
	(void)short_span(&span, j->every);
	if (j->every % 60 != 0)
		snprintf(err, errlen, "cron: cron counts whole minutes; "
		    "%s is not one (the systemd and launchd formats take "
		    "seconds)", buf_str(&span));
	else if (m < 60)
		snprintf(err, errlen, "cron: %s does not divide the hour, so "
		    "cron would leave a %ld-minute gap at the top of each "
		    "hour; use a divisor of 60 (1m 2m 3m 4m 5m 6m 10m 12m 15m "
		    "20m 30m) or the systemd format", buf_str(&span), 60 % m);
	else
		snprintf(err, errlen, "cron: cron can repeat %s only with "
		    "uneven gaps; above an hour use whole hours dividing 24 "
		    "(1h 2h 3h 4h 6h 8h 12h 24h) or the systemd format",
		    buf_str(&span));
	buf_free(&span);
	return -1;
}

/* Appends the quoted command of the job for a crontab; 0 or -1. */
static int
cron_command(const struct sched_job *j, struct buf *b, char *err,
    size_t errlen)
{
	int rc = 0;

	if (strstr(j->exe, "\\%") || strstr(j->config, "\\%")) {
		snprintf(err, errlen, "cron: a path contains \"\\%%\", which "
		    "crontab cannot express");
		return -1;
	}
	rc |= sched_sh_quote(b, j->exe, 1);
	rc |= buf_adds(b, " -q -c ");
	rc |= sched_sh_quote(b, j->config, 1);
	return rc ? -1 : 0;
}

/* Writes the crontab lines, each ending in our mark; 0 or -1 with err. */
static int
render_cron(const struct sched_job *j, struct buf *b, char *err,
    size_t errlen)
{
	struct buf	 cmd = BUF_INIT(0), when = BUF_INIT(0);
	int		 rc = -1;

	if (cron_fields(j, &when, err, errlen) == 0 &&
	    cron_command(j, &cmd, err, errlen) == 0) {
		rc = buf_adds(b, "# ddns-update every ");
		rc |= human(b, j->every);
		rc |= buf_adds(b, " and after boot (\"ddns-update schedule "
		    "cron\") " SCHED_CRON_MARK "\n");
		rc |= buf_printf(b, "%s %s " SCHED_CRON_MARK "\n",
		    buf_str(&when), buf_str(&cmd));
		rc |= buf_printf(b, "@reboot sleep %d && %s " SCHED_CRON_MARK
		    "\n", SCHED_BOOT_DELAY, buf_str(&cmd));
		if (rc != 0)
			snprintf(err, errlen, "out of memory");
	}
	buf_free(&cmd);
	buf_free(&when);
	return rc ? -1 : 0;
}

/* --- launchd --------------------------------------------------------------- */

/* Appends "\t<string>s</string>\n" after indent tabs; 0 or -1. */
static int
plist_string(struct buf *b, int indent, const char *s)
{
	int rc = 0;

	while (indent-- > 0)
		rc |= buf_adds(b, "\t");
	rc |= buf_adds(b, "<string>");
	rc |= sched_xml_escape(b, s);
	rc |= buf_adds(b, "</string>\n");
	return rc ? -1 : 0;
}

/* Writes the launchd property list; 0 or -1 with err. */
static int
render_launchd(const struct sched_job *j, struct buf *b, char *err,
    size_t errlen)
{
	int rc = 0;

	if (j->log_path == NULL) {
		snprintf(err, errlen, "launchd: no log path");
		return -1;
	}
	if (sched_check_text("the log path", j->log_path, err, errlen) == -1)
		return -1;
	rc |= buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	    "<!-- ddns-update.plist: made by \"ddns-update schedule "
	    "launchd\"; see docs/scheduling.md. -->\n"
	    "<plist version=\"1.0\">\n<dict>\n"
	    "\t<key>Label</key>\n\t<string>" SCHED_NAME "</string>\n"
	    "\t<key>ProgramArguments</key>\n\t<array>\n");
	rc |= plist_string(b, 2, j->exe);
	rc |= plist_string(b, 2, "-q");
	rc |= plist_string(b, 2, "-c");
	rc |= plist_string(b, 2, j->config);
	rc |= buf_printf(b, "\t</array>\n"
	    "\t<key>RunAtLoad</key>\n\t<true/>\n"
	    "\t<key>StartInterval</key>\n\t<integer>%ld</integer>\n"
	    "\t<key>StandardOutPath</key>\n", j->every);
	rc |= plist_string(b, 1, j->log_path);
	rc |= buf_adds(b, "\t<key>StandardErrorPath</key>\n");
	rc |= plist_string(b, 1, j->log_path);
	rc |= buf_adds(b, "</dict>\n</plist>\n");
	return rc ? -1 : 0;
}

/* --- entry ----------------------------------------------------------------- */

int
sched_render(const struct sched_job *j, size_t i, struct buf *out,
    char *err, size_t errlen)
{
	int rc;

	if (j->every <= 0 || j->every > SCHED_EVERY_MAX ||
	    i >= sched_nfiles(j->fmt)) {
		snprintf(err, errlen, "bad schedule request");
		return -1;
	}
	if (check_paths(j, err, errlen) == -1)
		return -1;
	snprintf(err, errlen, "out of memory");
	switch (j->fmt) {
	case SCHED_WINDOWS:
		rc = render_windows(j, out, err, errlen);
		break;
	case SCHED_SYSTEMD:
		rc = systemd_check(j, err, errlen);
		if (rc == 0)
			rc = i == 0 ? render_service(j, out) :
			    render_timer(j, out);
		break;
	case SCHED_CRON:
		rc = render_cron(j, out, err, errlen);
		break;
	default:
		rc = render_launchd(j, out, err, errlen);
		break;
	}
	return rc;
}
