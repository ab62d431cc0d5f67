/*
 * engine.h - one run: detect -> diff against state -> providers -> state
 * -> notify.
 */
#ifndef DDNS_ENGINE_H
#define DDNS_ENGINE_H

struct config;

struct run_opts {
	int	dry_run;	/* detect and diff only; no provider, no state */
	int	force;		/* update every record even if state says current */
};

/* Exit codes a scheduler can trust. */
#define EXIT_UPTODATE	0	/* every record is up to date */
#define EXIT_RUNTIME	1	/* no address, or some record not updated */
#define EXIT_USAGE	2	/* usage or configuration error */

/* Runs once with a loaded config; returns EXIT_UPTODATE or EXIT_RUNTIME. */
int	 engine_run(const struct config *c, const struct run_opts *o);

#endif
