/*
 * provider.h - the one interface every DNS provider implements.
 *
 * A provider is one file in providers/ exporting one const struct provider,
 * listed in the table in providers/providers.c. It sees only our http,
 * crypto, json and log interfaces. It receives every change for one account
 * at once, so it can batch where its API allows, and reports an outcome
 * class per change; the engine turns outcomes into state and exit codes.
 */
#ifndef DDNS_PROVIDER_H
#define DDNS_PROVIDER_H

#include <stddef.h>

#include "config.h"
#include "kv.h"

struct http;

enum outcome {
	OUT_PENDING,	/* not attempted (provider must not leave this) */
	OUT_OK,		/* the provider now holds the wanted address */
	OUT_AUTH,	/* credentials rejected or lacking permission */
	OUT_NOTFOUND,	/* zone/domain/host does not exist at the provider */
	OUT_RATELIMIT,	/* told to slow down */
	OUT_RETRY,	/* server or network trouble: retry next run */
	OUT_BADREQ	/* the request was refused as invalid */
};

/* One record to bring to a new address. */
struct change {
	const char	*name;		/* FQDN, lower case, no final dot */
	int		 fam;		/* 4 (A) or 6 (AAAA) */
	const char	*addr;		/* address to publish, canonical */
	const char	*old;		/* last published (state), or NULL */
	int		 verify;	/* state says addr is already published:
					   look the record up and fix it only if
					   it differs (no blind write by cached id) */
	struct kv	*ids;		/* this record's cached provider IDs from
					   the state; update it with what to keep
					   (saved only when out == OUT_OK) */
	enum outcome	 out;		/* set by the provider */
	long		 retry_after;	/* seconds, for RATELIMIT/RETRY; 0 unknown */
};

/* What a provider gets besides the changes. */
struct pctx {
	const struct account	*acct;
	struct http		*http;
	struct kv		*cache;		/* account-wide cache kept in the
						   state (zone IDs, back-off) */
	long long		 now;		/* seconds since the epoch */
};

/* min_refresh for protocols that can only re-send an update: dyndns-style
 * services call frequent "nochg" updates abuse. */
#define REFRESH_BLIND	(25L * 86400)

#define PKEY_REQUIRED	0x1	/* missing -> config error */
#define PKEY_SECRET	0x2	/* never printed; masked in every log line */

struct provider_key {
	const char	*name;
	unsigned	 flags;
};

struct provider {
	const char			*name;	/* value of provider = */
	const char			*api_base;	/* default endpoint */
	const struct provider_key	*keys;	/* provider-specific keys,
						   ended by { NULL, 0 } */
	long				 min_refresh;	/* seconds; where checking
					   a record means re-sending it (no
					   lookup API), re-checks are at least
					   this far apart; 0 for none */
	/* Optional cross-key validation at load time; on a problem it calls
	 * acct_error() and returns -1. */
	int	(*check)(const struct account *a);
	/* Brings every change to its address, setting each out. */
	void	(*update)(const struct pctx *ctx, struct change *ch, size_t n);
};

/* Returns the provider named name, or NULL. */
const struct provider	*provider_find(const char *name);
/* Returns the NULL-terminated table of every provider. */
const struct provider *const *provider_all(void);
/* Returns a short text for an outcome ("authentication failed", ...). */
const char		*outcome_str(enum outcome o);
/* Returns the account's API base: endpoint override, else api_base. */
const char		*provider_base(const struct pctx *ctx);
/* Maps an HTTP status to an outcome class (2xx OK, 401/403 AUTH, 404
 * NOTFOUND, 429 RATELIMIT, 5xx and 0 RETRY, other 4xx BADREQ). */
enum outcome		 outcome_from_status(long status);

#endif
