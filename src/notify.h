/*
 * notify.h - telling someone what a run changed: a webhook and/or a command.
 *
 * Runs after the state is saved. A failed notification is logged (warning)
 * but never turns a successful update into a failure, and never causes an
 * update to be redone.
 */
#ifndef DDNS_NOTIFY_H
#define DDNS_NOTIFY_H

#include <stddef.h>

struct config;
struct http;
struct kv;

/* One record this run changed (ok) or could not bring up to date. */
struct notify_event {
	const char	*acct;		/* account label */
	const char	*provider;	/* provider name */
	const char	*name;		/* record FQDN */
	int		 fam;		/* 4 or 6 */
	char		 old[46];	/* previous address, "" if none */
	char		 addr[46];	/* new address, "" when none found */
	const char	*why;		/* NULL when ok, else the outcome text */
};

/* Fills vars with every placeholder a notification may use, for the given
 * events and detected addresses (v4/v6 may be NULL); 0 or -1 (OOM). */
int	 notify_vars(struct kv *vars, const struct notify_event *ev, size_t n,
	    const char *v4, const char *v6);
/* Sends the notifications [notify] asks for, given this run's events. */
void	 notify_send(const struct config *c, struct http *h,
	    const struct notify_event *ev, size_t n, const char *v4,
	    const char *v6);

#endif
