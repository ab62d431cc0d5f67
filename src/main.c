/*
 * main.c - the command line: options, config, one run, an exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "log.h"
#include "platform.h"
#include "schedule.h"
#include "version.h"

struct opts {
	const char	*config;
	int		 check;
	int		 verbosity;
	struct run_opts	 run;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: ddns-update [-c FILE] [-n|--dry-run] [-f|--force] [-v|--verbose]\n"
"                   [-q|--quiet] [--check] [--version] [--help]\n"
"       ddns-update schedule FORMAT [options]   (see ddns-update schedule --help)\n"
"\n"
"Runs once: finds the current public address(es), updates the DNS records\n"
"that changed since the last run, saves the state, and exits.\n"
"\n"
"  -c, --config FILE  config file (default: %s)\n"
"  -n, --dry-run      detect and compare only; no provider call, no state written\n"
"  -f, --force        update every record even when the state says it is current\n"
"  -v, --verbose      also say which source said what and which requests were made\n"
"  -q, --quiet        print errors only\n"
"      --check        validate the config and exit; no network\n"
"      --version      print the version\n"
"      --help         print this help\n"
"\n"
"Exit status:\n"
"  0  every record is up to date (whether or not anything changed)\n"
"  1  runtime failure: no address detected, or a record could not be updated\n"
"     (the next run retries)\n"
"  2  usage or configuration error\n",
	    "/etc/ddns-update.ini as root, else "
	    "$XDG_CONFIG_HOME/ddns-update/ddns-update.ini");
}

/* Applies one short flag; 0, or -1 when unknown. */
static int
short_flag(struct opts *o, char f)
{
	switch (f) {
	case 'n': o->run.dry_run = 1; return 0;
	case 'f': o->run.force = 1; return 0;
	case 'v': o->verbosity = 1; return 0;
	case 'q': o->verbosity = -1; return 0;
	default: return -1;
	}
}

/* Parses argv into o; 0 to run, 1 when done (help/version), 2 on error. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	int	 i;
	char	*a;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 1;
		} else if (strcmp(a, "--version") == 0) {
			printf("ddns-update %s\n", DDNS_VERSION);
			return 1;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (++i == argc) {
				fprintf(stderr, "ddns-update: %s needs a file\n", a);
				return 2;
			}
			o->config = argv[i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			o->config = a + 9;
		} else if (strncmp(a, "-c", 2) == 0) {
			o->config = a + 2;
		} else if (strcmp(a, "--check") == 0) {
			o->check = 1;
		} else if (strcmp(a, "--dry-run") == 0) {
			o->run.dry_run = 1;
		} else if (strcmp(a, "--force") == 0) {
			o->run.force = 1;
		} else if (strcmp(a, "--verbose") == 0) {
			o->verbosity = 1;
		} else if (strcmp(a, "--quiet") == 0) {
			o->verbosity = -1;
		} else if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
			for (a++; *a; a++)
				if (short_flag(o, *a) == -1) {
					fprintf(stderr, "ddns-update: unknown "
					    "option -%c (try --help)\n", *a);
					return 2;
				}
		} else {
			fprintf(stderr, "ddns-update: unknown argument %s "
			    "(try --help)\n", a);
			return 2;
		}
	}
	return 0;
}

/* Loads the config and runs; returns the exit code. */
static int
run(const struct opts *o)
{
	struct config	 c;
	char		*def = NULL;
	const char	*path = o->config;
	int		 rc;
	size_t		 i, nrec = 0;

	if (path == NULL && (path = def = plat_default_config()) == NULL)
		return EXIT_USAGE;
	if (o->config == NULL && !plat_is_file(path)) {
		log_err("no config file at %s (give one with -c FILE)", path);
		free(def);
		return EXIT_USAGE;
	}
	if (config_load(&c, path) == -1) {
		config_free(&c);
		free(def);
		return EXIT_USAGE;
	}
	if (o->check) {
		for (i = 0; i < c.naccts; i++)
			nrec += c.accts[i].nrecords;
		printf("%s: OK (%zu account%s, %zu record name%s)\n", path,
		    c.naccts, c.naccts == 1 ? "" : "s", nrec,
		    nrec == 1 ? "" : "s");
		rc = EXIT_UPTODATE;
	} else {
		rc = engine_run(&c, &o->run);
	}
	config_free(&c);
	free(def);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	char		*self;
	int		 rc;

	memset(&o, 0, sizeof(o));
	argv = plat_init(argc, argv);
	log_init(0);
	if (argc > 1 && strcmp(argv[1], "schedule") == 0) {
		self = plat_self_path(argv[0]);
		rc = schedule_main(argc - 1, argv + 1, self ? self : argv[0]);
		free(self);
		return rc;
	}
	rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc == 1 ? EXIT_UPTODATE : EXIT_USAGE;
	log_init(o.verbosity);
	rc = run(&o);
	log_forget_secrets();
	return rc;
}
