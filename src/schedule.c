/*
 * schedule.c - the "ddns-update schedule" command: options, the job's
 * paths, and where the generated files go (stdout, --output, --install).
 * Generation is in schedule_fmt.c; the machine side in schedule_install.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "platform.h"
#include "schedule.h"

#define USAGE \
	"usage: ddns-update schedule FORMAT [--every DURATION] [-c CONFIG]\n" \
	"           [--output DIR] [--install | --uninstall] [--dry-run] " \
	"[--user]\n" \
	"FORMAT is windows, systemd, cron or launchd; DURATION is Ns, Nm or " \
	"Nh\n(default 5m). Without --output or --install the job is " \
	"printed.\nSee docs/scheduling.md.\n"

struct sched_opts {
	const char	*fmt_name;	/* FORMAT as given */
	const char	*every;		/* --every as given, or NULL */
	const char	*config;	/* -c as given, or NULL */
	const char	*outdir;	/* --output as given, or NULL */
	int		 install, uninstall, dry_run, user;
};

/* Strings schedule_main allocates for the job, freed at its end. */
struct sched_owned {
	char	*config, *outdir, *win_user, *log_path;
};

/* Matches argv[*i] against a long option "--name VALUE" / "--name=VALUE"
 * or a short one "-c VALUE" / "-cVALUE". Returns 1 with *val set, 0 when
 * argv[*i] is something else, -1 when the value is missing. */
static int
opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char	*a = argv[*i];
	size_t		 n = strlen(name);
	int		 is_long = name[1] == '-';

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] != '\0') {
		if (is_long && a[n] != '=')
			return 0;
		*val = a + n + (is_long ? 1 : 0);
		return 1;
	}
	if (*i + 1 >= argc) {
		log_err("schedule: %s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

/* Returns the flag argv[i] names (or NULL when it is none of ours). */
static int *
opt_flag(struct sched_opts *o, const char *a)
{
	if (strcmp(a, "--install") == 0)
		return &o->install;
	if (strcmp(a, "--uninstall") == 0)
		return &o->uninstall;
	if (strcmp(a, "--dry-run") == 0)
		return &o->dry_run;
	if (strcmp(a, "--user") == 0)
		return &o->user;
	return NULL;
}

/* Parses the option at argv[*i]; 0, 1 after --help, -1 on a usage error. */
static int
parse_opt(int argc, char **argv, int *i, struct sched_opts *o)
{
	const char	*a = argv[*i];
	int		*flag = opt_flag(o, a);
	int		 rc;

	if (flag != NULL) {
		*flag = 1;
		return 0;
	}
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		fputs(USAGE, stdout);
		return 1;
	}
	rc = opt_value(argc, argv, i, "--every", &o->every);
	if (rc == 0)
		rc = opt_value(argc, argv, i, "--output", &o->outdir);
	if (rc == 0)
		rc = opt_value(argc, argv, i, "--config", &o->config);
	if (rc == 0)
		rc = opt_value(argc, argv, i, "-c", &o->config);
	if (rc == 0)
		log_err("schedule: unknown option %s", a);
	return rc == 1 ? 0 : -1;
}

/* Checks the combination of options; 0 or -1 (logged). */
static int
check_opts(const struct sched_opts *o)
{
	if (o->fmt_name == NULL)
		log_err("schedule: which FORMAT? windows, systemd, cron or "
		    "launchd");
	else if (o->install && o->uninstall)
		log_err("schedule: --install and --uninstall exclude each "
		    "other");
	else if (o->uninstall && o->outdir != NULL)
		log_err("schedule: --output makes no sense with --uninstall");
	else
		return 0;
	return -1;
}

/* Parses the arguments; 0, 1 after --help, -1 on a usage error. */
static int
parse_args(int argc, char **argv, struct sched_opts *o)
{
	int	 i, rc, opts_done = 0;

	for (i = 1; i < argc; i++) {
		if (!opts_done && strcmp(argv[i], "--") == 0)
			opts_done = 1;
		else if (!opts_done && argv[i][0] == '-' &&
		    argv[i][1] != '\0') {
			rc = parse_opt(argc, argv, &i, o);
			if (rc != 0)
				return rc;
		} else if (o->fmt_name == NULL)
			o->fmt_name = argv[i];
		else {
			log_err("schedule: unexpected argument %s", argv[i]);
			return -1;
		}
	}
	return check_opts(o);
}

/* Returns 1 when path is absolute (POSIX, drive or UNC form). */
static int
is_abs(const char *p)
{
	if (p[0] == '/' || (p[0] == '\\' && p[1] == '\\'))
		return 1;
	return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' &&
	    p[0] <= 'z')) && p[1] == ':' && (p[2] == '\\' || p[2] == '/');
}

/* Returns a malloc'd string of a and b concatenated, NULL on OOM. */
static char *
concat(const char *a, const char *b)
{
	struct buf	 s = BUF_INIT(0);

	if (buf_adds(&s, a) == -1 || buf_adds(&s, b) == -1) {
		buf_free(&s);
		return NULL;
	}
	return buf_detach(&s);
}

