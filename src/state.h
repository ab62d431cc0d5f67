/*
 * state.h - what has been published, kept in one human-readable INI file.
 *
 *   [home A home.example.com]      ; account label, type, record
 *   address = 203.0.113.7
 *   updated = 2026-11-25T10:00:00Z ; when the provider last confirmed it
 *   record_id = ...                ; provider IDs (any other keys)
 *
 *   [home]                         ; account-wide cache (zone IDs, back-off)
 *   zone_id.example.com = ...
 *
 * Only written after a provider confirmed, and atomically. A corrupt file is
 * reported and read as empty: the run then re-checks with the provider.
 */
#ifndef DDNS_STATE_H
#define DDNS_STATE_H

#include <stddef.h>

#include "buf.h"
#include "kv.h"

struct state_rec {
	char		*acct;		/* account label */
	char		*name;		/* record FQDN */
	int		 fam;		/* 4 or 6 */
	char		*addr;		/* published address, NULL if never */
	long long	 updated;	/* epoch seconds of confirmation, 0 unknown */
	struct kv	 ids;		/* provider IDs */
};

struct state_acct {
	char		*label;
	struct kv	 kv;
};

struct state {
	struct state_rec	*recs;
	size_t			 nrecs, caprecs;
	struct state_acct	*accts;
	size_t			 naccts, capaccts;
};

#define STATE_INIT	{ NULL, 0, 0, NULL, 0, 0 }

/* Reads path into s (a missing file is an empty state, returns 0). A file
 * that cannot be read or parsed is reported, s is left empty, returns -1. */
int			 state_load(struct state *s, const char *path);
/* Returns the record, or NULL. */
struct state_rec	*state_find(struct state *s, const char *acct,
			    const char *name, int fam);
/* Returns the record, added empty if absent; NULL on OOM. */
struct state_rec	*state_get(struct state *s, const char *acct,
			    const char *name, int fam);
/* Returns an account's cache, added empty if absent; NULL on OOM. */
struct kv		*state_acct(struct state *s, const char *label);
/* Drops records and account caches for which keep() returns 0. */
void			 state_prune(struct state *s,
			    int (*keep)(const char *acct, const char *name,
			    int fam, void *arg), void *arg);
/* Serialises s into b (the file's exact text); 0 or -1. */
int			 state_format(const struct state *s, struct buf *b);
/* Writes s to path atomically (first removing temp files an interrupted
 * run left; call with the state lock held); 0, or -1 with the reason. */
int			 state_save(const struct state *s, const char *path,
			    char *err, size_t errlen);
/* Frees everything; s is empty and reusable. */
void			 state_free(struct state *s);

#endif