/* Finds and checks the config file; exit code 0, 1 or 2. */
static int
find_config(const struct sched_opts *o, struct sched_owned *own)
{
	char *def = NULL;

	if (o->config == NULL)
		def = plat_default_config();
	own->config = plat_abspath(o->config ? o->config : def);
	free(def);
	if (own->config == NULL) {
		log_err("schedule: cannot make the config path absolute");
		return 1;
	}
	if (!plat_is_file(own->config)) {
		log_err("schedule: %s: no such config file; write it first "
		    "or name it with -c", own->config);
		return 2;
	}
	return 0;
}

/* Returns "DOMAIN\\name" of the Windows account from the environment
 * (malloc'd), or NULL when USERNAME is unset or on OOM. */
static char *
win_account(void)
{
	const char	*dom = plat_getenv("USERDOMAIN");
	const char	*name = plat_getenv("USERNAME");
	struct buf	 b = BUF_INIT(0);
	int		 rc = 0;

	if (name == NULL || *name == '\0')
		return NULL;
	if (dom != NULL && *dom != '\0')
		rc = buf_printf(&b, "%s\\", dom);
	if (rc == -1 || buf_adds(&b, name) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Fills the per-format extras of the job (account, log file); 0 or 2. */
static int
job_extras(struct sched_job *j, struct sched_owned *own)
{
	const char *home;

	if (j->fmt == SCHED_WINDOWS && j->user)
		j->win_user = own->win_user = win_account();
	if (j->fmt != SCHED_LAUNCHD)
		return 0;
	if (!j->user) {
		j->log_path = "/var/log/ddns-update.log";
		return 0;
	}
	home = plat_getenv("HOME");
	if (home == NULL || *home != '/') {
		log_err("schedule: launchd --user: HOME is not set");
		return 2;
	}
	j->log_path = own->log_path = concat(home,
	    "/Library/Logs/ddns-update.log");
	return j->log_path ? 0 : 1;
}

/* Turns the options into the command; exit code 0, 1 or 2. */
static int
setup_cmd(const struct sched_opts *o, const char *self,
    struct sched_cmd *c, struct sched_owned *own)
{
	char	 err[512];
	int	 rc;

	if (sched_fmt_parse(o->fmt_name, &c->job.fmt) == -1) {
		log_err("schedule: unknown format %s (windows, systemd, cron "
		    "or launchd)", o->fmt_name);
		return 2;
	}
	c->job.every = SCHED_EVERY_DEFAULT;
	if (o->every && sched_parse_every(o->every, &c->job.every, err,
	    sizeof(err)) == -1) {
		log_err("schedule: %s", err);
		return 2;
	}
	c->job.user = o->user;
	c->dry_run = o->dry_run;
	if (self == NULL || !is_abs(self)) {
		log_err("schedule: cannot tell the absolute path of "
		    "ddns-update (got %s)", self ? self : "nothing");
		return 1;
	}
	c->job.exe = self;
	if (o->outdir != NULL) {
		c->outdir = own->outdir = plat_abspath(o->outdir);
		if (own->outdir == NULL)
			return 1;
	}
	if (o->uninstall)
		return 0;
	rc = find_config(o, own);
	c->job.config = own->config;
	return rc ? rc : job_extras(&c->job, own);
}

/* Renders every file of the job into texts; 0, or 2 after logging why
 * the format cannot express it. */
static int
render_all(const struct sched_job *j, struct buf *texts)
{
	char	 err[512];
	size_t	 i;

	for (i = 0; i < sched_nfiles(j->fmt); i++)
		if (sched_render(j, i, &texts[i], err, sizeof(err)) == -1) {
			log_err("schedule: %s", err);
			return 2;
		}
	return 0;
}

/* Prints the files to stdout, a blank line between two; exit code. */
static int
print_files(const struct sched_job *j, struct buf *texts)
{
	size_t i;

	for (i = 0; i < sched_nfiles(j->fmt); i++) {
		if (i > 0)
			fputc('\n', stdout);
		fwrite(texts[i].data, 1, texts[i].len, stdout);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_err("schedule: cannot write to standard output");
		return 1;
	}
	return 0;
}

/* Does what the options ask with a set-up command; exit code. */
static int
run(const struct sched_opts *o, struct sched_cmd *c, struct buf *texts)
{
	int rc;

	if (o->uninstall)
		return sched_uninstall(c);
	c->job.utf16 = c->outdir != NULL || o->install;
	rc = render_all(&c->job, texts);
	if (rc != 0)
		return rc;
	if (c->job.every < 60)
		log_warn("schedule: every %lds: more than once a minute "
		    "mostly adds load on the address services", c->job.every);
	if (c->outdir == NULL && !o->install)
		return print_files(&c->job, texts);
	if (c->outdir != NULL && sched_write_files(c, c->outdir, texts) == -1)
		return 1;
	return o->install ? sched_install(c, texts) : 0;
}

int
schedule_main(int argc, char **argv, const char *self)
{
	struct sched_opts	 o;
	struct sched_cmd	 c;
	struct sched_owned	 own;
	struct buf		 texts[2] = { BUF_INIT(0), BUF_INIT(0) };
	int			 rc;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	memset(&own, 0, sizeof(own));
	rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		if (rc == -1)
			fputs(USAGE, stderr);
		return rc == 1 ? 0 : 2;
	}
	rc = setup_cmd(&o, self, &c, &own);
	if (rc == 0)
		rc = run(&o, &c, texts);
	buf_free(&texts[0]);
	buf_free(&texts[1]);
	free(own.config);
	free(own.outdir);
	free(own.win_user);
	free(own.log_path);
	return rc;
}
